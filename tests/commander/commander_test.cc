// The real `tandem commander` over stories260K: endpoints, streaming, greedy parity with
// `tandem run`, continuous batching under concurrency.
#include <gtest/gtest.h>

#include <fstream>
#include <future>
#include <memory>
#include <thread>

#include "support/http_helpers.h"
#include "support/paths.h"
#include "support/process.h"
#include "support/server_process.h"

namespace tandem::test {
namespace {

const std::string kModel = "stories260K-f32";

class Commander : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = std::make_unique<ServerProcess>(
        std::vector<std::string>{"commander", "-m", stories("stories260K-f32.gguf"), "--parallel",
                                 "8", "-t", "2", "--queue", "256", "--max-body", "65536"});
  }
  static void TearDownTestSuite() { server_.reset(); }
  static std::string url() { return server_->url(); }
  static std::unique_ptr<ServerProcess> server_;
};
std::unique_ptr<ServerProcess> Commander::server_;

json completion(const std::string& prompt, int max_tokens) {
  return {{"model", kModel}, {"prompt", prompt}, {"max_tokens", max_tokens}, {"temperature", 0}};
}

TEST_F(Commander, HealthAndModels) {
  auto h = get(url(), "/health");
  EXPECT_EQ(h.status, 200);
  EXPECT_EQ(h.j()["status"], "ok");
  auto m = get(url(), "/v1/models");
  ASSERT_EQ(m.status, 200);
  EXPECT_EQ(m.j()["object"], "list");
  ASSERT_EQ(m.j()["data"].size(), 1u);
  EXPECT_EQ(m.j()["data"][0]["id"], kModel);
}

TEST_F(Commander, GreedyCompletionEqualsTandemRun) {
  const std::string prompt = "Once upon a time";
  const auto run = run_tandem({"run", "-m", stories("stories260K-f32.gguf"), "-p", prompt, "-n",
                               "60", "--temp", "0", "-t", "2"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  auto r = post(url(), "/v1/completions", completion(prompt, 60));
  ASSERT_EQ(r.status, 200) << r.body;
  const json j = r.j();
  EXPECT_EQ(prompt + j["choices"][0]["text"].get<std::string>() + "\n", run.out);
  EXPECT_EQ(j["object"], "text_completion");
  EXPECT_GT(j["usage"]["prompt_tokens"].get<int>(), 0);
  EXPECT_EQ(j["usage"]["total_tokens"].get<int>(),
            j["usage"]["prompt_tokens"].get<int>() + j["usage"]["completion_tokens"].get<int>());
}

TEST_F(Commander, TokenListPromptAndEcho) {
  auto a = post(url(), "/v1/completions", completion("Once upon a time", 10)).j();
  json req = completion("Once upon a time", 10);
  req["echo"] = true;
  auto b = post(url(), "/v1/completions", req).j();
  EXPECT_EQ(b["choices"][0]["text"],
            "Once upon a time" + a["choices"][0]["text"].get<std::string>());
}

TEST_F(Commander, MaxTokensGivesLengthAndStopStringCuts) {
  auto r = post(url(), "/v1/completions", completion("Once upon a time", 5)).j();
  EXPECT_EQ(r["choices"][0]["finish_reason"], "length");
  EXPECT_EQ(r["usage"]["completion_tokens"], 5);
  const std::string full =
      post(url(), "/v1/completions", completion("Once upon a time", 40)).j()["choices"][0]["text"];
  // Stop at the second word of the continuation: the text must end right before it.
  const size_t at = full.find(' ', 1);
  ASSERT_NE(at, std::string::npos);
  const std::string stop = full.substr(at, 4);
  json req = completion("Once upon a time", 40);
  req["stop"] = json::array({stop, "zzzz-never"});
  auto s = post(url(), "/v1/completions", req).j();
  EXPECT_EQ(s["choices"][0]["text"], full.substr(0, full.find(stop)));
  EXPECT_EQ(s["choices"][0]["finish_reason"], "stop");
}

TEST_F(Commander, ChatNonStreamingAndStreamingAgree) {
  json req = {{"model", kModel},
              {"messages",
               {{{"role", "system"}, {"content", "Tell a story."}},
                {{"role", "user"}, {"content", {{{"type", "text"}, {"text", "Lily"}}}}}}},
              {"max_tokens", 24},
              {"temperature", 0}};
  auto r = post(url(), "/v1/chat/completions", req);
  ASSERT_EQ(r.status, 200) << r.body;
  const json j = r.j();
  EXPECT_EQ(j["object"], "chat.completion");
  EXPECT_EQ(j["choices"][0]["message"]["role"], "assistant");
  const std::string content = j["choices"][0]["message"]["content"];
  EXPECT_FALSE(content.empty());

  req["stream"] = true;
  req["stream_options"] = {{"include_usage", true}};
  auto s = post(url(), "/v1/chat/completions", req);
  ASSERT_EQ(s.status, 200);
  const auto events = sse_data(s.body);
  ASSERT_GE(events.size(), 3u);
  EXPECT_EQ(events.back(), "[DONE]");
  std::string streamed;
  std::string finish;
  int usage_completion = -1;
  for (size_t i = 0; i + 1 < events.size(); ++i) {
    const json c = json::parse(events[i]);
    EXPECT_EQ(c["object"], "chat.completion.chunk");
    if (c.contains("usage") && !c["usage"].is_null()) {
      usage_completion = c["usage"]["completion_tokens"];
      continue;
    }
    const json& d = c["choices"][0]["delta"];
    if (d.contains("content")) streamed += d["content"].get<std::string>();
    if (!c["choices"][0]["finish_reason"].is_null()) finish = c["choices"][0]["finish_reason"];
  }
  EXPECT_EQ(streamed, content);
  EXPECT_EQ(finish, j["choices"][0]["finish_reason"]);
  EXPECT_EQ(usage_completion, j["usage"]["completion_tokens"].get<int>());
}

TEST_F(Commander, CompletionLogprobs) {
  // Scoring a prompt: echo + logprobs + max_tokens 0 gives one entry per prompt token.
  json req = {{"prompt", "Once upon a time there was"},
              {"max_tokens", 0},
              {"echo", true},
              {"logprobs", 2},
              {"temperature", 0}};
  auto r = post(url(), "/v1/completions", req);
  ASSERT_EQ(r.status, 200) << r.body;
  const json lp = r.j()["choices"][0]["logprobs"];
  const size_t n = r.j()["usage"]["prompt_tokens"];
  ASSERT_EQ(lp["tokens"].size(), n);
  EXPECT_TRUE(lp["token_logprobs"][0].is_null());
  for (size_t i = 1; i < n; ++i) {
    EXPECT_LE(lp["token_logprobs"][i].get<double>(), 0.0);
    EXPECT_EQ(lp["top_logprobs"][i].size(), 2u);
  }
  // Greedy generation: each generated token is the top-1 alternative.
  json g = {{"prompt", "Once upon a time"}, {"max_tokens", 8}, {"logprobs", 1}, {"temperature", 0}};
  const json gl = post(url(), "/v1/completions", g).j()["choices"][0]["logprobs"];
  ASSERT_EQ(gl["tokens"].size(), 8u);
  for (size_t i = 0; i < 8; ++i) {
    const auto& top = gl["top_logprobs"][i];
    ASSERT_EQ(top.size(), 1u);
    EXPECT_EQ(top.begin().key(), gl["tokens"][i].get<std::string>());
    EXPECT_FLOAT_EQ(top.begin().value().get<float>(), gl["token_logprobs"][i].get<float>());
  }
}

TEST_F(Commander, ChatLogprobs) {
  json req = {{"messages", {{{"role", "user"}, {"content", "Hi"}}}},
              {"max_tokens", 4},
              {"temperature", 0},
              {"logprobs", true},
              {"top_logprobs", 3}};
  auto r = post(url(), "/v1/chat/completions", req);
  ASSERT_EQ(r.status, 200) << r.body;
  const json c = r.j()["choices"][0]["logprobs"]["content"];
  ASSERT_EQ(c.size(), 4u);
  for (const auto& t : c) {
    ASSERT_EQ(t["top_logprobs"].size(), 3u);
    EXPECT_EQ(t["top_logprobs"][0]["token"], t["token"]);
    EXPECT_LE(t["logprob"].get<double>(), 0.0);
  }
}

// Greedy output of a sequence must not depend on what else shares its batch.
TEST_F(Commander, ConcurrentGreedyEqualsSequential) {
  const std::vector<std::string> prompts = {"Once upon a time", "Lily and Ben", "The dog",
                                            "One day, a little girl", "Tom had a red ball"};
  std::vector<std::string> sequential;
  for (const auto& p : prompts)
    sequential.push_back(
        post(url(), "/v1/completions", completion(p, 30)).j()["choices"][0]["text"]);
  std::vector<std::future<std::string>> futs;
  for (const auto& p : prompts)
    futs.push_back(std::async(std::launch::async, [&, p] {
      return post(url(), "/v1/completions", completion(p, 30))
          .j()["choices"][0]["text"]
          .get<std::string>();
    }));
  for (size_t i = 0; i < prompts.size(); ++i) EXPECT_EQ(futs[i].get(), sequential[i]) << prompts[i];
}

// 64 concurrent streams x 32 tokens over 8 slots: no errors, every stream complete.
TEST_F(Commander, LoadTest64ConcurrentStreams) {
  std::vector<std::future<std::string>> futs;
  for (int i = 0; i < 64; ++i)
    futs.push_back(std::async(std::launch::async, [i] {
      json req = {{"messages", {{{"role", "user"}, {"content", "Story " + std::to_string(i)}}}},
                  {"max_tokens", 32},
                  {"ignore_eos", true},
                  {"temperature", 0.8},
                  {"seed", i},
                  {"stream", true},
                  {"stream_options", {{"include_usage", true}}}};
      auto r = post(url(), "/v1/chat/completions", req);
      if (r.status != 200) return "status " + std::to_string(r.status) + ": " + r.body;
      const auto ev = sse_data(r.body);
      if (ev.empty() || ev.back() != "[DONE]") return std::string("stream without [DONE]");
      const json usage = json::parse(ev[ev.size() - 2]);
      if (usage["usage"]["completion_tokens"] != 32) return "usage " + usage.dump();
      return std::string("ok");
    }));
  int ok = 0;
  for (auto& f : futs) {
    const std::string s = f.get();
    EXPECT_EQ(s, "ok");
    ok += s == "ok";
  }
  EXPECT_EQ(ok, 64);
  EXPECT_EQ(get(url(), "/health").status, 200);
}

TEST_F(Commander, MetricsCountRequestsTokensAndLatency) {
  post(url(), "/v1/completions", completion("Once", 4));
  auto m = get(url(), "/metrics");
  ASSERT_EQ(m.status, 200);
  for (const char* s :
       {"tandem_requests_total{endpoint=\"/v1/completions\",status=\"200\"}",
        "tandem_prompt_tokens_total", "tandem_generated_tokens_total",
        "tandem_time_to_first_token_seconds_bucket{le=\"+Inf\"}",
        "tandem_token_latency_seconds_count", "tandem_active_slots", "tandem_queue_length"})
    EXPECT_NE(m.body.find(s), std::string::npos) << s;
}

}  // namespace
}  // namespace tandem::test

namespace tandem::test {
namespace {

int metric(const std::string& url, const std::string& name) {
  const std::string body = get(url, "/metrics").body;
  const size_t at = body.find("\n" + name + " ");
  return at == std::string::npos ? -1 : std::stoi(body.substr(at + name.size() + 2));
}

// A client that goes away mid-stream frees its slot: generation stops long before max_tokens.
TEST(CommanderCancel, ClientDisconnectCancelsTheSequence) {
  ServerProcess server({"commander", "-m", stories("stories260K-f32.gguf"), "--ctx", "4096",
                        "--parallel", "1", "-t", "1"});
  httplib::Client cli(server.url());
  json req = {
      {"prompt", "Once upon a time"}, {"max_tokens", 4000}, {"ignore_eos", true}, {"stream", true}};
  int chunks = 0;
  httplib::Request r;
  r.method = "POST";
  r.path = "/v1/completions";
  r.body = req.dump();
  r.set_header("Content-Type", "application/json");
  r.content_receiver = [&](const char*, size_t, uint64_t, uint64_t) { return ++chunks < 3; };
  cli.send(r);  // returns once the receiver gives up and the connection is closed
  ASSERT_GE(chunks, 3);
  int active = -1;
  for (int i = 0; i < 100 && active != 0; ++i) {
    active = metric(server.url(), "tandem_active_slots");
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(active, 0);
  const int generated = metric(server.url(), "tandem_generated_tokens_total");
  EXPECT_LT(generated, 4000);
  // And the slot serves the next request.
  EXPECT_EQ(post(server.url(), "/v1/completions", json{{"prompt", "Hi"}, {"max_tokens", 3}}).status,
            200);
}

TEST(CommanderReasoning, ReturnReasoningAddsReasoningContent) {
  ServerProcess server({"commander", "-m", stories("stories260K-f32.gguf"), "-t", "1"});
  json req = {{"messages", {{{"role", "user"}, {"content", "Hi"}}}},
              {"max_tokens", 8},
              {"temperature", 0},
              {"return_reasoning", true},
              {"enable_thinking", false}};
  auto r = post(server.url(), "/v1/chat/completions", req);
  ASSERT_EQ(r.status, 200) << r.body;
  const json m = r.j()["choices"][0]["message"];
  ASSERT_TRUE(m.contains("reasoning_content"));
  EXPECT_EQ(m["reasoning_content"], "");  // stories260K never writes <think>
  EXPECT_FALSE(m["content"].get<std::string>().empty());
}

}  // namespace
}  // namespace tandem::test

namespace tandem::test {
namespace {

std::string template_file(const std::string& name) {
  return std::string(TANDEM_SOURCE_DIR) + "/testdata/templates/" + name;
}

// --chat-template FILE runs the file's Jinja template; the log says which template is used,
// and the template's own refusal (gemma-2 has no system role) is the client's 400.
TEST(CommanderChatTemplate, JinjaFileRendersAndItsRefusalIsA400) {
  const std::string file = template_file("google-gemma-2-2b-it.jinja");
  ServerProcess server(
      {"commander", "-m", stories("stories260K-f32.gguf"), "-t", "1", "--chat-template", file});
  EXPECT_NE(server.log().find("chat template jinja from " + file), std::string::npos)
      << server.log();
  json ok = {{"messages", {{{"role", "user"}, {"content", "Once upon a time"}}}},
             {"max_tokens", 8},
             {"temperature", 0}};
  auto r = post(server.url(), "/v1/chat/completions", ok);
  ASSERT_EQ(r.status, 200) << r.body;
  // The prompt went through the template: <start_of_turn> markers were rendered, so the
  // prompt is longer than the plain rendering of the same message.
  EXPECT_GT(r.j()["usage"]["prompt_tokens"].get<int>(), 10) << r.body;

  json bad = ok;
  bad["messages"] = {{{"role", "system"}, {"content", "Be brief."}},
                     {{"role", "user"}, {"content", "Hi"}}};
  r = post(server.url(), "/v1/chat/completions", bad);
  ASSERT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.j()["error"]["param"], "messages");
  EXPECT_NE(r.body.find("System role not supported"), std::string::npos) << r.body;
}

TEST(CommanderChatTemplate, UnknownNameOrUnparsableFileFailsAtStart) {
  auto res = run_tandem({"commander", "-m", stories("stories260K-f32.gguf"), "--port", "0",
                         "--chat-template", "no-such-template"});
  EXPECT_EQ(res.exit_code, 1);
  EXPECT_NE(res.err.find("neither a built-in name"), std::string::npos) << res.err;

  const std::string bad = testing::TempDir() + "/bad_template.jinja";
  std::ofstream(bad) << "{% if %}";
  res = run_tandem(
      {"commander", "-m", stories("stories260K-f32.gguf"), "--port", "0", "--chat-template", bad});
  EXPECT_EQ(res.exit_code, 1);
  EXPECT_NE(res.err.find("chat template " + bad), std::string::npos) << res.err;
}

}  // namespace
}  // namespace tandem::test
