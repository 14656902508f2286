// Stored responses on the real `tandem commander` (stories260K): previous_response_id and
// item_reference continue a conversation exactly as the chat request holding all of it
// would (same text, same prompt tokens), streamed answers are stored too, GET / DELETE
// /v1/responses/{id} read the store, and unknown or unstored ids are 400s / 404s. Through
// an --upstream proxy, the upstream's logged chat body holds the earlier turns.
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "support/http_helpers.h"
#include "support/paths.h"
#include "support/server_process.h"

namespace tandem::test {
namespace {

class StoredResponses : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    log_ = (std::filesystem::temp_directory_path() /
            ("responses-store-log-" + std::to_string(free_loopback_port())))
               .string();
    server_ = std::make_unique<ServerProcess>(
        std::vector<std::string>{"commander", "-m", stories("stories260K-f32.gguf"), "--parallel",
                                 "2", "-t", "2", "-c", "512", "--log-requests", log_});
  }
  static void TearDownTestSuite() {
    server_.reset();
    std::filesystem::remove(log_);
  }
  static std::string url() { return server_->url(); }
  static std::unique_ptr<ServerProcess> server_;
  static std::string log_;
};
std::unique_ptr<ServerProcess> StoredResponses::server_;
std::string StoredResponses::log_;

HttpReply del(const std::string& url, const std::string& path) {
  httplib::Client cli(url);
  auto r = cli.Delete(path.c_str());
  if (!r) return {-1, httplib::to_string(r.error()), {}};
  return {r->status, r->body, r->headers};
}

std::string output_text(const json& r) {
  std::string text;
  for (const auto& item : r["output"])
    if (item["type"] == "message")
      for (const auto& part : item["content"]) text += part["text"].get<std::string>();
  return text;
}

// The response object a request answers: the body, or the last event's response.
json respond(const std::string& url, json req) {
  auto r = post(url, "/v1/responses", req);
  EXPECT_EQ(r.status, 200) << r.body;
  if (!req.value("stream", false)) return r.j();
  const size_t at = r.body.rfind("data: ");
  const json last = json::parse(r.body.substr(at + 6), nullptr, false);
  EXPECT_TRUE(last.contains("response")) << r.body;
  return last["response"];
}

json turn(const json& input, const json& extra = json::object()) {
  json b = {{"input", input}, {"max_output_tokens", 12}, {"temperature", 0}};
  b.update(extra);
  return b;
}

// The chat answer to the whole conversation: what a continued response must equal.
json chat_answer(const std::string& url, const json& messages) {
  auto c = post(url, "/v1/chat/completions",
                json{{"messages", messages}, {"max_tokens", 12}, {"temperature", 0}});
  EXPECT_EQ(c.status, 200) << c.body;
  return c.j();
}

TEST_F(StoredResponses, PreviousResponseIdAndItemReferenceContinueTheConversation) {
  for (bool stream : {false, true}) {
    const json first = respond(url(), turn("Once upon a time", {{"stream", stream}}));
    ASSERT_EQ(first["store"], true);
    const std::string text1 = output_text(first);
    ASSERT_FALSE(text1.empty());
    const json second =
        respond(url(), turn("Then the cat", {{"previous_response_id", first["id"]}}));
    EXPECT_EQ(second["previous_response_id"], first["id"]);
    const json want =
        chat_answer(url(), json::array({{{"role", "user"}, {"content", "Once upon a time"}},
                                        {{"role", "assistant"}, {"content", text1}},
                                        {{"role", "user"}, {"content", "Then the cat"}}}));
    EXPECT_EQ(output_text(second), want["choices"][0]["message"]["content"]) << stream;
    EXPECT_EQ(second["usage"]["input_tokens"], want["usage"]["prompt_tokens"]);
    EXPECT_GT(second["usage"]["input_tokens"].get<int>(),
              first["usage"]["input_tokens"].get<int>() + 2);

    // The AI SDK's form: the earlier answer by id, the same conversation.
    const json ref = respond(
        url(), turn(json::array({{{"role", "user"}, {"content", "Once upon a time"}},
                                 {{"type", "item_reference"}, {"id", first["output"][0]["id"]}},
                                 {{"role", "user"}, {"content", "Then the cat"}}}),
                    {{"stream", stream}}));
    EXPECT_EQ(output_text(ref), output_text(second));
    EXPECT_EQ(ref["usage"]["input_tokens"], second["usage"]["input_tokens"]);

    // Chained: the third turn sees both earlier ones through the second alone.
    const json third = respond(url(), turn("The end", {{"previous_response_id", second["id"]}}));
    EXPECT_GT(third["usage"]["input_tokens"].get<int>(),
              second["usage"]["input_tokens"].get<int>() + 2);
  }
}

TEST_F(StoredResponses, GetReturnsTheStoredObjectAndDeleteRemovesIt) {
  for (bool stream : {false, true}) {
    const json r = respond(url(), turn("A dog", {{"stream", stream}, {"metadata", {{"k", "v"}}}}));
    const std::string id = r["id"];
    auto g = get(url(), "/v1/responses/" + id);
    ASSERT_EQ(g.status, 200) << g.body;
    EXPECT_EQ(g.j(), r);
    auto d = del(url(), "/v1/responses/" + id);
    ASSERT_EQ(d.status, 200) << d.body;
    EXPECT_EQ(d.j(), json({{"id", id}, {"object", "response.deleted"}, {"deleted", true}}));
    EXPECT_EQ(get(url(), "/v1/responses/" + id).status, 404);
    EXPECT_EQ(del(url(), "/v1/responses/" + id).status, 404);
    auto after = post(url(), "/v1/responses", turn("x", {{"previous_response_id", id}}));
    EXPECT_EQ(after.status, 400) << after.body;
  }
  const std::string metrics = get(url(), "/metrics").body;
  EXPECT_NE(metrics.find(R"(endpoint="/v1/responses/{id}",status="200")"), std::string::npos)
      << metrics;
}

TEST_F(StoredResponses, UnknownAndUnstoredIdsAreRefused) {
  for (bool stream : {false, true}) {
    const json unstored = respond(url(), turn("A bird", {{"store", false}, {"stream", stream}}));
    EXPECT_EQ(unstored["store"], false);
    const std::string id = unstored["id"], msg = unstored["output"][0]["id"];
    for (const std::string& resp : {id, std::string("resp_unknown")}) {
      auto g = get(url(), "/v1/responses/" + resp);
      EXPECT_EQ(g.status, 404) << g.body;
      EXPECT_TRUE(is_openai_error(g.body)) << g.body;
      auto p = post(url(), "/v1/responses",
                    turn("x", {{"previous_response_id", resp}, {"stream", stream}}));
      EXPECT_EQ(p.status, 400) << p.body;
      EXPECT_EQ(p.j()["error"]["code"], "previous_response_not_found") << p.body;
      EXPECT_EQ(p.j()["error"]["param"], "previous_response_id") << p.body;
    }
    for (const std::string& item : {msg, std::string("msg_unknown")}) {
      auto p = post(url(), "/v1/responses",
                    turn(json::array({{{"role", "user"}, {"content", "x"}},
                                      {{"type", "item_reference"}, {"id", item}}}),
                         {{"stream", stream}}));
      EXPECT_EQ(p.status, 400) << p.body;
      EXPECT_EQ(p.j()["error"]["param"], "input[1].id") << p.body;
      EXPECT_NE(p.j()["error"]["message"].get<std::string>().find(item), std::string::npos);
    }
  }
}

TEST_F(StoredResponses, ThroughAnUpstreamProxyTheChatBodyHoldsTheEarlierTurns) {
  ServerProcess proxy({"commander", "--upstream", url()});
  const json first = respond(proxy.url(), turn("Once upon a time"));
  const std::string text1 = output_text(first);
  ASSERT_FALSE(text1.empty());
  EXPECT_EQ(get(proxy.url(), "/v1/responses/" + first["id"].get<std::string>()).status, 200);
  const json second =
      respond(proxy.url(), turn("Then the cat", {{"previous_response_id", first["id"]}}));
  EXPECT_EQ(second["previous_response_id"], first["id"]);
  // The last chat body the upstream received is the whole conversation.
  const std::string log = read_file(log_);
  const size_t at = log.rfind("/v1/chat/completions ");
  ASSERT_NE(at, std::string::npos) << log;
  const std::string line = log.substr(at, log.find('\n', at) - at);
  const json body = json::parse(line.substr(line.find(' ') + 1));
  EXPECT_EQ(body["messages"], json::parse(R"([{"role":"user","content":"Once upon a time"},
      {"role":"assistant","content":)" + json(text1).dump() +
                                          R"(},
      {"role":"user","content":"Then the cat"}])"));
  // The store is the proxy's: the upstream has none of it.
  EXPECT_EQ(get(url(), "/v1/responses/" + second["id"].get<std::string>()).status, 404);
}

}  // namespace
}  // namespace tandem::test
