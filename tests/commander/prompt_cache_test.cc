// The slot-level prefix KV cache through a real `tandem commander`: a second chat sharing a
// long system prompt with the first reports the reused tokens in
// usage.prompt_tokens_details.cached_tokens and /metrics, and answers exactly what a cold
// Commander (a fresh process) answers to it.
#include <gtest/gtest.h>

#include <string>

#include "support/http_helpers.h"
#include "support/paths.h"
#include "support/server_process.h"

namespace tandem::test {
namespace {

const std::string kSystem =
    "You tell short stories for children. Once upon a time, there was a little girl who lived "
    "in a small house near the woods. She had a red ball and a big brown dog. Every day they "
    "played in the garden and looked at the birds in the tall trees.";

json ask(const std::string& question, bool stream = false) {
  json b = {{"messages", json::array({{{"role", "system"}, {"content", kSystem}},
                                      {{"role", "user"}, {"content", question}}})},
            {"max_tokens", 32},
            {"temperature", 0},
            {"stream", stream}};
  if (stream) b["stream_options"] = {{"include_usage", true}};
  return b;
}

std::string content(const HttpReply& r) {
  return r.j()["choices"][0]["message"]["content"].get<std::string>();
}

TEST(CommanderPromptCache, SharedSystemPromptIsReusedAndTheAnswerIsUnchanged) {
  ServerProcess warm({"commander", "-m", stories("stories260K-f32.gguf"), "-t", "1", "-np", "2", "-c", "512"});
  const auto first = post(warm.url(), "/v1/chat/completions", ask("One day the dog"));
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(first.j()["usage"]["prompt_tokens_details"]["cached_tokens"], 0);
  const auto second = post(warm.url(), "/v1/chat/completions", ask("The girl was sad because"));
  ASSERT_EQ(second.status, 200) << second.body;
  const int64_t cached = second.j()["usage"]["prompt_tokens_details"]["cached_tokens"];
  const int64_t n_prompt = second.j()["usage"]["prompt_tokens"];
  EXPECT_GT(cached, 40) << second.body;  // the system prompt, at least
  EXPECT_LT(cached, n_prompt);

  ServerProcess cold({"commander", "-m", stories("stories260K-f32.gguf"), "-t", "1", "-c", "512"});
  const auto fresh = post(cold.url(), "/v1/chat/completions", ask("The girl was sad because"));
  ASSERT_EQ(fresh.status, 200) << fresh.body;
  EXPECT_EQ(fresh.j()["usage"]["prompt_tokens_details"]["cached_tokens"], 0);
  EXPECT_EQ(content(second), content(fresh));

  // Streamed: the usage chunk carries it too.
  const auto streamed =
      post(warm.url(), "/v1/chat/completions", ask("The girl was sad because", true));
  const auto events = sse_data(streamed.body);
  ASSERT_GE(events.size(), 2u);
  const json usage = json::parse(events[events.size() - 2])["usage"];
  EXPECT_EQ(usage["prompt_tokens_details"]["cached_tokens"], n_prompt - 1) << usage;

  const std::string metrics = get(warm.url(), "/metrics").body;
  EXPECT_NE(metrics.find("tandem_prompt_cached_tokens_total " +
                         std::to_string(cached + n_prompt - 1)),
            std::string::npos)
      << metrics;
}

}  // namespace
}  // namespace tandem::test
