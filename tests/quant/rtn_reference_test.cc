// RTN output of `tandem quantize` against ggml's reference quantizers, re-implemented here
// from ggml-quants.c (quantize_row_q4_0_ref / quantize_row_q8_0_ref) independently of the
// kernels, with the compiler's own IEEE half conversion.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>

#include "kernels/quant/quant_formats.h"
#include "model/gguf_file.h"
#include "support/paths.h"
#include "support/process.h"

namespace tandem {
namespace {

using model::GgmlType;

uint16_t half_bits(float f) {
  const _Float16 h = static_cast<_Float16>(f);  // IEEE round to nearest even
  uint16_t u;
  std::memcpy(&u, &h, 2);
  return u;
}

// ggml: block_q4_0 { ggml_half d; uint8_t qs[16]; }
std::vector<uint8_t> ref_q4_0(const float* x, int64_t k) {
  std::vector<uint8_t> out;
  for (int64_t i = 0; i < k / 32; ++i) {
    float amax = 0.0f, max = 0.0f;
    for (int j = 0; j < 32; j++) {
      const float v = x[i * 32 + j];
      if (amax < fabsf(v)) {
        amax = fabsf(v);
        max = v;
      }
    }
    const float d = max / -8;
    const float id = d ? 1.0f / d : 0.0f;
    const uint16_t dh = half_bits(d);
    out.push_back(static_cast<uint8_t>(dh & 0xff));
    out.push_back(static_cast<uint8_t>(dh >> 8));
    for (int j = 0; j < 16; ++j) {
      const float x0 = x[i * 32 + j] * id;
      const float x1 = x[i * 32 + 16 + j] * id;
      const uint8_t xi0 = std::min<int8_t>(15, static_cast<int8_t>(x0 + 8.5f));
      const uint8_t xi1 = std::min<int8_t>(15, static_cast<int8_t>(x1 + 8.5f));
      out.push_back(static_cast<uint8_t>(xi0 | (xi1 << 4)));
    }
  }
  return out;
}

// ggml: block_q8_0 { ggml_half d; int8_t qs[32]; }
std::vector<uint8_t> ref_q8_0(const float* x, int64_t k) {
  std::vector<uint8_t> out;
  for (int64_t i = 0; i < k / 32; ++i) {
    float amax = 0.0f;
    for (int j = 0; j < 32; j++) amax = std::max(amax, fabsf(x[i * 32 + j]));
    const float d = amax / ((1 << 7) - 1);
    const float id = d ? 1.0f / d : 0.0f;
    const uint16_t dh = half_bits(d);
    out.push_back(static_cast<uint8_t>(dh & 0xff));
    out.push_back(static_cast<uint8_t>(dh >> 8));
    for (int j = 0; j < 32; ++j)
      out.push_back(static_cast<uint8_t>(static_cast<int8_t>(roundf(x[i * 32 + j] * id))));
  }
  return out;
}

class RtnReference : public ::testing::TestWithParam<std::string> {};

TEST_P(RtnReference, SyntheticModelIsByteIdenticalToGgmlReference) {
  const std::string type = GetParam();
  const auto dir = std::filesystem::temp_directory_path() / ("tandem_rtn_" + type);
  std::filesystem::create_directories(dir);
  const std::string synth = (dir / "synth-f32.gguf").string(), out = (dir / "out.gguf").string();
  auto r = test::run_tandem({"synth", "--like", "custom", "--dim", "128", "--layers", "2",
                             "--heads", "4", "--ff", "256", "--type", "F32", "--vocab-from",
                             test::stories("stories260K-f32.gguf"), "-o", synth});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = test::run_tandem({"quantize", synth, out, "--type", type, "--method", "rtn", "-t", "2"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto in = model::GgufFile::open(synth);
  const auto q = model::GgufFile::open(out);
  const GgmlType want = type == "q4_0" ? GgmlType::Q4_0 : GgmlType::Q8_0;
  int checked = 0;
  for (const auto& t : in.tensors()) {
    const auto& o = q.tensor(t.name);
    if (t.dims.size() != 2) {
      EXPECT_EQ(o.type, GgmlType::F32) << t.name;
      continue;
    }
    ASSERT_EQ(o.type, want) << t.name;
    const auto* x = reinterpret_cast<const float*>(t.data);
    const auto expect =
        want == GgmlType::Q4_0 ? ref_q4_0(x, t.n_elements()) : ref_q8_0(x, t.n_elements());
    ASSERT_EQ(expect.size(), o.nbytes) << t.name;
    EXPECT_EQ(std::memcmp(expect.data(), o.data, o.nbytes), 0) << t.name << " differs from ggml";
    ++checked;
  }
  EXPECT_GE(checked, 15);
  EXPECT_EQ(q.get_string("tandem.quantize.method"), "rtn");
  EXPECT_EQ(q.get_int("tandem.quantize.group_size"), 32);
  std::filesystem::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(Types, RtnReference, ::testing::Values("q4_0", "q8_0"));

}  // namespace
}  // namespace tandem
