// POST /v1/embeddings on the real `tandem dispatcher`: computed by the edge model (the
// Commander, logging what it receives, never sees the texts), equal to the Commander's vectors
// for the same model file; --pooling; GET /v1/models/{id}.
#include <gtest/gtest.h>

#include <cmath>

#include "support/dispatcher_support.h"
#include "support/process.h"

namespace tandem::test {
namespace {

const std::string kAlias = "stories260K-f32";

class DispatcherEmbeddings : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    log_ = std::make_unique<TempFile>("commander-log");
    // Everything routed to the cloud: embeddings must stay on the edge all the same.
    always_cloud_ = std::make_unique<TempFile>(
        "cloud-policy", "[routing]\nppl_threshold = 1.0\ncloud_intents = []\n");
    commander_ = std::make_unique<ServerProcess>(std::vector<std::string>{
        "commander", "-m", edge_model(), "-t", "1", "--log-requests", log_->path});
    dispatcher_ = std::make_unique<ServerProcess>(std::vector<std::string>{
        "dispatcher", "-m", edge_model(), "-t", "1", "--commander", commander_->url(),
        "--intent-model", intent_model(), "--policy", always_cloud_->path});
    last_ = std::make_unique<ServerProcess>(std::vector<std::string>{
        "dispatcher", "-m", edge_model(), "-t", "1", "--commander", commander_->url(),
        "--intent-model", intent_model(), "--pooling", "last"});
  }
  static void TearDownTestSuite() {
    last_.reset();
    dispatcher_.reset();
    commander_.reset();
    always_cloud_.reset();
    log_.reset();
  }
  static std::unique_ptr<TempFile> log_, always_cloud_;
  static std::unique_ptr<ServerProcess> commander_, dispatcher_, last_;
};
std::unique_ptr<TempFile> DispatcherEmbeddings::log_, DispatcherEmbeddings::always_cloud_;
std::unique_ptr<ServerProcess> DispatcherEmbeddings::commander_, DispatcherEmbeddings::dispatcher_,
    DispatcherEmbeddings::last_;

std::vector<std::vector<float>> vectors(const HttpReply& r) {
  EXPECT_EQ(r.status, 200) << r.body;
  std::vector<std::vector<float>> out;
  const json j = r.j();  // ranging over r.j()["data"] would outlive the temporary
  for (const auto& d : j["data"]) out.push_back(d["embedding"].get<std::vector<float>>());
  return out;
}

double l2(const std::vector<float>& v) {
  double s = 0;
  for (float x : v) s += static_cast<double>(x) * x;
  return std::sqrt(s);
}

TEST_F(DispatcherEmbeddings, SameVectorsAsTheCommanderAndNothingLeavesTheDevice) {
  const json body = {{"input", {"Lily's phone number is 555-0142", "Once upon a time"}}};
  auto edge = post(dispatcher_->url(), "/v1/embeddings", body);
  ASSERT_EQ(edge.status, 200) << edge.body;
  EXPECT_EQ(edge.j()["model"], kAlias);
  EXPECT_EQ(edge.j()["object"], "list");
  const auto e = vectors(edge);
  const auto c = vectors(post(commander_->url(), "/v1/embeddings", body));
  ASSERT_EQ(e.size(), 2u);
  ASSERT_EQ(c.size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    ASSERT_EQ(e[i].size(), 64u);
    EXPECT_NEAR(l2(e[i]), 1.0, 1e-4);
    for (size_t d = 0; d < e[i].size(); ++d) ASSERT_NEAR(e[i][d], c[i][d], 1e-5f) << d;
  }
  EXPECT_EQ(edge.j()["usage"], post(commander_->url(), "/v1/embeddings", body).j()["usage"]);
  // The Commander received the test's own requests only, none from the Dispatcher.
  const std::string log = log_->read();
  size_t n = 0;
  for (size_t p = log.find("/v1/embeddings"); p != std::string::npos;
       p = log.find("/v1/embeddings", p + 1))
    ++n;
  EXPECT_EQ(n, 2u) << log;
}

TEST_F(DispatcherEmbeddings, PoolingFlagPicksTheLastToken) {
  const json body = {{"input", "The bird sang a song"}};
  const auto mean = vectors(post(dispatcher_->url(), "/v1/embeddings", body));
  const auto last = vectors(post(last_->url(), "/v1/embeddings", body));
  ASSERT_EQ(last.size(), 1u);
  EXPECT_NEAR(l2(last[0]), 1.0, 1e-4);
  EXPECT_NE(last[0], mean[0]);
  const auto bad = run_tandem(
      {"dispatcher", "-m", edge_model(), "--commander", commander_->url(), "--pooling", "rank"});
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.err.find("--pooling"), std::string::npos) << bad.err;
}

TEST_F(DispatcherEmbeddings, ErrorsAndModelById) {
  auto wrong = post(dispatcher_->url(), "/v1/embeddings",
                    json{{"input", "Hi"}, {"model", "text-embedding-3-small"}});
  EXPECT_EQ(wrong.status, 404) << wrong.body;
  EXPECT_TRUE(is_openai_error(wrong.body));
  EXPECT_EQ(wrong.j()["error"]["code"], "model_not_found");
  auto empty = post(dispatcher_->url(), "/v1/embeddings", json{{"input", ""}});
  EXPECT_EQ(empty.status, 400) << empty.body;
  EXPECT_EQ(empty.j()["error"]["param"], "input");
  auto dims = post(dispatcher_->url(), "/v1/embeddings", json{{"input", "Hi"}, {"dimensions", 8}});
  EXPECT_EQ(dims.status, 400) << dims.body;
  EXPECT_EQ(dims.j()["error"]["param"], "dimensions");

  auto m = get(dispatcher_->url(), "/v1/models/" + kAlias);
  ASSERT_EQ(m.status, 200) << m.body;
  EXPECT_EQ(m.j()["id"], kAlias);
  EXPECT_EQ(m.j()["object"], "model");
  auto missing = get(dispatcher_->url(), "/v1/models/nope");
  EXPECT_EQ(missing.status, 404);
  EXPECT_TRUE(is_openai_error(missing.body)) << missing.body;
  EXPECT_EQ(missing.j()["error"]["code"], "model_not_found");
}

}  // namespace
}  // namespace tandem::test
