// Native kernels for packed 16-row panels (packed_weights.h), included by matmul-inl.h
// inside the per-target namespace. On AVX-512 VNNI each vpdpbusd takes one 64-byte vector
// (4 weights of 16 rows) and one activation word broadcast from memory, so a 32-block costs
// 8 dot instructions per token and its float work (convert, scale, accumulate) is shared
// by 16 rows. Offsets are folded into the integer accumulator's starting value
// (-offset * sum of the activation block), so unsigned weights need no correction pass.
// Nibbles and bit planes are extracted with GFNI affine byte transforms (one op instead of
// shift + mask). Other targets, and CPUs without GFNI, run the portable loops.
// No include guard: re-included per target.

#if HWY_TARGET == HWY_AVX3_DL && defined(TANDEM_HAVE_VNNI)
#define TANDEM_MATMUL_PACKED 1

// GCC 12's avx512fintrin.h trips -Wuninitialized on its own _mm512_undefined_* temporaries.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
// GFNI's affine byte transform moves and masks bit fields in one instruction (every
// AVX3_DL CPU has it; PackedNative checks).
#pragma GCC push_options
#pragma GCC target("gfni")

namespace packed {

// Per byte: output bit i = parity(x & byte (7 - i) of the matrix); so each matrix below
// routes chosen input bits to output bits and clears the rest.
constexpr long long kHighNibble = 0x1020408000000000LL;  // x >> 4
// Bits 2s and 2s+1 of x to bits 4 and 5 (Q6_K's top 2 bits, already in place).
constexpr long long TopBits(int s) {
  return (static_cast<long long>(1) << (2 * s)) << 24 | (static_cast<long long>(2) << (2 * s))
                                                            << 16;
}
HWY_INLINE __m512i Affine(__m512i x, long long m) {
  return _mm512_gf2p8affine_epi64_epi8(x, _mm512_set1_epi64(m), 0);
}

// One activation word (4 int8) broadcast to all 16 lanes; folds into vpdpbusd's m32bcst.
HWY_INLINE __m512i Word(const int8_t* p) {
  int32_t v;
  std::memcpy(&v, p, 4);
  return _mm512_set1_epi32(v);
}

using detail::TileActs;

// Few tokens leave the dot chains too short to hide vpdpbusd's latency, so each token gets
// two chains (even / odd steps) there; many tokens interleave enough on their own.
template <int T>
constexpr int kChains = T <= 4 ? 2 : 1;

// acc[t] += float(ia) * (dw * d_x[t][blk]) for the T tokens; ia holds kChains partials.
template <int T>
HWY_INLINE void Scale(__m512 (&acc)[T], const __m512i (&ia)[kChains<T>][T], __m512 dw,
                      const TileActs& x, int64_t blk) {
#pragma GCC unroll 8
  for (int t = 0; t < T; ++t) {
    __m512i sum = ia[0][t];
    if constexpr (kChains<T> == 2) sum = _mm512_add_epi32(sum, ia[1][t]);
    acc[t] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(sum),
                             _mm512_mul_ps(dw, _mm512_set1_ps(x.d[x.Slot(blk, t)])), acc[t]);
  }
}

// Q4_0 / Q8_0: step v of a block's 8 dot steps reads the low (v < 4) or high nibbles of
// vector v % 4 (Q4_0), or vector v (Q8_0). The accumulators start at -offset * sum(x).
template <bool kNibbles, int T>
HWY_INLINE void Block32(const uint8_t* q, __m512 dw, const TileActs& x, int64_t b,
                        __m512 (&acc)[T]) {
  constexpr int C = kChains<T>;
  __m512i ia[C][T];
#pragma GCC unroll 8
  for (int t = 0; t < T; ++t) {
    ia[0][t] = _mm512_set1_epi32(x.isum[x.Slot(b, t)]);  // -offset * sum(x)
    if constexpr (C == 2) ia[1][t] = _mm512_setzero_si512();
  }
  const int8_t* xb = x.Q(b, 0);
  if constexpr (kNibbles) {
    const __m512i m4 = _mm512_set1_epi8(0xF);
#pragma GCC unroll 8
    for (int v = 0; v < 4; ++v) {
      const __m512i w = _mm512_load_si512(q + v * 64);
      const __m512i lo = _mm512_and_si512(w, m4);
      const __m512i hi = Affine(w, kHighNibble);
#pragma GCC unroll 8
      for (int t = 0; t < T; ++t) {
        ia[0][t] = _mm512_dpbusd_epi32(ia[0][t], lo, Word(xb + 32 * t + 4 * v));
        ia[C - 1][t] = _mm512_dpbusd_epi32(ia[C - 1][t], hi, Word(xb + 32 * t + 16 + 4 * v));
      }
    }
  } else {
#pragma GCC unroll 8
    for (int v = 0; v < 8; ++v) {
      const __m512i w = _mm512_load_si512(q + v * 64);
#pragma GCC unroll 8
      for (int t = 0; t < T; ++t)
        ia[v % C][t] = _mm512_dpbusd_epi32(ia[v % C][t], w, Word(xb + 32 * t + 4 * v));
    }
  }
  Scale<T>(acc, ia, dw, x, b);
}

// Weights stream from memory once per matmul (decode, verification; prefill's first token
// tile): ask for the line 8 KB ahead of every line read (one thread's panels are
// contiguous). Without it the out-of-order window covers only ~3 blocks of an 8-token tile,
// less than one memory latency.
HWY_INLINE void Prefetch(const uint8_t* p, int64_t bytes) {
  for (int64_t o = 0; o < bytes; o += 64)
    _mm_prefetch(reinterpret_cast<const char*>(p) + 8192 + o, _MM_HINT_T0);
}

template <bool kNibbles, int T>
HWY_INLINE void Panel32(const detail::MatmulArgs& a, const uint8_t* panel, int64_t nb, int64_t t0,
                        __m512 (&acc)[T]) {
  const TileActs x(a, t0);
  constexpr int64_t kQuantBytes = kNibbles ? 256 : 512;
  const auto* scales = reinterpret_cast<const __m256i*>(panel + nb * kQuantBytes);
  for (int64_t b = 0; b < nb; ++b) {
    Prefetch(panel + b * kQuantBytes, kQuantBytes);
    if (b % 2 == 0) Prefetch(reinterpret_cast<const uint8_t*>(scales + b), 64);
    const __m512 dw = _mm512_cvtph_ps(_mm256_load_si256(scales + b));
    Block32<kNibbles, T>(panel + b * kQuantBytes, dw, x, b, acc);
  }
}

// 16 six-bit values (bytes) times a float vector.
HWY_INLINE __m512 ScaleBytes(const uint8_t* p, __m512 d) {
  const __m128i v = _mm_load_si128(reinterpret_cast<const __m128i*>(p));
  return _mm512_mul_ps(d, _mm512_cvtepi32_ps(_mm512_cvtepu8_epi32(v)));
}

// Q4_K: per super-block 8 sub-blocks of 32; sub-block j reads the low (even j) or high
// (odd j) nibbles of vectors 8(j/2) .. 8(j/2)+7; w = d*sc*q - dmin*m.
template <int T>
HWY_INLINE void PanelQ4K(const detail::MatmulArgs& a, const uint8_t* panel, int64_t nb, int64_t t0,
                         __m512 (&acc)[T]) {
  constexpr int C = kChains<T>;
  const TileActs x(a, t0);
  const __m512i m4 = _mm512_set1_epi8(0xF);
  for (int64_t sb = 0; sb < nb; ++sb) {
    const uint8_t* q = panel + sb * 2048;
    const uint8_t* s = panel + nb * 2048 + sb * 320;
    Prefetch(q, 2048);
    Prefetch(s, 320);
    const __m512 d = _mm512_cvtph_ps(_mm256_load_si256(reinterpret_cast<const __m256i*>(s)));
    const __m512 dmin =
        _mm512_cvtph_ps(_mm256_load_si256(reinterpret_cast<const __m256i*>(s + 32)));
#pragma GCC unroll 8
    for (int j = 0; j < 8; ++j) {
      const int64_t blk = sb * 8 + j;
      __m512i ia[C][T];
#pragma GCC unroll 8
      for (int c = 0; c < C; ++c)
#pragma GCC unroll 8
        for (int t = 0; t < T; ++t) ia[c][t] = _mm512_setzero_si512();
#pragma GCC unroll 8
      for (int v = 0; v < 8; ++v) {
        __m512i w = _mm512_load_si512(q + (8 * (j / 2) + v) * 64);
        w = (j & 1) ? Affine(w, kHighNibble) : _mm512_and_si512(w, m4);
#pragma GCC unroll 8
        for (int t = 0; t < T; ++t)
          ia[v % C][t] = _mm512_dpbusd_epi32(ia[v % C][t], w, Word(x.Q(blk, t) + 4 * v));
      }
      Scale<T>(acc, ia, ScaleBytes(s + 64 + 16 * j, d), x, blk);
      const __m512 mins = ScaleBytes(s + 192 + 16 * j, dmin);
#pragma GCC unroll 8
      for (int t = 0; t < T; ++t)
        acc[t] = _mm512_fnmadd_ps(mins, _mm512_set1_ps(x.s[x.Slot(blk, t)]), acc[t]);
    }
  }
}

// 16 int8 scales times a float vector.
HWY_INLINE __m512 ScaleSignedBytes(const uint8_t* p, __m512 d) {
  const __m128i v = _mm_load_si128(reinterpret_cast<const __m128i*>(p));
  return _mm512_mul_ps(d, _mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(v)));
}

// Q6_K: sub-block j's 6-bit values are Q4_K-style nibbles plus 2 bits from vector
// 32 + 8(j/4) + v; its two 16-element halves (steps 0-3, 4-7) have their own scales, so each
// gets its own integer chain, started at -32 * the half's activation sum.
template <int T>
HWY_INLINE void PanelQ6K(const detail::MatmulArgs& a, const uint8_t* panel, int64_t nb, int64_t t0,
                         __m512 (&acc)[T]) {
  const TileActs x(a, t0);
  const __m512i m4 = _mm512_set1_epi8(0xF);
  for (int64_t sb = 0; sb < nb; ++sb) {
    const uint8_t* q = panel + sb * 3072;
    const uint8_t* s = panel + nb * 3072 + sb * 288;
    Prefetch(q, 3072);
    Prefetch(s, 288);
    const __m512 d = _mm512_cvtph_ps(_mm256_load_si256(reinterpret_cast<const __m256i*>(s)));
#pragma GCC unroll 8
    for (int j = 0; j < 8; ++j) {
      const int64_t blk = sb * 8 + j;
      __m512i ia[2][T];
#pragma GCC unroll 8
      for (int t = 0; t < T; ++t) {
        const int64_t slot = TileActs::Slot(blk, t);
        ia[0][t] = _mm512_set1_epi32(x.isum16[2 * slot]);
        ia[1][t] = _mm512_set1_epi32(x.isum16[2 * slot + 1]);
      }
#pragma GCC unroll 8
      for (int v = 0; v < 8; ++v) {
        const __m512i lo = _mm512_load_si512(q + (8 * (j / 2) + v) * 64);
        const __m512i hi =
            Affine(_mm512_load_si512(q + (32 + 8 * (j / 4) + v) * 64), TopBits(j % 4));
        // Even j: (lo & 0xF) | hi in one ternary-logic op; odd j: high nibble | hi.
        const __m512i w = (j & 1) ? _mm512_or_si512(Affine(lo, kHighNibble), hi)
                                  : _mm512_ternarylogic_epi32(lo, m4, hi, 0xEA);
#pragma GCC unroll 8
        for (int t = 0; t < T; ++t)
          ia[v / 4][t] = _mm512_dpbusd_epi32(ia[v / 4][t], w, Word(x.Q(blk, t) + 4 * v));
      }
      const __m512 s0 = ScaleSignedBytes(s + 32 + 16 * (2 * j), d);
      const __m512 s1 = ScaleSignedBytes(s + 32 + 16 * (2 * j + 1), d);
#pragma GCC unroll 8
      for (int t = 0; t < T; ++t) {
        const __m512 f = _mm512_fmadd_ps(_mm512_cvtepi32_ps(ia[0][t]), s0,
                                         _mm512_mul_ps(_mm512_cvtepi32_ps(ia[1][t]), s1));
        acc[t] = _mm512_fmadd_ps(f, _mm512_set1_ps(x.d[x.Slot(blk, t)]), acc[t]);
      }
    }
  }
}

// Outputs of T tokens for the panel's rows (masked on the last, partial panel).
template <int T>
HWY_NOINLINE void PanelTile(const detail::MatmulArgs& a, const uint8_t* panel, int64_t nb,
                            int64_t r0, int64_t t0) {
  __m512 acc[T];
#pragma GCC unroll 8
  for (int t = 0; t < T; ++t) acc[t] = _mm512_setzero_ps();
  switch (a.w->type) {
    case model::GgmlType::Q4_0:
      Panel32<true, T>(a, panel, nb, t0, acc);
      break;
    case model::GgmlType::Q8_0:
      Panel32<false, T>(a, panel, nb, t0, acc);
      break;
    case model::GgmlType::Q4_K:
      PanelQ4K<T>(a, panel, nb, t0, acc);
      break;
    default:
      PanelQ6K<T>(a, panel, nb, t0, acc);
      break;
  }
  const int64_t rows = a.w->rows;
  const int64_t n = std::min<int64_t>(16, rows - r0);
  const __mmask16 mask = static_cast<__mmask16>((1u << n) - 1);
#pragma GCC unroll 8
  for (int t = 0; t < T; ++t) _mm512_mask_storeu_ps(a.out + (t0 + t) * rows + r0, mask, acc[t]);
}

constexpr int kTokens = 8;  // tokens per tile: 8 int + 8 float accumulators in registers

}  // namespace packed

// Every AVX3_DL CPU made so far has GFNI, but Highway's AVX3_DL check does not promise it.
inline bool HasGfni() {
  static const bool yes = __builtin_cpu_supports("gfni");
  return yes;
}

void PackedItems(const detail::MatmulArgs& a, int64_t begin, int64_t end) {
  if (!HasGfni()) return detail::packed_items_portable(a, begin, end);
  using TileFn = void (*)(const detail::MatmulArgs&, const uint8_t*, int64_t, int64_t, int64_t);
  static constexpr TileFn kTiles[packed::kTokens + 1] = {
      nullptr,
      packed::PanelTile<1>,
      packed::PanelTile<2>,
      packed::PanelTile<3>,
      packed::PanelTile<4>,
      packed::PanelTile<5>,
      packed::PanelTile<6>,
      packed::PanelTile<7>,
      packed::PanelTile<8>};  // a tile of exactly the run's token count
  const int64_t nb = packed_layout(a.w->type, a.w->cols).nb;
  detail::for_each_panel_run<packed::kTokens>(
      a, begin, end,
      [&](const uint8_t* panel, int64_t r0, int64_t t, int n) { kTiles[n](a, panel, nb, r0, t); });
}

bool PackedNative(model::GgmlType) {
  return HasGfni();  // every packable type has a kernel here
}

#pragma GCC pop_options
#pragma GCC diagnostic pop

#elif HWY_TARGET == HWY_AVX2 && defined(__GNUC__) && !defined(__clang__)
#define TANDEM_MATMUL_PACKED_AVX2 1

// For the packed and the row-major AVX2 kernels alike. TANDEM_NO_AVXVNNI=1 behaves as a
// CPU without it (comparisons, tests of the vpmaddubsw paths).
inline bool HasAvxVnni() {
  static const bool yes =
      __builtin_cpu_supports("avxvnni") && !detail::env_flag("TANDEM_NO_AVXVNNI");
  return yes;
}

#define TANDEM_PACKED_AVX2_NS packed_avx2_plain
#define TANDEM_PACKED_AVX2_VNNI 0
#include "kernels/matmul_packed_avx2-inl.h"
// Highway's AVX2 target does not assume AVX-VNNI: this copy is compiled with it and
// chosen at run time.
#pragma GCC push_options
#pragma GCC target("avxvnni")
#define TANDEM_PACKED_AVX2_NS packed_avx2_vnni
#define TANDEM_PACKED_AVX2_VNNI 1
#include "kernels/matmul_packed_avx2-inl.h"
#pragma GCC pop_options

// Without AVX-VNNI, Q8_0's unsigned bytes would saturate vpmaddubsw: it stays row-major.
bool PackedNative(model::GgmlType t) {
  return HasAvxVnni() || t != model::GgmlType::Q8_0;
}

void PackedItems(const detail::MatmulArgs& a, int64_t begin, int64_t end) {
  if (HasAvxVnni()) return packed_avx2_vnni::Items(a, begin, end);
  if (a.w->type != model::GgmlType::Q8_0) return packed_avx2_plain::Items(a, begin, end);
  detail::packed_items_portable(a, begin, end);
}

#else

void PackedItems(const detail::MatmulArgs& a, int64_t begin, int64_t end) {
  detail::packed_items_portable(a, begin, end);
}

bool PackedNative(model::GgmlType) {
  return false;
}

#endif
