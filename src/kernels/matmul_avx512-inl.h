// AVX-512 VNNI kernels (AVX3_DL), included by matmul_x86-inl.h inside namespace x86.
// Two 32-blocks per 512-bit register: one vpdpbusd, conversion and FMA cover 64 weights,
// half the per-block float work of the 256-bit path. Unsigned weights (nibbles) are dotted
// with the signed activations directly; signed weights (Q8_0, Q6_K) with the activations
// offset by +128, minus 128 * the weights' own sums (computed once per row, reused for
// every token). Rows with an odd block count use the 256-bit path.
// No include guard: re-included per target.

#if HWY_TARGET == HWY_AVX3_DL && defined(TANDEM_HAVE_VNNI)
#define TANDEM_MATMUL_AVX512 1

// GCC 12's avx512fintrin.h trips -Wuninitialized on its own _mm512_undefined_* temporaries.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

namespace z {

// Two fp16 scales -> lanes 0,1 of a float vector with one conversion.
HWY_INLINE __m128 Halves(uint16_t h0, uint16_t h1) {
  return _mm_cvtph_ps(_mm_cvtsi32_si128(static_cast<int>(h0 | (static_cast<uint32_t>(h1) << 16))));
}

// Two consecutive floats into lanes 0, 1.
HWY_INLINE __m128 LoadPair(const float* p) {
  return _mm_castpd_ps(_mm_load_sd(reinterpret_cast<const double*>(p)));
}

// [v0 x8, v1 x8] from lanes 0, 1 of v.
HWY_INLINE __m512 Spread2(__m128 v) {
  const __m512i idx = _mm512_set_epi32(1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0);
  return _mm512_permutexvar_ps(idx, _mm512_castps128_ps512(v));
}

// Two Q4_0-style 16-byte nibble arrays -> [lo0, hi0, lo1, hi1] as 64 bytes 0..15.
HWY_INLINE __m512i NibblePair(const uint8_t* qs0, const uint8_t* qs1) {
  const __m256i q = _mm256_set_m128i(_mm_loadu_si128(reinterpret_cast<const __m128i*>(qs1)),
                                     _mm_loadu_si128(reinterpret_cast<const __m128i*>(qs0)));
  __m512i v = _mm512_inserti64x4(_mm512_castsi256_si512(q), _mm256_srli_epi16(q, 4), 1);
  v = _mm512_shuffle_i64x2(v, v, _MM_SHUFFLE(3, 1, 2, 0));
  return _mm512_and_si512(v, _mm512_set1_epi8(0xF));
}

HWY_INLINE __m512i Join(__m256i lo, __m256i hi) {
  return _mm512_inserti64x4(_mm512_castsi256_si512(lo), hi, 1);
}

// Same contract as the 256-bit unpackers, per pair of blocks: Prepare(row, g, mc) for
// group g (kPairs pairs), Pair(p, w, sc).
struct Q4_0 {
  static constexpr int kGroupBytes = 36;  // weight bytes per group
  static constexpr int kPairs = 1;
  static constexpr bool kSigned = false;
  static constexpr bool kHasMin = true;
  const BlockQ4_0* blk;
  __m512 sc;
  HWY_INLINE void Prepare(const uint8_t* row, int64_t g, float* mc) {
    blk = reinterpret_cast<const BlockQ4_0*>(row) + 2 * g;
    const __m128 d = Halves(blk[0].d, blk[1].d);
    _mm_storel_pi(reinterpret_cast<__m64*>(mc), _mm_mul_ps(d, _mm_set1_ps(-8.0f)));
    sc = Spread2(d);
  }
  HWY_INLINE __m512i Pair(int, __m512& s) const {
    s = sc;
    return NibblePair(blk[0].qs, blk[1].qs);
  }
};

struct Q4_1 {
  static constexpr int kGroupBytes = 40;  // weight bytes per group
  static constexpr int kPairs = 1;
  static constexpr bool kSigned = false;
  static constexpr bool kHasMin = true;
  const BlockQ4_1* blk;
  __m512 sc;
  HWY_INLINE void Prepare(const uint8_t* row, int64_t g, float* mc) {
    blk = reinterpret_cast<const BlockQ4_1*>(row) + 2 * g;
    _mm_storel_pi(reinterpret_cast<__m64*>(mc), Halves(blk[0].m, blk[1].m));
    sc = Spread2(Halves(blk[0].d, blk[1].d));
  }
  HWY_INLINE __m512i Pair(int, __m512& s) const {
    s = sc;
    return NibblePair(blk[0].qs, blk[1].qs);
  }
};

struct Q5_0 {
  static constexpr int kGroupBytes = 44;  // weight bytes per group
  static constexpr int kPairs = 1;
  static constexpr bool kSigned = false;
  static constexpr bool kHasMin = true;
  x86::Q5_0 b[2];
  HWY_INLINE void Prepare(const uint8_t* row, int64_t g, float* mc) {
    b[0].Prepare(row, 2 * g, mc);
    b[1].Prepare(row, 2 * g + 1, mc + 1);
  }
  HWY_INLINE __m512i Pair(int, __m512& s) const {
    __m256i u0, u1, unused;
    __m256 s0, s1;
    b[0].Block(0, u0, unused, s0);
    b[1].Block(0, u1, unused, s1);
    s = _mm512_insertf32x8(_mm512_castps256_ps512(s0), s1, 1);
    return Join(u0, u1);
  }
};

struct Q8_0 {
  static constexpr int kGroupBytes = 68;  // weight bytes per group
  static constexpr int kPairs = 1;
  static constexpr bool kSigned = true;
  static constexpr bool kHasMin = false;
  const BlockQ8_0* blk;
  __m512 sc;
  HWY_INLINE void Prepare(const uint8_t* row, int64_t g, float*) {
    blk = reinterpret_cast<const BlockQ8_0*>(row) + 2 * g;
    sc = Spread2(Halves(blk[0].d, blk[1].d));
  }
  HWY_INLINE __m512i Pair(int, __m512& s) const {
    s = sc;
    return Join(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(blk[0].qs)),
                _mm256_loadu_si256(reinterpret_cast<const __m256i*>(blk[1].qs)));
  }
};

struct Q4_K {
  static constexpr int kGroupBytes = 144;  // weight bytes per group
  static constexpr int kPairs = 4;
  static constexpr bool kSigned = false;
  static constexpr bool kHasMin = true;
  x86::Q4_K k;
  HWY_INLINE void Prepare(const uint8_t* row, int64_t g, float* mc) { k.Prepare(row, g, mc); }
  // Pair p is sub-blocks 2p (low nibbles of qs[32p..]) and 2p+1 (high nibbles).
  HWY_INLINE __m512i Pair(int p, __m512& s) const {
    const __m256i q = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(k.blk->qs + 32 * p));
    s = Spread2(LoadPair(k.scale + 2 * p));
    return _mm512_and_si512(Join(q, _mm256_srli_epi16(q, 4)), _mm512_set1_epi8(0xF));
  }
};

struct Q6_K {
  static constexpr int kGroupBytes = 210;  // weight bytes per group
  static constexpr int kPairs = 4;
  static constexpr bool kSigned = true;
  static constexpr bool kHasMin = false;
  x86::Q6_K k;
  HWY_INLINE void Prepare(const uint8_t* row, int64_t g, float* mc) { k.Prepare(row, g, mc); }
  // Pair p is blocks 2p, 2p+1 = (h, g0), (h, g0+1) with h = p/2, g0 = 2(p%2): the 64 ql bytes
  // of half h hold both (low nibbles for g0 = 0, high for g0 = 2).
  HWY_INLINE __m512i Pair(int p, __m512& s) const {
    const int h = p >> 1;
    const __m512i l = _mm512_loadu_si512(k.blk->ql + 64 * h);
    const __m256i hb = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(k.blk->qh + 32 * h));
    __m512i lo, hi;
    if (p & 1) {
      lo = _mm512_srli_epi16(l, 4);
      hi = Join(_mm256_srli_epi16(hb, 4), _mm256_srli_epi16(hb, 6));
    } else {
      lo = l;
      hi = Join(hb, _mm256_srli_epi16(hb, 2));
    }
    lo = _mm512_and_si512(lo, _mm512_set1_epi8(0xF));
    hi = _mm512_slli_epi16(_mm512_and_si512(hi, _mm512_set1_epi8(3)), 4);
    // Lanes 4i..4i+3 of the dot cover 16 elements each, i.e. one 16-element scale.
    const __m512i idx = _mm512_set_epi32(3, 3, 3, 3, 2, 2, 2, 2, 1, 1, 1, 1, 0, 0, 0, 0);
    s = _mm512_permutexvar_ps(idx, _mm512_castps128_ps512(_mm_loadu_ps(k.scale + 4 * p)));
    return _mm512_sub_epi8(_mm512_or_si512(lo, hi), _mm512_set1_epi8(32));
  }
};

// Reduces an R x T tile of accumulators, adds the per-block min/offset term for the types
// that have one (sum over blocks of mc * the activation block sums) and stores the results.
template <class K, int R, int T>
HWY_INLINE void StoreTile(const detail::MatmulArgs& a, const __m512 (&acc)[R][T], int64_t r0,
                          int64_t t0, const float* mc) {
  const int64_t nb = a.w->cols / 32;
  // Reduce in a loop nest GCC fully unrolls, so acc stays in registers in the main loop.
  float sums[R][T];
#pragma GCC unroll 32
  for (int r = 0; r < R; ++r)
#pragma GCC unroll 32
    for (int t = 0; t < T; ++t) sums[r][t] = _mm512_reduce_add_ps(acc[r][t]);
  const int64_t rows = a.w->rows;
  for (int t = 0; t < T; ++t) {
    const float* xs = a.acts.s + (t0 + t) * nb;
    for (int r = 0; r < R; ++r) {
      float v = sums[r][t];
      if constexpr (K::kHasMin) {
        const float* m = mc + r * nb;
        __m512 macc = _mm512_setzero_ps();
        int64_t b = 0;
        for (; b + 16 <= nb; b += 16)
          macc = _mm512_fmadd_ps(_mm512_loadu_ps(m + b), _mm512_loadu_ps(xs + b), macc);
        v += _mm512_reduce_add_ps(macc);
        for (; b < nb; ++b) v += m[b] * xs[b];
      }
      a.out[(t0 + t) * rows + r0 + r] = v;
    }
  }
}

template <class K, int R, int T>
HWY_NOINLINE void Tile(const detail::MatmulArgs& a, int64_t r0, int64_t t0, float* mc) {
  const WeightView& w = *a.w;
  const int64_t cols = w.cols, nb = cols / 32;
  const int64_t ng = nb / (2 * K::kPairs);
  const uint8_t* rowp[R];
  for (int r = 0; r < R; ++r) rowp[r] = w.row(r0 + r);
  const int8_t* xq[T];
  const float* xd[T];
  for (int t = 0; t < T; ++t) {
    xq[t] = a.acts.q + (t0 + t) * cols;
    xd[t] = a.acts.d + (t0 + t) * nb;
  }
  __m512 acc[R][T];
  for (int r = 0; r < R; ++r)
    for (int t = 0; t < T; ++t) acc[r][t] = _mm512_setzero_ps();
  K k[R];
  for (int64_t g = 0; g < ng; ++g) {
    for (int r = 0; r < R; ++r) {
      k[r].Prepare(rowp[r], g, mc + r * nb + g * 2 * K::kPairs);
      // Decode streams weights once: fetch ~8 KB ahead, one request per 64-byte line.
      if constexpr (T == 1) {
        const int64_t off = g * K::kGroupBytes;
        if ((off & 63) < K::kGroupBytes)
          _mm_prefetch(reinterpret_cast<const char*>(rowp[r]) + off + 8192, _MM_HINT_T0);
      }
    }
    for (int p = 0; p < K::kPairs; ++p) {
      const int64_t b = (g * K::kPairs + p) * 2;
      __m512i wv[R], corr[R];
      __m512 sc[R];
      for (int r = 0; r < R; ++r) {
        wv[r] = k[r].Pair(p, sc[r]);
        if constexpr (K::kSigned)
          corr[r] = _mm512_sub_epi32(
              _mm512_setzero_si512(),
              _mm512_dpbusd_epi32(_mm512_setzero_si512(), _mm512_set1_epi8(-128), wv[r]));
      }
      for (int t = 0; t < T; ++t) {
        __m512i x = _mm512_loadu_si512(xq[t] + b * 32);
        const __m512 dx = Spread2(LoadPair(xd[t] + b));
        if constexpr (K::kSigned) x = _mm512_xor_si512(x, _mm512_set1_epi8(-128));  // x + 128
        for (int r = 0; r < R; ++r) {
          __m512i pr;
          if constexpr (K::kSigned) {
            pr = _mm512_dpbusd_epi32(corr[r], x, wv[r]);
          } else {
            pr = _mm512_dpbusd_epi32(_mm512_setzero_si512(), wv[r], x);
          }
          acc[r][t] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(pr), _mm512_mul_ps(sc[r], dx), acc[r][t]);
        }
      }
    }
  }
  StoreTile<K, R, T>(a, acc, r0, t0, mc);
}

// Prefill: R rows unpacked once into `pk` (weights, scale vectors and, for signed types, the
// -128 * sum(w) corrections, 64 bytes each per pair), then reused by every token tile.
struct Packed {
  __m512i* w;
  __m512* sc;
  __m512i* corr;
  int64_t np;  // pairs per row
};

template <class K, int R>
HWY_NOINLINE void Pack(const WeightView& w, int64_t r0, const Packed& pk, float* mc) {
  const int64_t nb = w.cols / 32;
  const int64_t ng = nb / (2 * K::kPairs);
  for (int r = 0; r < R; ++r) {
    K k;
    for (int64_t g = 0; g < ng; ++g) {
      k.Prepare(w.row(r0 + r), g, mc + r * nb + g * 2 * K::kPairs);
      for (int p = 0; p < K::kPairs; ++p) {
        const int64_t i = r * pk.np + g * K::kPairs + p;
        __m512 sc;
        const __m512i wv = k.Pair(p, sc);
        _mm512_store_si512(pk.w + i, wv);
        _mm512_store_ps(pk.sc + i, sc);
        if constexpr (K::kSigned)
          _mm512_store_si512(pk.corr + i,
                             _mm512_sub_epi32(_mm512_setzero_si512(),
                                              _mm512_dpbusd_epi32(_mm512_setzero_si512(),
                                                                  _mm512_set1_epi8(-128), wv)));
      }
    }
  }
}

template <class K, int R, int T>
HWY_NOINLINE void TilePacked(const detail::MatmulArgs& a, const Packed& pk, int64_t r0, int64_t t0,
                             const float* mc) {
  const int64_t cols = a.w->cols, nb = cols / 32;
  const int8_t* xq[T];
  const float* xd[T];
  for (int t = 0; t < T; ++t) {
    xq[t] = a.acts.q + (t0 + t) * cols;
    xd[t] = a.acts.d + (t0 + t) * nb;
  }
  __m512 acc[R][T];
  for (int r = 0; r < R; ++r)
    for (int t = 0; t < T; ++t) acc[r][t] = _mm512_setzero_ps();
  for (int64_t p = 0; p < pk.np; ++p) {
    for (int t = 0; t < T; ++t) {
      __m512i x = _mm512_loadu_si512(xq[t] + p * 64);
      const __m512 dx = Spread2(LoadPair(xd[t] + 2 * p));
      if constexpr (K::kSigned) x = _mm512_xor_si512(x, _mm512_set1_epi8(-128));  // x + 128
      for (int r = 0; r < R; ++r) {
        const int64_t i = r * pk.np + p;
        __m512i pr;
        if constexpr (K::kSigned) {
          pr = _mm512_dpbusd_epi32(_mm512_load_si512(pk.corr + i), x, _mm512_load_si512(pk.w + i));
        } else {
          pr = _mm512_dpbusd_epi32(_mm512_setzero_si512(), _mm512_load_si512(pk.w + i), x);
        }
        acc[r][t] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(pr),
                                    _mm512_mul_ps(_mm512_load_ps(pk.sc + i), dx), acc[r][t]);
      }
    }
  }
  StoreTile<K, R, T>(a, acc, r0, t0, mc);
}

// Per-thread pack buffer, reused across calls (grows only).
struct alignas(64) Line {  // a class type, so std::allocator honours the alignment
  uint8_t bytes[64];
};

HWY_INLINE Packed PackBuffer(int64_t np) {
  thread_local std::vector<Line> buf;
  const size_t n = static_cast<size_t>(3 * 4 * np);
  if (buf.size() < n) buf.resize(n);
  auto* v = reinterpret_cast<__m512i*>(buf.data());
  return Packed{v, reinterpret_cast<__m512*>(v + 4 * np), v + 8 * np, np};
}

template <class K, int R>
HWY_INLINE void PackedTokens(const detail::MatmulArgs& a, int64_t r0, int64_t t0, int64_t t1,
                             float* mc) {
  const Packed pk = PackBuffer(a.w->cols / 64);
  Pack<K, R>(*a.w, r0, pk, mc);
  int64_t t = t0;
  for (; t + 4 <= t1; t += 4) TilePacked<K, R, 4>(a, pk, r0, t, mc);
  if (t + 2 <= t1) {
    TilePacked<K, R, 2>(a, pk, r0, t, mc);
    t += 2;
  }
  if (t < t1) TilePacked<K, R, 1>(a, pk, r0, t, mc);
}

// 4 x 4 measured faster than 2 x 8 (16 accumulators either way).
constexpr int kTileR = 4;
constexpr int kTileT = 4;

template <class K, int R>
HWY_INLINE void RowsTokens(const detail::MatmulArgs& a, int64_t r0, int64_t t0, int64_t t1,
                           float* mc) {
  int64_t t = t0;
  for (; t + kTileT <= t1; t += kTileT) Tile<K, R, kTileT>(a, r0, t, mc);
  if (t + 2 <= t1) {
    Tile<K, R, 2>(a, r0, t, mc);
    t += 2;
  }
  if (t < t1) Tile<K, R, 1>(a, r0, t, mc);
}

// Token count from which unpacking rows once (Pack) beats unpacking per token tile.
constexpr int64_t kPackTokens = 8;

template <class K>
HWY_NOINLINE void Item(const detail::MatmulArgs& a, int64_t r0, int64_t r1, int64_t t0, int64_t t1,
                       float* mc) {
  int64_t r = r0;
  if (t1 - t0 >= kPackTokens) {
    for (; r + 4 <= r1; r += 4) PackedTokens<K, 4>(a, r, t0, t1, mc);
    for (; r < r1; ++r) PackedTokens<K, 1>(a, r, t0, t1, mc);
    return;
  }
  for (; r + kTileR <= r1; r += kTileR) RowsTokens<K, kTileR>(a, r, t0, t1, mc);
  for (; r < r1; ++r) RowsTokens<K, 1>(a, r, t0, t1, mc);
}

}  // namespace z

#pragma GCC diagnostic pop

#endif  // AVX3_DL
