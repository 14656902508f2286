// Every error the Commander answers, over raw HTTP: status and OpenAI's JSON error shape.
#include <gtest/gtest.h>

#include <future>
#include <memory>
#include <regex>

#include "support/http_helpers.h"
#include "support/paths.h"
#include "support/server_process.h"

namespace tandem::test {
namespace {

const std::string kKey = "sk-test-key";

class CommanderErrors : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = std::make_unique<ServerProcess>(std::vector<std::string>{
        "commander", "-m", stories("stories260K-f32.gguf"), "--api-key", kKey, "-t", "1",
        "--parallel", "1", "--queue", "0", "--max-body", "4096", "--model-alias", "tiny"});
  }
  static void TearDownTestSuite() { server_.reset(); }
  static std::string url() { return server_->url(); }
  static std::unique_ptr<ServerProcess> server_;

  static void expect_error(const HttpReply& r, int status, const std::string& param = "") {
    EXPECT_EQ(r.status, status) << r.body;
    EXPECT_TRUE(is_openai_error(r.body)) << r.body;
    if (!param.empty()) {
      EXPECT_EQ(r.j()["error"]["param"], param) << r.body;
    }
  }
};
std::unique_ptr<ServerProcess> CommanderErrors::server_;

const json kChat = {
    {"model", "tiny"}, {"messages", {{{"role", "user"}, {"content", "Hi"}}}}, {"max_tokens", 4}};

TEST_F(CommanderErrors, ApiKeyMissingOrWrongIs401) {
  auto r = post(url(), "/v1/chat/completions", kChat);
  expect_error(r, 401);
  EXPECT_EQ(r.j()["error"]["type"], "authentication_error");
  expect_error(post(url(), "/v1/chat/completions", kChat, "sk-wrong"), 401);
  expect_error(get(url(), "/v1/models"), 401);
  EXPECT_EQ(post(url(), "/v1/chat/completions", kChat, kKey).status, 200);
  EXPECT_EQ(get(url(), "/health").status, 200);  // health needs no key
}

TEST_F(CommanderErrors, InvalidJsonAndFieldsAre400) {
  expect_error(post(url(), "/v1/chat/completions", std::string("{not json"), kKey), 400);
  expect_error(post(url(), "/v1/chat/completions", std::string("[1,2]"), kKey), 400);
  expect_error(post(url(), "/v1/chat/completions", json{{"model", "tiny"}}, kKey), 400, "messages");
  auto bad = [&](const std::string& field, json value,
                 const std::string& path = "/v1/chat/completions") {
    json b = path == "/v1/completions" ? json{{"prompt", "Hi"}} : kChat;
    b[field] = std::move(value);
    expect_error(post(url(), path, b, kKey), 400, field);
  };
  bad("temperature", "hot");
  bad("temperature", 7);
  bad("top_p", 0);
  bad("max_tokens", -3);
  bad("max_tokens", 1.5);
  bad("n", 2);
  bad("stop", 5);
  bad("stream", "yes");
  bad("top_logprobs", 50);
  bad("seed", "x");
  bad("prompt", json::object(), "/v1/completions");
  bad("prompt", json::array({1, -2}), "/v1/completions");
  bad("prompt", json::array({100000}), "/v1/completions");
  bad("logprobs", 99, "/v1/completions");
  json role = kChat;
  role["messages"][0]["role"] = "wizard";
  expect_error(post(url(), "/v1/chat/completions", role, kKey), 400, "messages[0].role");
  json image = kChat;
  image["messages"][0]["content"] = json::array({{{"type", "image_url"}, {"image_url", "x"}}});
  expect_error(post(url(), "/v1/chat/completions", image, kKey), 400,
               "messages[0].content[0].image_url");
  // A well-formed image to a server without --mmproj: refused naming the part.
  image["messages"][0]["content"] = json::array(
      {{{"type", "text"}, {"text", "What is this?"}},
       {{"type", "image_url"}, {"image_url", {{"url", "data:image/png;base64,iVBORw0KGgo="}}}}});
  auto r = post(url(), "/v1/chat/completions", image, kKey);
  expect_error(r, 400, "messages[0].content[1]");
  EXPECT_EQ(r.j()["error"]["code"], "media_unsupported") << r.body;
}

TEST_F(CommanderErrors, UnknownModelIs404) {
  json b = kChat;
  b["model"] = "gpt-17";
  auto r = post(url(), "/v1/chat/completions", b, kKey);
  expect_error(r, 404, "model");
  EXPECT_EQ(r.j()["error"]["code"], "model_not_found");
}

TEST_F(CommanderErrors, PromptLongerThanContextIs400WithCounts) {
  // Short words: more tokens than the context, yet few enough bytes to be tokenized.
  std::string words;
  for (int i = 0; i < 200; ++i) words += "a ";
  auto r = post(url(), "/v1/completions", json{{"prompt", words}, {"max_tokens", 1}}, kKey);
  expect_error(r, 400);
  EXPECT_EQ(r.j()["error"]["code"], "context_length_exceeded");
  const std::string msg = r.j()["error"]["message"];
  std::smatch m;
  ASSERT_TRUE(
      std::regex_search(msg, m, std::regex(R"(context is (\d+) tokens.* has (\d+) tokens)")))
      << msg;
  EXPECT_EQ(m[1].str(), "128");
  EXPECT_GE(std::stoi(m[2].str()), 200);  // at least one token per word
}

// Far past what the context could hold: refused on its length in bytes, before tokenizing
// (the message names bytes, not a token count).
TEST_F(CommanderErrors, PromptFarLongerThanContextIsRefusedBeforeTokenizing) {
  json b = kChat;
  b["messages"][0]["content"] =
      std::string(3500, 'a');  // under this fixture's 4096-byte body limit
  auto r = post(url(), "/v1/chat/completions", b, kKey);
  expect_error(r, 400, "messages");
  EXPECT_EQ(r.j()["error"]["code"], "context_length_exceeded");
  const std::string msg = r.j()["error"]["message"];
  EXPECT_NE(msg.find("bytes"), std::string::npos) << msg;
  EXPECT_NE(msg.find("context of 128 tokens"), std::string::npos) << msg;
}

TEST_F(CommanderErrors, OversizedBodyIs413) {
  json b = kChat;
  b["messages"][0]["content"] = std::string(8000, 'a');
  auto r = post(url(), "/v1/chat/completions", b, kKey);
  expect_error(r, 413);
}

TEST_F(CommanderErrors, UnknownEndpointIs404) {
  expect_error(get(url(), "/v2/nothing"), 404);
}

TEST_F(CommanderErrors, QueueFullIs503WithRetryAfter) {
  // One slot, no queue: of several simultaneous long requests, some must be turned away.
  std::vector<std::future<HttpReply>> futs;
  for (int i = 0; i < 8; ++i)
    futs.push_back(std::async(std::launch::async, [] {
      return post(url(), "/v1/completions",
                  json{{"prompt", "Once"}, {"max_tokens", 120}, {"ignore_eos", true}}, kKey);
    }));
  int ok = 0, busy = 0;
  for (auto& f : futs) {
    const auto r = f.get();
    if (r.status == 200) ++ok;
    if (r.status == 503) {
      ++busy;
      EXPECT_TRUE(is_openai_error(r.body)) << r.body;
      EXPECT_TRUE(r.headers.count("Retry-After")) << r.body;
    }
  }
  EXPECT_GE(ok, 1);
  EXPECT_GE(busy, 1);
  EXPECT_EQ(ok + busy, 8);
}

// Garbage of every kind: the server answers each one and stays up.
TEST_F(CommanderErrors, NeverCrashesOnOddInput) {
  const std::vector<std::string> bodies = {
      "",
      "null",
      "\"str\"",
      "{\"messages\":null}",
      "{\"messages\":[null]}",
      "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\"}]}]}",
      "{\"messages\":[{\"role\":\"user\",\"content\":\"\\udc00\"}]}",
      "{\"prompt\":[]}",
      "{\"prompt\":[[1,2]]}",
      "{\"prompt\":\"x\",\"max_tokens\":1e300}",
      "{\"prompt\":\"x\",\"temperature\":-0.0,\"top_k\":-5}",
      "{\"prompt\":\"x\",\"stop\":[\"\"]}",
      std::string("{\"prompt\":\"\xff\xfe\"}"),
      "{\"prompt\":\"\",\"max_tokens\":2}"};
  for (const auto& b : bodies)
    for (const char* path : {"/v1/chat/completions", "/v1/completions"}) {
      const auto r = post(url(), path, b, kKey);
      EXPECT_TRUE(r.status == 200 || r.status == 400) << path << " " << b << " -> " << r.status;
      if (r.status != 200) {
        EXPECT_TRUE(is_openai_error(r.body)) << r.body;
      }
    }
  EXPECT_EQ(get(url(), "/health").status, 200);
  EXPECT_TRUE(server_->running());
}

}  // namespace
}  // namespace tandem::test
