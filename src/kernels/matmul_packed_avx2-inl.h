// Packed-panel kernels for the AVX2 target on CPUs with AVX-VNNI (Intel laptops and
// desktops since Alder Lake, which have no AVX-512), included by matmul_packed-inl.h inside
// the per-target namespace. The panels are the AVX-512 layout (packed_weights.h): the
// first 32 bytes of each 64-byte vector hold 4 weights of rows 0-7, the second 32 rows
// 8-15, so a 256-bit vpdpbusd advances 8 rows. With 16 vector registers a tile is one
// 8-row half of a panel x up to 4 tokens, two integer chains per token (low / high nibbles,
// or even / odd steps) to cover vpdpbusd's latency; the second half re-reads the panel
// from cache. Q4_0, Q8_0, Q4_K and Q6_K, as on AVX-512 (without GFNI: shifts and masks).
// matmul_packed-inl.h compiles this twice: with AVX-VNNI (TANDEM_PACKED_AVX2_VNNI 1) and
// without, where the dot is vpmaddubsw + vpmaddwd + vpaddd (exact for weights below 64,
// so not for Q8_0's unsigned bytes) and the 1-cycle add needs only one chain per token.
// No include guard: re-included per target and per variant.

namespace TANDEM_PACKED_AVX2_NS {

using detail::TileActs;

constexpr bool kVnni = TANDEM_PACKED_AVX2_VNNI;

HWY_INLINE __m256i Word(const int8_t* p) {
  int32_t v;
  std::memcpy(&v, p, 4);
  return _mm256_set1_epi32(v);
}

HWY_INLINE __m256i Dot(__m256i acc, __m256i w, const int8_t* x) {
#if TANDEM_PACKED_AVX2_VNNI
  return _mm256_dpbusd_avx_epi32(acc, w, Word(x));
#else
  const __m256i pairs = _mm256_maddubs_epi16(w, Word(x));  // |w| < 64: never saturates
  return _mm256_add_epi32(acc, _mm256_madd_epi16(pairs, _mm256_set1_epi16(1)));
#endif
}

// The second integer chain: its own accumulators where vpdpbusd's latency needs them,
// the first chain's otherwise.
template <int T>
HWY_INLINE __m256i (&Second(__m256i (&lo)[T], __m256i (&hi)[T]))[T] {
  if constexpr (kVnni) {
    return hi;
  } else {
    return lo;
  }
}
template <int T>
HWY_INLINE __m256i Sum(const __m256i (&lo)[T], const __m256i (&hi)[T], int t) {
  return kVnni ? _mm256_add_epi32(lo[t], hi[t]) : lo[t];
}

// Half h (rows 8h .. 8h+7) of a Q4_0 (kNibbles) or Q8_0 panel for T tokens from t0.
template <bool kNibbles, int T>
HWY_INLINE void Half(const detail::MatmulArgs& a, const uint8_t* panel, int64_t nb, int64_t t0,
                     int h, __m256 (&acc)[T]) {
  const TileActs x(a, t0);
  constexpr int64_t kQuantBytes = kNibbles ? 256 : 512;
  const uint8_t* scales = panel + nb * kQuantBytes;  // 16 fp16 per block
  const __m256i m4 = _mm256_set1_epi8(0xF);
  for (int64_t b = 0; b < nb; ++b) {
    const uint8_t* q = panel + b * kQuantBytes;
    // The first half streams the panel from memory (decode, verification): ask 8 KB ahead,
    // as the AVX-512 kernel does; the second half finds it in cache.
    if (h == 0) {
      for (int64_t o = 0; o < kQuantBytes; o += 64)
        _mm_prefetch(reinterpret_cast<const char*>(q) + 8192 + o, _MM_HINT_T0);
      if (b % 2 == 0)
        _mm_prefetch(reinterpret_cast<const char*>(scales + b * 32) + 8192, _MM_HINT_T0);
    }
    __m256i lo[T], hi[T];  // two chains per token
    for (int t = 0; t < T; ++t) {
      lo[t] = _mm256_set1_epi32(x.isum[TileActs::Slot(b, t)]);  // -offset * sum(x)
      hi[t] = _mm256_setzero_si256();
    }
    const int8_t* xb = x.Q(b, 0);
    if constexpr (kNibbles) {
      for (int v = 0; v < 4; ++v) {
        const __m256i w = _mm256_load_si256(reinterpret_cast<const __m256i*>(q + v * 64 + 32 * h));
        const __m256i wl = _mm256_and_si256(w, m4);
        const __m256i wh = _mm256_and_si256(_mm256_srli_epi16(w, 4), m4);
        for (int t = 0; t < T; ++t) {
          lo[t] = Dot(lo[t], wl, xb + 32 * t + 4 * v);
          Second(lo, hi)[t] = Dot(Second(lo, hi)[t], wh, xb + 32 * t + 16 + 4 * v);
        }
      }
    } else {
      for (int v = 0; v < 8; ++v) {
        const __m256i w = _mm256_load_si256(reinterpret_cast<const __m256i*>(q + v * 64 + 32 * h));
        for (int t = 0; t < T; ++t) {
          if (v % 2 == 0) {
            lo[t] = Dot(lo[t], w, xb + 32 * t + 4 * v);
          } else {
            Second(lo, hi)[t] = Dot(Second(lo, hi)[t], w, xb + 32 * t + 4 * v);
          }
        }
      }
    }
    const __m256 dw =
        _mm256_cvtph_ps(_mm_load_si128(reinterpret_cast<const __m128i*>(scales + b * 32 + 16 * h)));
    for (int t = 0; t < T; ++t) {
      const __m256 s = _mm256_mul_ps(dw, _mm256_set1_ps(x.d[TileActs::Slot(b, t)]));
      acc[t] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(Sum(lo, hi, t)), s, acc[t]);
    }
  }
}

// 8 unsigned (ScaleU8) or signed (ScaleS8) bytes times a float vector.
HWY_INLINE __m256 ScaleU8(const uint8_t* p, __m256 d) {
  const __m128i v = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(p));
  return _mm256_mul_ps(d, _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(v)));
}
HWY_INLINE __m256 ScaleS8(const uint8_t* p, __m256 d) {
  const __m128i v = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(p));
  return _mm256_mul_ps(d, _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(v)));
}
HWY_INLINE __m256 HalfF16(const uint8_t* p) {
  return _mm256_cvtph_ps(_mm_load_si128(reinterpret_cast<const __m128i*>(p)));
}
HWY_INLINE void PrefetchAhead(const uint8_t* p, int64_t bytes) {
  for (int64_t o = 0; o < bytes; o += 64)
    _mm_prefetch(reinterpret_cast<const char*>(p) + 8192 + o, _MM_HINT_T0);
}

// Q4_K, half h: sub-block j reads the low (even j) or high (odd j) nibbles of vectors
// 8(j/2) .. 8(j/2)+7; w = d*sc*q - dmin*m (packed_weights.h).
template <int T>
HWY_INLINE void HalfQ4K(const detail::MatmulArgs& a, const uint8_t* panel, int64_t nb, int64_t t0,
                        int h, __m256 (&acc)[T]) {
  const TileActs x(a, t0);
  const __m256i m4 = _mm256_set1_epi8(0xF);
  for (int64_t sb = 0; sb < nb; ++sb) {
    const uint8_t* q = panel + sb * 2048;
    const uint8_t* s = panel + nb * 2048 + sb * 320;
    if (h == 0) {
      PrefetchAhead(q, 2048);
      PrefetchAhead(s, 320);
    }
    const __m256 d = HalfF16(s + 16 * h);
    const __m256 dmin = HalfF16(s + 32 + 16 * h);
    for (int j = 0; j < 8; ++j) {
      const int64_t blk = sb * 8 + j;
      __m256i lo[T], hi[T];
      for (int t = 0; t < T; ++t) lo[t] = hi[t] = _mm256_setzero_si256();
      for (int v = 0; v < 8; ++v) {
        __m256i w = _mm256_load_si256(
            reinterpret_cast<const __m256i*>(q + (8 * (j / 2) + v) * 64 + 32 * h));
        if (j & 1) w = _mm256_srli_epi16(w, 4);
        w = _mm256_and_si256(w, m4);
        for (int t = 0; t < T; ++t) {
          if (v % 2 == 0) {
            lo[t] = Dot(lo[t], w, x.Q(blk, t) + 4 * v);
          } else {
            Second(lo, hi)[t] = Dot(Second(lo, hi)[t], w, x.Q(blk, t) + 4 * v);
          }
        }
      }
      const __m256 sc = ScaleU8(s + 64 + 16 * j + 8 * h, d);
      const __m256 mins = ScaleU8(s + 192 + 16 * j + 8 * h, dmin);
      for (int t = 0; t < T; ++t) {
        const int64_t slot = TileActs::Slot(blk, t);
        acc[t] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(Sum(lo, hi, t)),
                                 _mm256_mul_ps(sc, _mm256_set1_ps(x.d[slot])), acc[t]);
        acc[t] = _mm256_fnmadd_ps(mins, _mm256_set1_ps(x.s[slot]), acc[t]);
      }
    }
  }
}

// Q6_K, half h: the low nibbles as Q4_K, the top 2 bits from vector 32 + 8(j/4) + v; each
// 16-element half of a sub-block has its own scale, so each gets its own integer chain,
// started at -32 * that half's activation sum.
template <int T>
HWY_INLINE void HalfQ6K(const detail::MatmulArgs& a, const uint8_t* panel, int64_t nb, int64_t t0,
                        int h, __m256 (&acc)[T]) {
  const TileActs x(a, t0);
  const __m256i m4 = _mm256_set1_epi8(0xF);
  const __m256i m30 = _mm256_set1_epi8(0x30);
  for (int64_t sb = 0; sb < nb; ++sb) {
    const uint8_t* q = panel + sb * 3072;
    const uint8_t* s = panel + nb * 3072 + sb * 288;
    if (h == 0) {
      PrefetchAhead(q, 3072);
      PrefetchAhead(s, 288);
    }
    const __m256 d = HalfF16(s + 16 * h);
    for (int j = 0; j < 8; ++j) {
      const int64_t blk = sb * 8 + j;
      __m256i c0[T], c1[T];
      for (int t = 0; t < T; ++t) {
        const int64_t slot = TileActs::Slot(blk, t);
        c0[t] = _mm256_set1_epi32(x.isum16[2 * slot]);
        c1[t] = _mm256_set1_epi32(x.isum16[2 * slot + 1]);
      }
      for (int v = 0; v < 8; ++v) {
        __m256i lo = _mm256_load_si256(
            reinterpret_cast<const __m256i*>(q + (8 * (j / 2) + v) * 64 + 32 * h));
        if (j & 1) lo = _mm256_srli_epi16(lo, 4);
        __m256i hi = _mm256_load_si256(
            reinterpret_cast<const __m256i*>(q + (32 + 8 * (j / 4) + v) * 64 + 32 * h));
        const int shift = 2 * (j % 4);
        if (shift < 4) hi = _mm256_slli_epi16(hi, 4 - shift);
        if (shift > 4) hi = _mm256_srli_epi16(hi, shift - 4);
        const __m256i w = _mm256_or_si256(_mm256_and_si256(lo, m4), _mm256_and_si256(hi, m30));
        for (int t = 0; t < T; ++t) {
          if (v < 4) {
            c0[t] = Dot(c0[t], w, x.Q(blk, t) + 4 * v);
          } else {
            c1[t] = Dot(c1[t], w, x.Q(blk, t) + 4 * v);
          }
        }
      }
      const __m256 s0 = ScaleS8(s + 32 + 16 * (2 * j) + 8 * h, d);
      const __m256 s1 = ScaleS8(s + 32 + 16 * (2 * j + 1) + 8 * h, d);
      for (int t = 0; t < T; ++t) {
        const __m256 f = _mm256_fmadd_ps(_mm256_cvtepi32_ps(c0[t]), s0,
                                         _mm256_mul_ps(_mm256_cvtepi32_ps(c1[t]), s1));
        acc[t] = _mm256_fmadd_ps(f, _mm256_set1_ps(x.d[TileActs::Slot(blk, t)]), acc[t]);
      }
    }
  }
}

// Outputs of T tokens for the panel's rows (the last panel's missing rows are not stored).
template <int T>
HWY_NOINLINE void PanelTile(const detail::MatmulArgs& a, const uint8_t* panel, int64_t nb,
                            int64_t r0, int64_t t0) {
  const int64_t rows = a.w->rows;
  for (int h = 0; h < 2; ++h) {
    const int64_t n = std::min<int64_t>(8, rows - r0 - 8 * h);
    if (n <= 0) break;
    __m256 acc[T];
    for (int t = 0; t < T; ++t) acc[t] = _mm256_setzero_ps();
    switch (a.w->type) {
      case model::GgmlType::Q4_0:
        Half<true, T>(a, panel, nb, t0, h, acc);
        break;
      case model::GgmlType::Q8_0:
        Half<false, T>(a, panel, nb, t0, h, acc);
        break;
      case model::GgmlType::Q4_K:
        HalfQ4K<T>(a, panel, nb, t0, h, acc);
        break;
      default:
        HalfQ6K<T>(a, panel, nb, t0, h, acc);
        break;
    }
    // Lane i is stored where i < n.
    const __m256i mask = _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int32_t>(n)),
                                            _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
    for (int t = 0; t < T; ++t)
      _mm256_maskstore_ps(a.out + (t0 + t) * rows + r0 + 8 * h, mask, acc[t]);
  }
}

// Tokens per tile: 2 x 4 integer chains + 4 float accumulators + operands fill the 16
// registers. It must divide kActTile: a tile may not cross an activation tile.
constexpr int kTokens = 4;
static_assert(detail::kActTile % kTokens == 0);

// Items [begin, end) of a packed matmul; not inlined, as the callers may lack AVX-VNNI.
HWY_NOINLINE void Items(const detail::MatmulArgs& a, int64_t begin, int64_t end) {
  using TileFn = void (*)(const detail::MatmulArgs&, const uint8_t*, int64_t, int64_t, int64_t);
  static constexpr TileFn kTiles[kTokens + 1] = {nullptr, PanelTile<1>, PanelTile<2>, PanelTile<3>,
                                                 PanelTile<4>};
  const int64_t nb = packed_layout(a.w->type, a.w->cols).nb;
  detail::for_each_panel_run<kTokens>(
      a, begin, end,
      [&](const uint8_t* panel, int64_t r0, int64_t t, int n) { kTiles[n](a, panel, nb, r0, t); });
}

}  // namespace TANDEM_PACKED_AVX2_NS

#undef TANDEM_PACKED_AVX2_NS
#undef TANDEM_PACKED_AVX2_VNNI
