// Named prompt states: found by id or by tag, gone after their TTL (a clock the test moves),
// kept across a restart (a new FeatureCache over the same directory), spilled from RAM to disk
// and read back, and never loaded from a corrupt file or one made with another model.
#include "cache/feature_cache.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <vector>

namespace tandem::cache {
namespace {

namespace fs = std::filesystem;

class FeatureCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(testing::TempDir()) /
           ("feature_cache_" +
            std::string(testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
  }
  FeatureCacheOptions options(const std::string& model_key = "model-a") {
    FeatureCacheOptions o;
    o.dir = dir_;
    o.model_key = model_key;
    o.layout = "f16:1x8";
    o.default_ttl_s = 100;
    o.now = [this] { return now_; };
    return o;
  }
  static std::shared_ptr<KvState> state(std::vector<int32_t> tokens) {
    auto s = std::make_shared<KvState>();
    s->tokens = std::move(tokens);
    s->nll.assign(s->tokens.size(), 0.5);
    s->kv.assign(s->tokens.size() * 32, 3);
    s->layout = "f16:1x8";
    return s;
  }
  static CacheDirective named(std::string id, std::vector<std::string> tags = {},
                              int64_t ttl = -1) {
    CacheDirective d;
    d.id = std::move(id);
    d.tags = std::move(tags);
    d.ttl_s = ttl;
    return d;
  }
  fs::path dir_;
  int64_t now_ = 1000;
};

TEST_F(FeatureCacheTest, FindsByIdAndByTag) {
  FeatureCache c(options());
  c.put(named("settings", {"ui", "settings"}), state({1, 2, 3, 4}));
  c.put(named("chat", {"ui"}), state({1, 2, 7}));
  const std::vector<int32_t> prompt = {1, 2, 3, 4, 9};
  auto m = c.find(named("settings"), prompt);
  ASSERT_TRUE(m.state);
  EXPECT_EQ(m.common, 4);
  EXPECT_EQ(m.id, "settings");
  // By tag: the tagged entry sharing the most.
  CacheDirective by_tag;
  by_tag.tags = {"ui"};
  m = c.find(by_tag, std::vector<int32_t>{1, 2, 7, 7});
  EXPECT_EQ(m.id, "chat");
  EXPECT_EQ(m.common, 3);
  by_tag.tags = {"nothing"};
  EXPECT_FALSE(c.find(by_tag, prompt).state);
  // An id whose state shares nothing with the prompt is no match (the caller stores anew).
  EXPECT_FALSE(c.find(named("settings"), std::vector<int32_t>{5, 5}).state);
  c.used("settings");
  const auto list = c.list("settings");
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].hits, 1);
  EXPECT_EQ(list[0].n_tokens, 4);
  EXPECT_TRUE(list[0].on_disk);
  EXPECT_EQ(c.list("ui").size(), 2u);
  EXPECT_TRUE(c.erase("chat"));
  EXPECT_FALSE(c.erase("chat"));
  EXPECT_EQ(c.list().size(), 1u);
}

TEST_F(FeatureCacheTest, EntriesExpireAfterTheirTtl) {
  FeatureCache c(options());
  c.put(named("short", {}, 10), state({1, 2}));
  c.put(named("default"), state({3, 4}));  // the default, 100 s
  now_ += 10;  // alive for its whole ttl
  EXPECT_EQ(c.list().size(), 2u);
  now_ += 1;
  EXPECT_FALSE(c.find(named("short"), std::vector<int32_t>{1, 2}).state);
  EXPECT_TRUE(c.find(named("default"), std::vector<int32_t>{3, 4}).state);
  EXPECT_EQ(c.list().size(), 1u);
  now_ += 100;
  EXPECT_TRUE(c.list().empty());
  EXPECT_TRUE(fs::is_empty(dir_)) << "expired entries' files are deleted";
}

TEST_F(FeatureCacheTest, SurvivesARestartAndSpillsToDisk) {
  {
    FeatureCache c(options());
    c.put(named("settings", {"ui"}), state({1, 2, 3}));
  }
  FeatureCache again(options());
  auto list = again.list();
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].tags, std::vector<std::string>{"ui"});
  EXPECT_FALSE(list[0].in_memory);  // on disk until used
  EXPECT_EQ(again.ram_bytes(), 0u);
  // The automatic lookup sees the RAM tier only; a lookup by id reads the file back.
  EXPECT_FALSE(again.match(std::vector<int32_t>{1, 2, 3}).state);
  auto m = again.find(named("settings"), std::vector<int32_t>{1, 2, 3, 4});
  ASSERT_TRUE(m.state);
  EXPECT_EQ(m.state->tokens, (std::vector<int32_t>{1, 2, 3}));
  EXPECT_GT(again.ram_bytes(), 0u);
  EXPECT_EQ(again.spill(), m.state->bytes());
  EXPECT_EQ(again.ram_bytes(), 0u);
  EXPECT_TRUE(again.find(named("settings"), std::vector<int32_t>{1, 2}).state);
}

TEST_F(FeatureCacheTest, DropsCorruptStaleAndForeignFiles) {
  {
    FeatureCache c(options());
    c.put(named("good"), state({1, 2}));
    c.put(named("corrupt"), state({3, 4}));
  }
  for (const auto& f : fs::directory_iterator(dir_))
    if (f.path().filename().string().starts_with("corrupt")) {
      std::fstream io(f.path(), std::ios::in | std::ios::out | std::ios::binary);
      io.seekp(-12, std::ios::end);
      io.put('\x55');
    }
  std::ofstream(dir_ / "junk.tkv") << "not a cache file";
  {
    FeatureCache c(options());
    const auto list = c.list();
    ASSERT_EQ(list.size(), 1u);
    EXPECT_EQ(list[0].id, "good");
  }
  EXPECT_FALSE(fs::exists(dir_ / "junk.tkv"));
  // Another model: nothing of this one's is used, and its files are left for it.
  {
    FeatureCache other(options("model-b"));
    EXPECT_TRUE(other.list().empty());
    EXPECT_FALSE(other.find(named("good"), std::vector<int32_t>{1, 2}).state);
    other.put(named("good"), state({7, 7}));  // its own file, not this one's
  }
  FeatureCache mine(options());
  ASSERT_EQ(mine.list().size(), 1u);
  EXPECT_EQ(mine.find(named("good"), std::vector<int32_t>{1, 2}).common, 2);
}

TEST_F(FeatureCacheTest, RefusesBadIds) {
  EXPECT_THROW(FeatureCache::check_id(""), std::invalid_argument);
  EXPECT_THROW(FeatureCache::check_id("a/b"), std::invalid_argument);
  EXPECT_THROW(FeatureCache::check_id(std::string(129, 'x')), std::invalid_argument);
  EXPECT_NO_THROW(FeatureCache::check_id("设置页 v2"));
}

}  // namespace
}  // namespace tandem::cache
