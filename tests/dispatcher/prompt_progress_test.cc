// return_progress (llama-server's name): a streamed answer sends prompt_progress chunks
// ({total, cache, processed, time_ms}, no choices) while its prompt is prefilled, before the
// first token — on the Commander, on the Dispatcher's edge (the route known without the
// perplexity, the prefill runs in the stream), and relayed from the Commander on an offload.
#include <gtest/gtest.h>

#include "support/dispatcher_support.h"

namespace tandem::test {
namespace {

const char* kStory = "Once upon a time, there was a little girl named Lily. She liked to play";

struct Progress {
  std::vector<json> chunks;  // the prompt_progress objects, in order
  bool before_content = true;
  std::string text;
  int64_t prompt_tokens = -1;
};

Progress read_progress(const HttpReply& r) {
  Progress p;
  for (const auto& d : sse_data(r.body)) {
    if (d == "[DONE]") continue;
    const json j = json::parse(d);
    EXPECT_FALSE(j.contains("error")) << d;
    if (j.contains("prompt_progress")) {
      EXPECT_TRUE(j["choices"].empty()) << d;
      if (!p.text.empty()) p.before_content = false;
      p.chunks.push_back(j["prompt_progress"]);
    }
    if (j.contains("usage") && j["usage"].is_object())
      p.prompt_tokens = j["usage"]["prompt_tokens"].get<int64_t>();
    if (!j["choices"].empty() && j["choices"][0].contains("delta") &&
        j["choices"][0]["delta"].contains("content"))
      p.text += j["choices"][0]["delta"]["content"].get<std::string>();
  }
  return p;
}

json progress_chat(const std::string& text, int max_tokens, bool in_extra_body = false) {
  json body = chat(text, max_tokens, /*stream=*/true);
  body["stream_options"] = {{"include_usage", true}};
  if (in_extra_body)
    body["extra_body"] = {{"return_progress", true}};
  else
    body["return_progress"] = true;
  return body;
}

void expect_complete(const Progress& p) {
  ASSERT_FALSE(p.chunks.empty());
  EXPECT_TRUE(p.before_content);
  const json& last = p.chunks.back();
  EXPECT_EQ(last["processed"], last["total"]) << last.dump();
  EXPECT_GT(last["total"].get<int64_t>(), 0);
  EXPECT_GE(last["time_ms"].get<int64_t>(), 0);
  EXPECT_LE(last["cache"].get<int64_t>(), last["total"].get<int64_t>());
  for (size_t i = 1; i < p.chunks.size(); ++i)
    EXPECT_GT(p.chunks[i]["processed"], p.chunks[i - 1]["processed"]);
  if (p.prompt_tokens >= 0) EXPECT_EQ(last["total"], p.prompt_tokens);
  EXPECT_FALSE(p.text.empty());
}

class PromptProgress : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    commander_ = std::make_unique<ServerProcess>(
        std::vector<std::string>{"commander", "-m", edge_model(), "-t", "1", "-c", "512"});
    dispatcher_ = std::make_unique<ServerProcess>(
        std::vector<std::string>{"dispatcher", "-m", edge_model(), "-t", "1", "-c", "128",
                                 "--commander", commander_->url(), "--intent-model", "none"});
  }
  static void TearDownTestSuite() {
    dispatcher_.reset();
    commander_.reset();
  }
  static std::unique_ptr<ServerProcess> commander_, dispatcher_;
};
std::unique_ptr<ServerProcess> PromptProgress::commander_, PromptProgress::dispatcher_;

TEST_F(PromptProgress, CommanderStreamsProgressBeforeTheFirstToken) {
  for (bool extra_body : {false, true}) {
    const auto r =
        post(commander_->url(), "/v1/chat/completions", progress_chat(kStory, 8, extra_body));
    ASSERT_EQ(r.status, 200) << r.body;
    expect_complete(read_progress(r));
  }
  json completion = {
      {"prompt", kStory}, {"max_tokens", 4}, {"stream", true}, {"return_progress", true}};
  const auto r = post(commander_->url(), "/v1/completions", completion);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_NE(r.body.find(R"("object":"text_completion")"), std::string::npos);
  EXPECT_NE(r.body.find("prompt_progress"), std::string::npos) << r.body;
}

TEST_F(PromptProgress, NothingNewWithoutReturnProgress) {
  for (const auto& url : {commander_->url(), dispatcher_->url()}) {
    const auto r = post(url, "/v1/chat/completions", chat(kStory, 8, true));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.body.find("prompt_progress"), std::string::npos) << r.body;
  }
}

TEST_F(PromptProgress, DispatcherEdgeAnswerStreamsItsPrefill) {
  const auto r = post(dispatcher_->url(), "/v1/chat/completions", progress_chat(kStory, 8));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(header(r, "x-tandem-route"), "edge");
  expect_complete(read_progress(r));
}

// Offloaded (over the edge context): the Commander prefills, and its progress comes through.
TEST_F(PromptProgress, OffloadedAnswerRelaysTheCommandersProgress) {
  std::string prompt;
  for (int i = 0; i < 8; ++i) prompt += std::string(kStory) + " ";
  const auto r = post(dispatcher_->url(), "/v1/chat/completions", progress_chat(prompt, 8));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(header(r, "x-tandem-route"), "cloud");
  EXPECT_TRUE(header(r, "x-tandem-reason").starts_with("offload:context"));
  expect_complete(read_progress(r));
}

}  // namespace
}  // namespace tandem::test
