// POST /v1/responses on the real `tandem dispatcher` in front of a real `tandem commander`
// (stories260K on both): routed like the chat it becomes (edge and cloud, with the
// x-tandem-route headers), streamed or not with the same text, and the Commander receives a
// plain chat request. Stored responses live in the Dispatcher: previous_response_id and
// item_reference continue a conversation (on the edge, or sent whole to the Commander), and
// what is stored is the unmasked text the client saw, masked again when it leaves.
#include <gtest/gtest.h>

#include <mutex>
#include <thread>
#include <vector>

#include "support/dispatcher_support.h"

namespace tandem::test {
namespace {

class DispatcherResponses : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    log_ = std::make_unique<TempFile>("responses-commander-log");
    always_cloud_ = std::make_unique<TempFile>(
        "responses-cloud-policy", "[routing]\nppl_threshold = 1.0\ncloud_intents = []\n");
    commander_ = std::make_unique<ServerProcess>(std::vector<std::string>{
        "commander", "-m", edge_model(), "-t", "1", "--log-requests", log_->path});
    dispatcher_ = std::make_unique<ServerProcess>(
        std::vector<std::string>{"dispatcher", "-m", edge_model(), "-t", "1", "--commander",
                                 commander_->url(), "--intent-model", intent_model()});
    cloud_dispatcher_ = std::make_unique<ServerProcess>(std::vector<std::string>{
        "dispatcher", "-m", edge_model(), "-t", "1", "--commander", commander_->url(),
        "--intent-model", intent_model(), "--policy", always_cloud_->path});
  }
  static void TearDownTestSuite() {
    cloud_dispatcher_.reset();
    dispatcher_.reset();
    commander_.reset();
    always_cloud_.reset();
    log_.reset();
  }
  static std::unique_ptr<TempFile> log_, always_cloud_;
  static std::unique_ptr<ServerProcess> commander_, dispatcher_, cloud_dispatcher_;
};
std::unique_ptr<TempFile> DispatcherResponses::log_, DispatcherResponses::always_cloud_;
std::unique_ptr<ServerProcess> DispatcherResponses::commander_, DispatcherResponses::dispatcher_,
    DispatcherResponses::cloud_dispatcher_;

const char* kStory = "Once upon a time, there was a little girl named Lily. She liked to play";
// Nothing the privacy layer masks, so the Commander sees the prompt as the test sends it.
const char* kPlain = "Once upon a time, there was a little dog. It liked to play in the park";

json responses_body(const std::string& input, bool stream) {
  return {{"input", input}, {"max_output_tokens", 16}, {"temperature", 0}, {"stream", stream}};
}

// The message text of a response, from the body or from the final event of a stream (whose
// events must end with response.completed / .incomplete and count up from 0).
std::string response_text(const HttpReply& r, bool stream, json* final_response = nullptr) {
  json resp;
  if (!stream) {
    resp = r.j();
  } else {
    int64_t seq = 0;
    std::string last_type, deltas;
    size_t pos = 0;
    while (pos < r.body.size()) {
      size_t end = r.body.find("\n\n", pos);
      if (end == std::string::npos) end = r.body.size();
      const std::string ev = r.body.substr(pos, end - pos);
      pos = end + 2;
      const size_t nl = ev.find('\n');
      EXPECT_TRUE(ev.starts_with("event: ") && nl != std::string::npos) << ev;
      if (nl == std::string::npos) break;
      const json d = json::parse(ev.substr(nl + 7), nullptr, false);
      last_type = ev.substr(7, nl - 7);
      EXPECT_EQ(d["type"], last_type);
      EXPECT_EQ(d["sequence_number"], seq++);
      if (last_type == "response.output_text.delta") deltas += d["delta"].get<std::string>();
      if (d.contains("response")) resp = d["response"];
    }
    EXPECT_TRUE(last_type == "response.completed" || last_type == "response.incomplete") << r.body;
    EXPECT_EQ(resp["output"][0]["content"][0]["text"], deltas);
  }
  EXPECT_EQ(resp["object"], "response") << r.body;
  if (final_response) *final_response = resp;
  return resp["output"][0]["content"][0]["text"].get<std::string>();
}

TEST_F(DispatcherResponses, EdgeAnswerEqualsTheEdgeChatAnswer) {
  const std::string want =
      answer_text(post(dispatcher_->url(), "/v1/chat/completions", chat(kStory, 16, false)), false);
  ASSERT_FALSE(want.empty());
  for (bool stream : {false, true}) {
    auto r = post(dispatcher_->url(), "/v1/responses", responses_body(kStory, stream));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(header(r, "x-tandem-route"), "edge");
    json resp;
    EXPECT_EQ(response_text(r, stream, &resp), want) << stream;
    EXPECT_GT(resp["usage"]["input_tokens"].get<int>(), 0) << resp.dump();
    EXPECT_GT(resp["usage"]["output_tokens"].get<int>(), 0) << resp.dump();
  }
}

TEST_F(DispatcherResponses, CloudAnswerComesFromTheCommanderAsAChatRequest) {
  const std::string want =
      answer_text(post(commander_->url(), "/v1/chat/completions", chat(kPlain, 16, false)), false);
  for (bool stream : {false, true}) {
    auto r = post(cloud_dispatcher_->url(), "/v1/responses", responses_body(kPlain, stream));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(header(r, "x-tandem-route"), "cloud");
    EXPECT_EQ(response_text(r, stream), want) << stream;
  }
  // The Commander saw chat requests only (the Dispatcher converts), the streamed one asking
  // for usage.
  const std::string log = log_->read();
  EXPECT_EQ(log.find("/v1/responses"), std::string::npos) << log;
  EXPECT_NE(log.find("\"include_usage\":true"), std::string::npos) << log;
}

// The response object a request answers (the body, or a stream's last event).
json respond(const std::string& url, const json& body) {
  auto r = post(url, "/v1/responses", body);
  EXPECT_EQ(r.status, 200) << r.body;
  json resp;
  response_text(r, body.value("stream", false), &resp);
  return resp;
}

std::string text_of(const json& resp) {
  return resp["output"][0]["content"][0]["text"].get<std::string>();
}

// The last chat body `log` (--log-requests) holds.
json last_chat_body(const std::string& log) {
  const size_t at = log.rfind("/v1/chat/completions ");
  if (at == std::string::npos) return nullptr;
  const std::string line = log.substr(at, log.find('\n', at) - at);
  return json::parse(line.substr(line.find(' ') + 1), nullptr, false);
}

TEST_F(DispatcherResponses, PreviousResponseIdAnswersAsTheWholeChatWould) {
  for (bool stream : {false, true}) {
    const json first = respond(dispatcher_->url(), responses_body(kStory, stream));
    EXPECT_EQ(first["store"], true);
    json next = responses_body("Then she", false);
    next["previous_response_id"] = first["id"];
    const json second = respond(dispatcher_->url(), next);
    EXPECT_EQ(second["previous_response_id"], first["id"]);
    // As the edge answers the chat holding the whole conversation.
    json messages = json::array({{{"role", "user"}, {"content", kStory}},
                                 {{"role", "assistant"}, {"content", text_of(first)}},
                                 {{"role", "user"}, {"content", "Then she"}}});
    json c = chat(kStory, 16, false);
    c["messages"] = messages;
    auto want = post(dispatcher_->url(), "/v1/chat/completions", c);
    ASSERT_EQ(want.status, 200) << want.body;
    EXPECT_EQ(text_of(second), answer_text(want, false)) << stream;
    EXPECT_EQ(second["usage"]["input_tokens"], want.j()["usage"]["prompt_tokens"]);
    EXPECT_GT(second["usage"]["input_tokens"].get<int>(),
              first["usage"]["input_tokens"].get<int>() + 2);
    // GET returns the stored object as it was answered.
    auto g = get(dispatcher_->url(), "/v1/responses/" + first["id"].get<std::string>());
    ASSERT_EQ(g.status, 200) << g.body;
    EXPECT_EQ(g.j(), first);
  }
}

TEST_F(DispatcherResponses, ContinuedConversationGoesToTheCommanderAsOneChat) {
  for (bool stream : {false, true}) {
    const json first = respond(cloud_dispatcher_->url(), responses_body(kPlain, stream));
    const json ref = json::array({{{"role", "user"}, {"content", kPlain}},
                                  {{"type", "item_reference"}, {"id", first["output"][0]["id"]}},
                                  {{"role", "user"}, {"content", "The dog ran"}}});
    json by_id = responses_body("The dog ran", stream);
    by_id["previous_response_id"] = first["id"];
    json by_ref = responses_body("", stream);
    by_ref["input"] = ref;
    for (const json& next : {by_id, by_ref}) {
      const json second = respond(cloud_dispatcher_->url(), next);
      const json body = last_chat_body(log_->read());
      ASSERT_TRUE(body.is_object()) << log_->read();
      ASSERT_EQ(body["messages"].size(), 3u) << body.dump();
      EXPECT_EQ(body["messages"][0]["content"], kPlain);
      EXPECT_EQ(body["messages"][1]["role"], "assistant");
      const std::string sent = body["messages"][1]["content"];
      if (sent.find('<') == std::string::npos) {  // nothing in it the privacy layer masks
        EXPECT_EQ(sent, text_of(first));
      }
      EXPECT_EQ(body["messages"][2]["content"], "The dog ran");
      EXPECT_GT(second["usage"]["input_tokens"].get<int>(),
                first["usage"]["input_tokens"].get<int>() + 2);
    }
  }
}

TEST_F(DispatcherResponses, StoredTurnsAreWhatTheClientSawAndLeaveMasked) {
  // The Commander echoes the last user message as it arrived (placeholders included); the
  // Dispatcher unmasks the answer for the client, and the store keeps that unmasked text.
  httplib::Server upstream;
  std::mutex mu;
  std::vector<std::string> bodies;
  serve_echo(upstream, 3, std::chrono::milliseconds(0), [&](const std::string& b) {
    std::lock_guard lock(mu);
    bodies.push_back(b);
  });
  const int port = upstream.bind_to_any_port("127.0.0.1");
  std::thread t([&] { upstream.listen_after_bind(); });
  {
    ServerProcess disp({"dispatcher", "-m", edge_model(), "-t", "1", "--commander",
                        "http://127.0.0.1:" + std::to_string(port), "--intent-model",
                        intent_model(), "--policy", always_cloud_->path});
    const std::string seed = "我叫张三,电话 13800000000。写信给 lily@example.com";
    const std::string masked = "我叫<NAME_1>,电话 <PHONE_1>。写信给 <EMAIL_1>";
    for (bool stream : {false, true}) {
      json b = responses_body(seed, stream);
      b["max_output_tokens"] = 64;
      const json first = respond(disp.url(), b);
      ASSERT_EQ(text_of(first), seed);  // the client's values, restored
      const std::string id = first["id"];
      auto g = get(disp.url(), "/v1/responses/" + id);
      ASSERT_EQ(g.status, 200) << g.body;
      EXPECT_EQ(g.j(), first);
      EXPECT_EQ(g.body.find("<PHONE_1>"), std::string::npos) << g.body;

      json next = responses_body("再说一遍", stream);
      next["previous_response_id"] = id;
      const json second = respond(disp.url(), next);
      EXPECT_EQ(text_of(second), "再说一遍");
      std::lock_guard lock(mu);
      const json sent = json::parse(bodies.back());
      ASSERT_EQ(sent["messages"].size(), 3u) << sent.dump();
      EXPECT_EQ(sent["messages"][0]["content"], masked);
      EXPECT_EQ(sent["messages"][1]["role"], "assistant");
      EXPECT_EQ(sent["messages"][1]["content"], masked);  // stored unmasked, masked again
      EXPECT_EQ(bodies.back().find("13800000000"), std::string::npos) << bodies.back();
      EXPECT_EQ(bodies.back().find("张三"), std::string::npos) << bodies.back();
    }
  }
  upstream.stop();
  t.join();
}

TEST_F(DispatcherResponses, UnknownOrUnstoredIdsAreRefused) {
  json body = responses_body(kStory, false);
  body["previous_response_id"] = "resp_abc";
  auto r = post(dispatcher_->url(), "/v1/responses", body);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_TRUE(is_openai_error(r.body)) << r.body;
  EXPECT_EQ(r.j()["error"]["param"], "previous_response_id");
  EXPECT_EQ(r.j()["error"]["code"], "previous_response_not_found");

  json unstored = responses_body(kStory, false);
  unstored["store"] = false;
  const json first = respond(dispatcher_->url(), unstored);
  EXPECT_EQ(first["store"], false);
  EXPECT_EQ(get(dispatcher_->url(), "/v1/responses/" + first["id"].get<std::string>()).status, 404);
  json ref = responses_body("", false);
  ref["input"] = json::array({{{"type", "item_reference"}, {"id", first["output"][0]["id"]}}});
  auto rr = post(dispatcher_->url(), "/v1/responses", ref);
  EXPECT_EQ(rr.status, 400) << rr.body;
  EXPECT_EQ(rr.j()["error"]["param"], "input[0].id");
}

}  // namespace
}  // namespace tandem::test
