// Packed-panel kernels for the AVX2 target on CPUs with AVX-VNNI (Intel laptops and
// desktops since Alder Lake, which have no AVX-512), included by matmul_packed-inl.h inside
// the per-target namespace. The panels are the AVX-512 layout (packed_weights.h): the
// first 32 bytes of each 64-byte vector hold 4 weights of rows 0-7, the second 32 rows
// 8-15, so a 256-bit vpdpbusd advances 8 rows. With 16 vector registers a tile is one
// 8-row half of a panel x up to 4 tokens, two integer chains per token (low / high nibbles,
// or even / odd steps) to cover vpdpbusd's latency; the second half re-reads the panel
// from cache. Q4_0 and Q8_0 only; other types and CPUs without AVX-VNNI run the portable
// loops. No include guard: re-included per target.

#define TANDEM_MATMUL_PACKED_AVX2 1

// The kernels need AVX-VNNI, which Highway's AVX2 target does not assume: compile them
// with it and choose them at run time.
#pragma GCC push_options
#pragma GCC target("avxvnni")

namespace packed_avx2 {

using detail::TileActs;

inline bool HasAvxVnni() {
  static const bool yes = [] {
    const char* off = std::getenv("TANDEM_NO_AVXVNNI");  // comparisons, tests of the fallback
    return __builtin_cpu_supports("avxvnni") &&
           (off == nullptr || *off == '\0' || std::string(off) == "0");
  }();
  return yes;
}

HWY_INLINE __m256i Word(const int8_t* p) {
  int32_t v;
  std::memcpy(&v, p, 4);
  return _mm256_set1_epi32(v);
}

HWY_INLINE __m256i Dot(__m256i acc, __m256i w, const int8_t* x) {
  return _mm256_dpbusd_avx_epi32(acc, w, Word(x));
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
          hi[t] = Dot(hi[t], wh, xb + 32 * t + 16 + 4 * v);
        }
      }
    } else {
      for (int v = 0; v < 8; ++v) {
        const __m256i w = _mm256_load_si256(reinterpret_cast<const __m256i*>(q + v * 64 + 32 * h));
        for (int t = 0; t < T; ++t) {
          if (v % 2 == 0) {
            lo[t] = Dot(lo[t], w, xb + 32 * t + 4 * v);
          } else {
            hi[t] = Dot(hi[t], w, xb + 32 * t + 4 * v);
          }
        }
      }
    }
    const __m256 dw =
        _mm256_cvtph_ps(_mm_load_si128(reinterpret_cast<const __m128i*>(scales + b * 32 + 16 * h)));
    for (int t = 0; t < T; ++t) {
      const __m256 s = _mm256_mul_ps(dw, _mm256_set1_ps(x.d[TileActs::Slot(b, t)]));
      acc[t] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(_mm256_add_epi32(lo[t], hi[t])), s, acc[t]);
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
    if (a.w->type == model::GgmlType::Q4_0) {
      Half<true, T>(a, panel, nb, t0, h, acc);
    } else {
      Half<false, T>(a, panel, nb, t0, h, acc);
    }
    // Lane i is stored where i < n.
    const __m256i mask = _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int32_t>(n)),
                                            _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
    for (int t = 0; t < T; ++t)
      _mm256_maskstore_ps(a.out + (t0 + t) * rows + r0 + 8 * h, mask, acc[t]);
  }
}

constexpr int kTokens = 4;  // 2 x 4 integer chains + 4 float accumulators + operands

}  // namespace packed_avx2

bool PackedNative(model::GgmlType t) {
  return packed_avx2::HasAvxVnni() && (t == model::GgmlType::Q4_0 || t == model::GgmlType::Q8_0);
}

void PackedItems(const detail::MatmulArgs& a, int64_t begin, int64_t end) {
  if (!PackedNative(a.w->type)) return detail::packed_items_portable(a, begin, end);
  const PackedLayout L = packed_layout(a.w->type, a.w->cols);
  for (int64_t item = begin; item < end; ++item) {
    const int64_t p = item / a.n_token_tiles;
    int64_t t = (item % a.n_token_tiles) * a.token_tile;
    const int64_t t_end = std::min(a.n_tokens, t + a.token_tile);
    const uint8_t* panel = a.w->packed + p * L.panel_bytes;
    const int64_t r0 = p * kPanelRows;
    for (; t + packed_avx2::kTokens <= t_end; t += packed_avx2::kTokens)
      packed_avx2::PanelTile<packed_avx2::kTokens>(a, panel, L.nb, r0, t);
    switch (t_end - t) {
      case 3:
        packed_avx2::PanelTile<3>(a, panel, L.nb, r0, t);
        break;
      case 2:
        packed_avx2::PanelTile<2>(a, panel, L.nb, r0, t);
        break;
      case 1:
        packed_avx2::PanelTile<1>(a, panel, L.nb, r0, t);
        break;
      default:
        break;
    }
  }
}

#pragma GCC pop_options
