// Portable Highway dot kernels for Q2_K, Q3_K and IQ4_XS against 8-bit activation
// 32-blocks, included by matmul-inl.h inside the per-target namespace (uses its D16 / Dot32 /
// TokenPtrs). Weights are unpacked to int16 with the 16-element sub-block scale multiplied
// in (|q * scale| stays far below int16's range), so each 32-block is one integer dot.
// No include guard: re-included per target.

// Q2_K: code (q >> 2g) & 3 of 4-bit scale sc & 0xF, minus 4-bit min sc >> 4 times dmin.
// The mins are a second integer dot: a vector holding each half's min against the block.
template <int T>
HWY_INLINE void DotQ2_K(const uint8_t* row, int64_t nsb, const TokenPtrs<T>& x, float* res) {
  const D16 d16;
  const DU8 du8;
  const DF df;
  const auto* blk = reinterpret_cast<const BlockQ2_K*>(row);
  const V16 m3 = hn::Set(d16, 3);
  VF acc[T], accm[T];
  float accs[T] = {};
  for (int t = 0; t < T; ++t) acc[t] = accm[t] = hn::Zero(df);
  for (int64_t i = 0; i < nsb; ++i) {
    const float d = half_to_float(blk[i].d);
    const float dmin = half_to_float(blk[i].dmin);
    for (int n = 0; n < 2; ++n) {
      V16 raw[kV];
      for (size_t k = 0; k < kV; ++k)
        raw[k] = hn::PromoteTo(d16, hn::LoadU(du8, blk[i].qs + 32 * n + k * kN));
      for (int g = 0; g < 4; ++g) {
        const uint8_t* sc = blk[i].scales + 8 * n + 2 * g;
        V16 w[kV], mins[kV];
        for (size_t k = 0; k < kV; ++k) {
          const uint8_t s = sc[(k * kN) / 16];
          w[k] = hn::Mul(hn::And(hn::ShiftRightSame(raw[k], 2 * g), m3), hn::Set(d16, s & 0xF));
          mins[k] = hn::Set(d16, static_cast<int16_t>(s >> 4));
        }
        const int64_t b = i * 8 + 4 * n + g;
        for (int t = 0; t < T; ++t) {
          const int8_t* xq = x.q[t] + b * 32;
          const float xd = x.d[t][b];
          acc[t] = hn::MulAdd(hn::ConvertTo(df, Dot32(w, xq)), hn::Set(df, d * xd), acc[t]);
          accm[t] = hn::MulAdd(hn::ConvertTo(df, Dot32(mins, xq)), hn::Set(df, dmin * xd), accm[t]);
        }
      }
    }
  }
  for (int t = 0; t < T; ++t) acc[t] = hn::Sub(acc[t], accm[t]);
  Finish<T>(acc, accs, res);
}

// Q3_K: low two bits from qs as Q2_K's, minus 4 where the hmask bit (4n + g) is clear, times
// the signed 6-bit scale of the 16-element sub-block.
template <int T>
HWY_INLINE void DotQ3_K(const uint8_t* row, int64_t nsb, const TokenPtrs<T>& x, float* res) {
  const D16 d16;
  const DU8 du8;
  const DF df;
  const auto* blk = reinterpret_cast<const BlockQ3_K*>(row);
  const V16 m3 = hn::Set(d16, 3);
  const V16 one = hn::Set(d16, 1);
  const V16 four = hn::Set(d16, 4);
  VF acc[T];
  float accs[T] = {};
  for (int t = 0; t < T; ++t) acc[t] = hn::Zero(df);
  for (int64_t i = 0; i < nsb; ++i) {
    const float d = half_to_float(blk[i].d);
    int scales[16];
    for (int j = 0; j < 16; ++j) scales[j] = q3k_scale(blk[i].scales, j);
    V16 hraw[kV];
    for (size_t k = 0; k < kV; ++k)
      hraw[k] = hn::PromoteTo(d16, hn::LoadU(du8, blk[i].hmask + k * kN));
    for (int n = 0; n < 2; ++n) {
      V16 raw[kV];
      for (size_t k = 0; k < kV; ++k)
        raw[k] = hn::PromoteTo(d16, hn::LoadU(du8, blk[i].qs + 32 * n + k * kN));
      for (int g = 0; g < 4; ++g) {
        V16 w[kV];
        for (size_t k = 0; k < kV; ++k) {
          const V16 lo = hn::And(hn::ShiftRightSame(raw[k], 2 * g), m3);
          const V16 hi = hn::And(hn::ShiftRightSame(hraw[k], 4 * n + g), one);
          const V16 q = hn::Sub(hn::Or(lo, hn::ShiftLeft<2>(hi)), four);
          const int s = scales[8 * n + 2 * g + static_cast<int>((k * kN) / 16)];
          w[k] = hn::Mul(q, hn::Set(d16, static_cast<int16_t>(s)));
        }
        const int64_t b = i * 8 + 4 * n + g;
        for (int t = 0; t < T; ++t) {
          const VF dot = hn::ConvertTo(df, Dot32(w, x.q[t] + b * 32));
          acc[t] = hn::MulAdd(dot, hn::Set(df, d * x.d[t][b]), acc[t]);
        }
      }
    }
  }
  Finish<T>(acc, accs, res);
}

// IQ4_XS: IQ4_NL's grid values per 32-block (UnpackIq4), scaled by d times the block's 6-bit
// scale.
template <int T>
HWY_INLINE void DotIQ4_XS(const uint8_t* row, int64_t nsb, const TokenPtrs<T>& x, float* res) {
  const DF df;
  const auto* blk = reinterpret_cast<const BlockIQ4_XS*>(row);
  VF acc[T];
  float accs[T] = {};
  for (int t = 0; t < T; ++t) acc[t] = hn::Zero(df);
  for (int64_t i = 0; i < nsb; ++i) {
    const float d = half_to_float(blk[i].d);
    for (int ib = 0; ib < 8; ++ib) {
      V16 w[kV];
      UnpackIq4(blk[i].qs + 16 * ib, w);
      const float dl = d * static_cast<float>(iq4xs_scale(blk[i], ib));
      const int64_t b = i * 8 + ib;
      for (int t = 0; t < T; ++t) {
        const VF dot = hn::ConvertTo(df, Dot32(w, x.q[t] + b * 32));
        acc[t] = hn::MulAdd(dot, hn::Set(df, dl * x.d[t][b]), acc[t]);
      }
    }
  }
  Finish<T>(acc, accs, res);
}
