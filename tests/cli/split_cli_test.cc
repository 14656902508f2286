// `tandem split` end to end: a model split into 3 shards loads from its first shard in
// `run` and `ppl` with the very same output as the whole file; a missing or foreign shard is
// one error line naming it, exit code 1; --merge gives the whole model back.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <regex>
#include <string>

#include "support/paths.h"
#include "support/process.h"

namespace tandem::test {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

namespace fs = std::filesystem;

std::string token_ids(const std::string& model) {
  const auto r = run_tandem({"run", "-m", model, "-p", "Once upon a time", "-n", "32", "--temp",
                             "0", "-t", "2", "--token-ids"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::smatch m;
  const bool found = std::regex_search(r.err, m, std::regex(R"(token ids: (\[.*\]))"));
  EXPECT_TRUE(found) << r.err;
  return found ? m[1].str() : "";
}

std::string ppl(const std::string& model) {
  const auto r = run_tandem(
      {"ppl", "-m", model, "-f", source("testdata/story_seed1-4.txt"), "-c", "64", "-t", "2"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::smatch m;
  return std::regex_search(r.out, m, std::regex(R"(PPL = ([0-9.]+))")) ? m[1].str() : "none";
}

// The one line a failed load prints (a trailing newline, none inside).
void expect_one_error_line(const ProcessResult& r, const std::string& file) {
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, AllOf(HasSubstr("error: "), HasSubstr(file)));
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}

class CliSplit : public ::testing::Test {
 protected:
  std::string dir = unique_temp_dir();

  // Splits `model` into PREFIX-0000i-of-00003.gguf; returns the first shard.
  std::string split3(const std::string& model, const std::string& prefix) {
    const auto r = run_tandem({"split", model, prefix, "--split-max-tensors", "20"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_THAT(r.out, HasSubstr("n_split: 3"));
    EXPECT_TRUE(fs::exists(prefix + "-00003-of-00003.gguf")) << r.out;
    return prefix + "-00001-of-00003.gguf";
  }

  // A tiny synth model with `layers` layers (9 tensors each, plus 3).
  std::string synth(const std::string& name, int layers) {
    const std::string out = dir + "/" + name + ".gguf";
    const auto r = run_tandem({"synth",
                               "--like",
                               "custom",
                               "--dim",
                               "64",
                               "--layers",
                               std::to_string(layers),
                               "--heads",
                               "4",
                               "--kv-heads",
                               "2",
                               "--ff",
                               "128",
                               "--ctx",
                               "128",
                               "--type",
                               "F16",
                               "--vocab-from",
                               stories("stories260K-f32.gguf"),
                               "--seed",
                               "7",
                               "-o",
                               out});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return out;
  }
};

TEST_F(CliSplit, StoriesShardsGiveTheSameTokensAndPerplexity) {
  const std::string whole = stories("stories260K-f32.gguf");  // 48 tensors: 20 + 20 + 8
  const std::string first = split3(whole, dir + "/stories");
  EXPECT_EQ(token_ids(first), token_ids(whole));
  EXPECT_EQ(ppl(first), ppl(whole));

  const auto inspect = run_tandem({"inspect", first});
  EXPECT_EQ(inspect.exit_code, 0) << inspect.err;
  EXPECT_THAT(inspect.out, AllOf(HasSubstr("shards: 3"), HasSubstr("stories-00003-of-00003.gguf")));

  const std::string merged = dir + "/merged.gguf";
  const auto m = run_tandem({"split", "--merge", first, merged});
  ASSERT_EQ(m.exit_code, 0) << m.err;
  EXPECT_EQ(token_ids(merged), token_ids(whole));
  expect_one_error_line(run_tandem({"split", "--merge", first, merged}), merged);  // exists
}

TEST_F(CliSplit, SynthShardsBySizeGiveTheSameTokens) {
  const std::string whole = synth("synth", 2);
  const auto r = run_tandem({"split", whole, dir + "/sized", "--split-max-size", "40K"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r.out, m, std::regex(R"(n_split: (\d+))"))) << r.out;
  const int n = std::stoi(m[1]);
  EXPECT_GE(n, 3);
  char first[64];
  std::snprintf(first, sizeof first, "/sized-00001-of-%05d.gguf", n);
  EXPECT_EQ(token_ids(dir + first), token_ids(whole));
}

TEST_F(CliSplit, MissingShardIsOneLineNamingIt) {
  const std::string first = split3(stories("stories260K-f32.gguf"), dir + "/stories");
  const std::string second = dir + "/stories-00002-of-00003.gguf";
  fs::remove(second);
  const auto r = run_tandem({"run", "-m", first, "-n", "4"});
  expect_one_error_line(r, second);
  EXPECT_THAT(r.err, HasSubstr("missing shard 2 of 3"));
}

TEST_F(CliSplit, ShardOfAnotherSplitSetIsOneLineNamingIt) {
  const std::string first = split3(stories("stories260K-f32.gguf"), dir + "/stories");
  // A synth model of 2 layers (21 tensors) split in 3 too: same count, other tensors.
  const std::string other_dir = dir + "/other";
  fs::create_directories(other_dir);
  const std::string other = synth("other", 2);
  ASSERT_EQ(
      run_tandem({"split", other, other_dir + "/stories", "--split-max-tensors", "8"}).exit_code,
      0);
  const std::string third = dir + "/stories-00003-of-00003.gguf";
  fs::copy_file(other_dir + "/stories-00003-of-00003.gguf", third,
                fs::copy_options::overwrite_existing);
  const auto r = run_tandem({"ppl", "-m", first, "-f", source("testdata/story_seed1-4.txt")});
  expect_one_error_line(r, third);
  EXPECT_THAT(r.err, HasSubstr("not a shard of the same split model"));
}

TEST_F(CliSplit, UsageErrorsAndHelp) {
  const auto help = run_tandem({"split", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_THAT(help.out, AllOf(HasSubstr("--split-max-tensors"), HasSubstr("--split-max-size"),
                              HasSubstr("--merge"), HasSubstr("--no-tensor-first-split")));
  const std::string whole = stories("stories260K-f32.gguf");
  auto r = run_tandem({"split", whole, dir + "/x", "--split-max-size", "2T"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("500M"));
  r = run_tandem(
      {"split", whole, dir + "/x", "--split-max-size", "1M", "--split-max-tensors", "3"});
  EXPECT_EQ(r.exit_code, 1);
  r = run_tandem({"split", "--merge", whole, dir + "/x.gguf"});
  expect_one_error_line(r, whole);
  EXPECT_THAT(r.err, HasSubstr("not a split model"));
}

}  // namespace
}  // namespace tandem::test
