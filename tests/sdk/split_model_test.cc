// The SDK's tandem_model_load given the first shard of a split model: the same greedy text as
// the whole file, and a missing shard is a NULL model whose error names the file.
#include <gtest/gtest.h>
#include <tandem.h>

#include <filesystem>
#include <string>

#include "model/gguf_file.h"
#include "model/gguf_split_writer.h"
#include "support/paths.h"

namespace tandem::test {
namespace {

int append(const char* piece, void* user) {
  *static_cast<std::string*>(user) += piece;
  return 0;
}

std::string complete(const std::string& path) {
  tandem_model_params p = tandem_model_default_params();
  p.n_threads = 1;
  tandem_model* m = tandem_model_load(path.c_str(), &p);
  EXPECT_NE(m, nullptr) << tandem_last_error();
  if (!m) return "";
  std::string text;
  EXPECT_EQ(tandem_complete(m, "Once upon a time", 24, 0.0f, append, &text), TANDEM_OK);
  tandem_model_free(m);
  return text;
}

TEST(CApiSplit, FirstShardLoadsLikeTheWholeFile) {
  const std::string whole = stories("stories260K-f32.gguf");
  const std::string prefix = unique_temp_dir() + "/stories";
  const auto in = model::GgufFile::open(whole);
  model::SplitOptions opt;
  opt.max_tensors = 20;
  const auto paths = model::write_split(in, prefix, model::plan_split(in, opt));
  ASSERT_EQ(paths.size(), 3u);
  EXPECT_EQ(complete(paths[0]), complete(whole));

  std::filesystem::remove(paths[2]);
  EXPECT_EQ(tandem_model_load(paths[0].c_str(), nullptr), nullptr);
  EXPECT_NE(std::string(tandem_last_error()).find(paths[2]), std::string::npos)
      << tandem_last_error();
}

}  // namespace
}  // namespace tandem::test
