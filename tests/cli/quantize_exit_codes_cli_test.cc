// The real `tandem` binary: llama-quantize's positional form (IN OUT TYPE [NTHREADS]) with
// its type names, the unsupported-type error, and the documented exit codes (0 ok, 1 any
// usage or input error) with one "error:" line.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "model/gguf_file.h"
#include "support/paths.h"
#include "support/process.h"

namespace tandem::test {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

// Exit code 1 and exactly one stderr line, starting with "error: ".
void expect_usage_error(const ProcessResult& r) {
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_THAT(r.err, StartsWith("error: "));
  EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << "not one line: " << r.err;
}

TEST(CliQuantizePositional, LlamaQuantizeFormMatchesTheFlagFormAndLoads) {
  const std::string dir = unique_temp_dir();
  const std::string in = stories("stories260K-f32.gguf");
  const struct {
    const char* llama_name;
    const char* tandem_type;
    const char* tensor_type;  // what `inspect` shows for blk.0.ffn_up.weight
  } cases[] = {{"Q8_0", "q8_0", "Q8_0"},
               {"Q4_0", "q4_0", "Q4_0"},
               {"2", "q4_0", "Q4_0"},
               {"F16", "f16", "F16"}};
  for (const auto& c : cases) {
    const std::string pos = dir + "/pos-" + c.llama_name + ".gguf";
    const std::string flag = dir + "/flag-" + c.llama_name + ".gguf";
    const auto p = run_tandem({"quantize", in, pos, c.llama_name, "2"});
    ASSERT_EQ(p.exit_code, 0) << c.llama_name << ": " << p.err;
    const auto f = run_tandem({"quantize", in, flag, "--type", c.tandem_type, "-t", "2"});
    ASSERT_EQ(f.exit_code, 0) << f.err;
    EXPECT_EQ(read_file(pos), read_file(flag)) << c.llama_name;
    const auto info = run_tandem({"inspect", pos});
    ASSERT_EQ(info.exit_code, 0) << info.err;
    EXPECT_TRUE(info.out.find(c.tensor_type) != std::string::npos) << c.llama_name << info.out;
    const auto gen = run_tandem(
        {"run", "-m", pos, "-p", "Once upon a time", "-n", "8", "--temp", "0", "-t", "2"});
    ASSERT_EQ(gen.exit_code, 0) << c.llama_name << ": " << gen.err;
    EXPECT_EQ(gen.out.rfind("Once upon a time", 0), 0u);
    EXPECT_GT(gen.out.size(), std::string("Once upon a time\n").size());
  }
}

// Q4_K_M is llama-quantize's mix, rebuilt for the layer count: on 8 layers use_more_bits picks
// layers 0, 3, 6 and 7 for Q6_K attn_v/ffn_down, the output is Q6_K, the rest Q4_K, and the file
// says Q4_K_M (general.file_type 15). Q4_K_S would need Q5_K: uniform Q4_K with a note.
TEST(CliQuantizePositional, Q4KMIsLlamaQuantizesMix) {
  const std::string dir = unique_temp_dir();
  const std::string f16 = dir + "/f16.gguf";
  const auto s = run_tandem({"synth", "--like", "custom", "--dim", "256", "--layers", "8",
                             "--heads", "4", "--ff", "512", "--type", "F16", "--vocab-from",
                             stories("stories260K-f32.gguf"), "-o", f16});
  ASSERT_EQ(s.exit_code, 0) << s.err;
  const auto m = run_tandem({"quantize", f16, dir + "/m.gguf", "Q4_K_M", "2"});
  ASSERT_EQ(m.exit_code, 0) << m.err;
  const auto file = model::GgufFile::open(dir + "/m.gguf");
  EXPECT_EQ(file.get_int("general.file_type"), 15);
  for (int64_t i = 0; i < 8; ++i) {
    const bool more = i == 0 || i == 3 || i == 6 || i == 7;
    const auto blk = "blk." + std::to_string(i) + ".";
    for (const char* t : {"attn_v", "ffn_down"})
      EXPECT_EQ(file.tensor(blk + t + ".weight").type,
                more ? model::GgmlType::Q6_K : model::GgmlType::Q4_K)
          << blk << t;
    for (const char* t : {"attn_q", "attn_k", "attn_output", "ffn_gate", "ffn_up"})
      EXPECT_EQ(file.tensor(blk + t + ".weight").type, model::GgmlType::Q4_K) << blk << t;
  }
  EXPECT_EQ(file.tensor("output.weight").type, model::GgmlType::Q6_K);
  EXPECT_EQ(run_tandem({"run", "-m", dir + "/m.gguf", "-n", "4", "--temp", "0"}).exit_code, 0);

  const auto k = run_tandem({"quantize", f16, dir + "/k.gguf", "q4_k_s"});
  ASSERT_EQ(k.exit_code, 0) << k.err;
  EXPECT_THAT(k.err, HasSubstr("note: Q4_K_S -> Q4_K"));
  const auto both = run_tandem(
      {"quantize", f16, dir + "/x.gguf", "Q4_K_M", "--policy", source("policies/pure-4bit.toml")});
  expect_usage_error(both);
  EXPECT_THAT(both.err, HasSubstr("give one"));
}

TEST(CliQuantizePositional, UnsupportedTypeListsTheSupportedOnes) {
  const std::string dir = unique_temp_dir();
  const std::string in = stories("stories260K-f32.gguf");
  for (const char* type : {"Q5_K_M", "IQ2_XS", "Q3_K_M", "bogus", "17"}) {
    const std::string out = dir + "/never.gguf";
    const auto r = run_tandem({"quantize", in, out, type});
    expect_usage_error(r);
    EXPECT_THAT(r.err, HasSubstr(std::string("'") + type + "' is not supported")) << type;
    EXPECT_THAT(r.err, HasSubstr("supported: F32, F16, BF16, Q8_0, Q6_K, Q5_0, Q4_K_M"));
    EXPECT_FALSE(std::filesystem::exists(out)) << type;
  }
  // The flag form goes through the same names.
  expect_usage_error(run_tandem({"quantize", in, dir + "/x.gguf", "--type", "q5_k_m"}));
  // The type given twice is ambiguous.
  const auto twice = run_tandem({"quantize", in, dir + "/y.gguf", "Q8_0", "--type", "q4_0"});
  expect_usage_error(twice);
  EXPECT_THAT(twice.err, HasSubstr("given twice"));
}

TEST(CliExitCodes, UsageAndInputErrorsExitOneWithOneErrorLine) {
  const std::string f32 = stories("stories260K-f32.gguf");
  // Parse errors that CLI11 would report with its own codes (109, 105, 106, ...).
  expect_usage_error(run_tandem({"run", "-m", f32, "--frobnicate"}));
  expect_usage_error(run_tandem({"run", "-m", "/nonexistent/model.gguf"}));
  expect_usage_error(run_tandem({"run"}));
  expect_usage_error(run_tandem({"run", "-m", f32, "-n", "lots"}));
  expect_usage_error(run_tandem({"frobnicate"}));
  expect_usage_error(run_tandem({}));
  expect_usage_error(run_tandem({"quantize", f32}));
  // Errors found while running.
  expect_usage_error(run_tandem({"run", "-m", stories("stories260K.bin")}));
  const auto hint = run_tandem({"ppl", "-m", f32, "--bogus"});
  EXPECT_THAT(hint.err, HasSubstr("tandem ppl --help"));
}

TEST(CliExitCodes, HelpVersionAndDryRunExitZero) {
  EXPECT_EQ(run_tandem({"--help"}).exit_code, 0);
  EXPECT_EQ(run_tandem({"--version"}).exit_code, 0);
  EXPECT_EQ(run_tandem({"quantize", "--help"}).exit_code, 0);
  const auto d = run_tandem({"run", "-m", stories("stories260K-f32.gguf"), "-n", "3", "--dry-run"});
  EXPECT_EQ(d.exit_code, 0) << d.err;
  EXPECT_THAT(d.out, HasSubstr("n-predict=3\n"));
  EXPECT_EQ(d.err, "");  // nothing loaded
}

}  // namespace
}  // namespace tandem::test
