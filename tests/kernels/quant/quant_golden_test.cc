// Golden hashes of ggml's reference quantizers (quantize_row_*_ref, ggml-quants.c) on a fixed
// input. They were produced by compiling ggml's reference code separately (Q2_K, Q3_K and
// IQ4_XS: ggml_quantize_chunk without an importance matrix, from node-llama-cpp 3.21.1's
// libggml-base.so, which gives the Q4_K hash too); a mismatch means our files would no longer
// be byte-identical to llama.cpp's.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "kernels/quant/quant_formats.h"

namespace tandem::kernels {
namespace {

using model::GgmlType;

// Deterministic across compilers (no std:: distributions): sums of three LCG uniforms,
// a per-super-block scale, and a periodic outlier.
std::vector<float> golden_input(int64_t n) {
  std::vector<float> x(static_cast<size_t>(n));
  uint64_t s = 0x243F6A8885A308D3ull;
  for (int64_t i = 0; i < n; ++i) {
    float sum = 0;
    for (int k = 0; k < 3; ++k) {
      s = s * 6364136223846793005ull + 1442695040888963407ull;
      sum += static_cast<float>(s >> 40) * (1.0f / 16777216.0f);
    }
    const float scale = static_cast<float>(1 + (i / 256) % 5) * 0.5f;
    x[static_cast<size_t>(i)] = (sum - 1.5f) * scale + ((i % 61) == 0 ? 3.0f : 0.0f);
  }
  return x;
}

uint64_t fnv1a(const std::vector<uint8_t>& b) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (uint8_t c : b) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  return h;
}

TEST(QuantGolden, MatchesGgmlReferenceBytes) {
  const int64_t n = 256 * 64;
  const auto x = golden_input(n);
  const std::pair<GgmlType, uint64_t> cases[] = {
      {GgmlType::Q4_0, 0x0ba417adc1896518ull}, {GgmlType::Q4_1, 0x0f21fb28c653a39eull},
      {GgmlType::Q8_0, 0xcd9d81b1c44bdbedull}, {GgmlType::Q4_K, 0x9eed262099604133ull},
      {GgmlType::Q6_K, 0x9622106ad12e5c6eull}, {GgmlType::Q2_K, 0x5e43c10a3aee5a38ull},
      {GgmlType::Q3_K, 0x34038721aba3fdd3ull}, {GgmlType::IQ4_XS, 0xf05c1eab61a9657aull},
  };
  for (auto [t, want] : cases) {
    std::vector<uint8_t> q(model::row_bytes(t, n));
    quantize(t, x.data(), q.data(), n);
    EXPECT_EQ(fnv1a(q), want) << model::type_name(t);
  }
}

}  // namespace
}  // namespace tandem::kernels
