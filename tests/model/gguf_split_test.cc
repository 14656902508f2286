// Split GGUF files (llama.cpp's llama-gguf-split layout): the plan, the files written, and
// loading them from the first shard, including every way a split set can be incomplete.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "model/gguf_file.h"
#include "model/gguf_shards.h"
#include "model/gguf_split.h"
#include "model/gguf_split_writer.h"
#include "model/gguf_writer.h"
#include "support/paths.h"

namespace tandem::model {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

namespace fs = std::filesystem;

// A model file of `n` F32 tensors t0..t{n-1}, tensor i holding 8 * (i + 1) floats.
std::string write_model(const std::string& dir, int n, const std::string& arch = "llama") {
  GgufWriter w;
  w.set_string("general.architecture", arch);
  w.set_u32("general.alignment", 64);
  w.set_string_array("tokenizer.ggml.tokens", {"a", "b"});
  for (int i = 0; i < n; ++i) {
    std::vector<float> v(8 * (i + 1));
    for (size_t j = 0; j < v.size(); ++j) v[j] = static_cast<float>(i * 1000 + j);
    w.add_tensor("t" + std::to_string(i), GgmlType::F32, {static_cast<int64_t>(v.size())},
                 {reinterpret_cast<const uint8_t*>(v.data()), v.size() * sizeof(float)});
  }
  const std::string path = dir + "/" + arch + ".gguf";
  w.write(path);
  return path;
}

// The message of the ModelFileError `f` throws (empty when it doesn't).
template <typename F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const ModelFileError& e) {
    return e.what();
  }
  return "";
}

void expect_same_tensors(const GgufFile& a, const GgufFile& b) {
  ASSERT_EQ(a.tensors().size(), b.tensors().size());
  for (size_t i = 0; i < a.tensors().size(); ++i) {
    const auto& x = a.tensors()[i];
    const auto* y = b.find_tensor(x.name);
    ASSERT_NE(y, nullptr) << x.name;
    EXPECT_EQ(x.dims, y->dims);
    EXPECT_EQ(x.type, y->type);
    ASSERT_EQ(x.nbytes, y->nbytes);
    EXPECT_EQ(std::memcmp(x.data, y->data, x.nbytes), 0) << x.name;
  }
}

class GgufSplit : public ::testing::Test {
 protected:
  std::string dir = test::unique_temp_dir();
  std::string prefix = dir + "/shard";
  std::string first = prefix + "-00001-of-00003.gguf";
  std::string second = prefix + "-00002-of-00003.gguf";
  std::string third = prefix + "-00003-of-00003.gguf";

  // 7 tensors in shards of 3: 3 + 3 + 1.
  std::string split_seven() {
    const auto in = GgufFile::open(write_model(dir, 7));
    SplitOptions opt;
    opt.max_tensors = 3;
    const auto paths = write_split(in, prefix, plan_split(in, opt));
    EXPECT_THAT(paths, ElementsAre(first, second, third));
    return in.path();
  }
};

TEST_F(GgufSplit, PlanFollowsLlamaCppRules) {
  const auto in = GgufFile::open(write_model(dir, 7));
  SplitOptions by_count;
  by_count.max_tensors = 3;
  EXPECT_THAT(plan_split(in, by_count),
              ElementsAre(ElementsAre(0, 1, 2), ElementsAre(3, 4, 5), ElementsAre(6)));
  by_count.no_tensor_first_split = true;
  EXPECT_EQ(plan_split(in, by_count).size(), 4u);
  EXPECT_TRUE(plan_split(in, by_count)[0].empty());
  // Tensor i is 32 * (i + 1) bytes (already a multiple of 32): 32+64+96 = 192 fits 200,
  // 128 starts a shard, 160 does not fit beside it, ...
  SplitOptions by_size;
  by_size.max_bytes = 200;
  EXPECT_THAT(plan_split(in, by_size), ElementsAre(ElementsAre(0, 1, 2), ElementsAre(3),
                                                   ElementsAre(4), ElementsAre(5), ElementsAre(6)));
  by_size.max_bytes = 100;  // t3.. are larger than 100 bytes: one shard each, none empty
  for (const auto& shard : plan_split(in, by_size)) EXPECT_FALSE(shard.empty());
  EXPECT_THROW(plan_split(in, SplitOptions{}), std::invalid_argument);
}

TEST_F(GgufSplit, ParseSize) {
  EXPECT_EQ(parse_split_size("500M"), 500'000'000u);
  EXPECT_EQ(parse_split_size("2G"), 2'000'000'000u);
  EXPECT_EQ(parse_split_size("300K"), 300'000u);
  EXPECT_EQ(parse_split_size("4096"), 4096u);
  for (const char* bad : {"", "M", "0M", "-1G", "2T", "1.5G", "2GB"})
    EXPECT_THROW(parse_split_size(bad), std::invalid_argument) << bad;
}

TEST_F(GgufSplit, ShardNamesAndModelStems) {
  const auto s = split::parse_shard_name("/m/qwen-7b-00002-of-00004.gguf");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->prefix, "/m/qwen-7b");
  EXPECT_EQ(s->no, 1);
  EXPECT_EQ(s->count, 4);
  for (const char* not_a_shard :
       {"model.gguf", "-00001-of-00002.gguf", "x-00003-of-00002.gguf", "x-00000-of-00002.gguf",
        "x-0001-of-00002.gguf", "x-00001-of-00002.bin", "x-000a1-of-00002.gguf"})
    EXPECT_FALSE(split::parse_shard_name(not_a_shard)) << not_a_shard;
  EXPECT_EQ(split::model_stem("/m/qwen-7b-00001-of-00004.gguf"), "qwen-7b");
  EXPECT_EQ(split::model_stem("/m/qwen-7b-00002-of-00004.gguf"), "qwen-7b-00002-of-00004");
  EXPECT_EQ(split::model_stem("/m/stories260K-f32.gguf"), "stories260K-f32");
}

TEST_F(GgufSplit, ShardsCarryLlamaCppKeysAndLoadFromTheFirst) {
  const auto whole = GgufFile::open(split_seven());
  for (int i = 0; i < 3; ++i) {
    const auto s = GgufFile::open_single(split::shard_path(prefix, i, 3));
    EXPECT_EQ(s.find(split::kNo)->type(), GgufValueType::UINT16);
    EXPECT_EQ(s.get_int(split::kNo), i);
    EXPECT_EQ(s.find(split::kCount)->type(), GgufValueType::UINT16);
    EXPECT_EQ(s.get_int(split::kCount), 3);
    EXPECT_EQ(s.find(split::kTensorsCount)->type(), GgufValueType::INT32);
    EXPECT_EQ(s.get_int(split::kTensorsCount), 7);
    // The model's metadata (and its alignment) in the first shard only, as llama.cpp does.
    EXPECT_EQ(s.has("general.architecture"), i == 0);
    EXPECT_EQ(s.alignment(), i == 0 ? 64u : GgufFile::kDefaultAlignment);
    EXPECT_EQ(s.metadata().size(), i == 0 ? whole.metadata().size() + 3 : 3u);
  }
  const auto split = GgufFile::open(first);
  EXPECT_EQ(split.shard_count(), 3u);
  EXPECT_EQ(split.shard_path(2), third);
  EXPECT_EQ(split.get_string("general.architecture"), "llama");
  expect_same_tensors(whole, split);
  EXPECT_EQ(split.tensor("t0").shard, 0);
  EXPECT_EQ(split.tensor("t4").shard, 1);
  EXPECT_EQ(split.tensor("t6").shard, 2);
  EXPECT_EQ(split.tensors().back().name, "t6");  // whole-model order
}

TEST_F(GgufSplit, MergeGivesTheWholeModelBack) {
  const auto whole = GgufFile::open(split_seven());
  const std::string merged = dir + "/merged.gguf";
  write_merged(GgufFile::open(first), merged);
  const auto m = GgufFile::open(merged);
  EXPECT_EQ(m.shard_count(), 1u);
  EXPECT_EQ(m.get_int(split::kCount), 0);  // llama-gguf-split --merge leaves count 0
  EXPECT_EQ(split_count(m), 1);
  EXPECT_EQ(m.alignment(), 64u);
  expect_same_tensors(whole, m);
  EXPECT_THAT(error_of([&] { write_merged(GgufFile::open(first), merged); }),
              HasSubstr("already exists"));
  EXPECT_THAT(error_of([&] { write_merged(whole, dir + "/x.gguf"); }),
              HasSubstr("not a split model"));
}

TEST_F(GgufSplit, ASplitInputIsResplit) {
  const auto whole = GgufFile::open(split_seven());
  SplitOptions opt;
  opt.max_tensors = 4;
  write_split(GgufFile::open(first), dir + "/again", plan_split(GgufFile::open(first), opt));
  const auto again = GgufFile::open(dir + "/again-00001-of-00002.gguf");
  EXPECT_EQ(again.shard_count(), 2u);
  expect_same_tensors(whole, again);
}

TEST_F(GgufSplit, MissingShardIsNamed) {
  split_seven();
  fs::remove(second);
  const auto e = error_of([&] { GgufFile::open(first); });
  EXPECT_THAT(e, AllOf(HasSubstr(second), HasSubstr("missing shard 2 of 3"), Not(HasSubstr("\n"))));
}

TEST_F(GgufSplit, ShardOfAnotherSplitSetIsNamed) {
  split_seven();
  // Another model split into 3 as well: its second shard put in place of ours.
  const std::string other_dir = dir + "/other";
  fs::create_directories(other_dir);
  const auto other = GgufFile::open(write_model(other_dir, 5, "qwen2"));
  SplitOptions opt;
  opt.max_tensors = 2;
  write_split(other, other_dir + "/shard", plan_split(other, opt));
  fs::copy_file(other_dir + "/shard-00002-of-00003.gguf", second,
                fs::copy_options::overwrite_existing);
  const auto e = error_of([&] { GgufFile::open(first); });
  EXPECT_THAT(e, AllOf(HasSubstr(second), HasSubstr("split.tensors.count is 5, expected 7"),
                       Not(HasSubstr("\n"))));
}

TEST_F(GgufSplit, ShardsInTheWrongPlaceAreNamed) {
  split_seven();
  fs::rename(second, dir + "/tmp.gguf");
  fs::rename(third, second);
  fs::rename(dir + "/tmp.gguf", third);
  EXPECT_THAT(error_of([&] { GgufFile::open(first); }),
              AllOf(HasSubstr(second), HasSubstr("split.no is 2, expected 1")));
}

TEST_F(GgufSplit, LaterShardNamesTheFirst) {
  split_seven();
  EXPECT_THAT(error_of([&] { GgufFile::open(second); }),
              AllOf(HasSubstr("shard 2 of 3"), HasSubstr("load the first shard " + first)));
}

TEST_F(GgufSplit, RenamedFirstShardCannotFindTheOthers) {
  split_seven();
  const std::string renamed = dir + "/model.gguf";
  fs::rename(first, renamed);
  EXPECT_THAT(error_of([&] { GgufFile::open(renamed); }),
              AllOf(HasSubstr(renamed), HasSubstr("-00001-of-00003.gguf")));
  EXPECT_EQ(GgufFile::open_single(renamed).tensors().size(), 3u);  // the file alone still reads
}

// Shards that agree on their keys but not on their tensors: a duplicate, then a shortfall.
TEST_F(GgufSplit, DuplicateAndMissingTensorsAreNamed) {
  const auto in = GgufFile::open(write_model(dir, 4));
  auto shard = [&](int no, std::vector<int> tensors, int n_total) {
    GgufWriter w;
    if (no == 0) w.set_string("general.architecture", "llama");
    w.set(std::string(split::kNo), GgufValue(static_cast<uint16_t>(no)));
    w.set(std::string(split::kCount), GgufValue(static_cast<uint16_t>(2)));
    w.set(std::string(split::kTensorsCount), GgufValue(static_cast<int32_t>(n_total)));
    for (int i : tensors) {
      const auto& t = in.tensors()[i];
      w.add_tensor(t.name, t.type, t.dims, {t.data, t.nbytes});
    }
    w.write(split::shard_path(dir + "/d", no, 2));
  };
  shard(0, {0, 1}, 4);
  shard(1, {1, 2}, 4);
  const std::string d1 = dir + "/d-00001-of-00002.gguf", d2 = dir + "/d-00002-of-00002.gguf";
  EXPECT_THAT(error_of([&] { GgufFile::open(d1); }),
              AllOf(HasSubstr(d2), HasSubstr("tensor 't1' is also in " + d1)));
  shard(1, {2}, 4);
  EXPECT_THAT(error_of([&] { GgufFile::open(d1); }),
              AllOf(HasSubstr(d1), HasSubstr("split.tensors.count is 4 but the 2 shards hold 3")));
}

}  // namespace
}  // namespace tandem::model
