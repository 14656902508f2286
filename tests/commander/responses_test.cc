// POST /v1/responses on the real `tandem commander` (stories260K): the answer equals the
// chat answer to the same conversation, streamed events come in OpenAI's order and add up to
// the non-streamed text, text.format json_schema output parses in the schema's key order, and
// what the server cannot do is a 400 naming the field. Stored responses:
// responses_stored_test.cc.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "support/http_helpers.h"
#include "support/paths.h"
#include "support/server_process.h"

namespace tandem::test {
namespace {

const std::string kAlias = "stories260K-f32";

class Responses : public ::testing::Test {
 protected:
  // A JSON answer needs more than stories260K's own 128-token context.
  static void SetUpTestSuite() {
    server_ = std::make_unique<ServerProcess>(
        std::vector<std::string>{"commander", "-m", stories("stories260K-f32.gguf"), "--parallel",
                                 "4", "-t", "2", "-c", "512"});
  }
  static void TearDownTestSuite() { server_.reset(); }
  static std::string url() { return server_->url(); }
  static std::unique_ptr<ServerProcess> server_;
};
std::unique_ptr<ServerProcess> Responses::server_;

// The text of a response object's message items.
std::string output_text(const json& r) {
  std::string text;
  for (const auto& item : r["output"])
    if (item["type"] == "message")
      for (const auto& part : item["content"]) text += part["text"].get<std::string>();
  return text;
}

struct Event {
  std::string type;
  json data;
};

// Parses `event: T\ndata: {...}\n\n` events; checks the framing and the sequence numbers.
std::vector<Event> responses_events(const std::string& body) {
  std::vector<Event> out;
  size_t pos = 0;
  int64_t seq = 0;
  while (pos < body.size()) {
    size_t end = body.find("\n\n", pos);
    if (end == std::string::npos) end = body.size();
    const std::string ev = body.substr(pos, end - pos);
    pos = end + 2;
    const size_t nl = ev.find('\n');
    EXPECT_TRUE(ev.starts_with("event: ") && nl != std::string::npos) << ev;
    if (nl == std::string::npos) break;
    Event e{ev.substr(7, nl - 7), json::parse(ev.substr(nl + 1 + 6), nullptr, false)};
    EXPECT_EQ(ev.substr(nl + 1, 6), "data: ") << ev;
    EXPECT_EQ(e.data["type"], e.type) << ev;
    EXPECT_EQ(e.data["sequence_number"], seq++) << ev;
    out.push_back(std::move(e));
  }
  return out;
}

json chat_for(const json& messages, int max_tokens, const json& extra = json::object()) {
  json b = {{"messages", messages}, {"max_tokens", max_tokens}, {"temperature", 0}};
  b.update(extra);
  return b;
}

TEST_F(Responses, StringInputAnswersAsChatDoes) {
  const json req = {{"model", kAlias},
                    {"input", "Once upon a time"},
                    {"max_output_tokens", 16},
                    {"temperature", 0},
                    {"metadata", {{"run", "t1"}}}};
  auto r = post(url(), "/v1/responses", req);
  ASSERT_EQ(r.status, 200) << r.body;
  const json j = r.j();
  EXPECT_TRUE(j["id"].get<std::string>().starts_with("resp_")) << j["id"];
  EXPECT_EQ(j["object"], "response");
  EXPECT_EQ(j["model"], kAlias);
  EXPECT_TRUE(j["error"].is_null());
  EXPECT_EQ(j["metadata"], json({{"run", "t1"}}));
  EXPECT_EQ(j["max_output_tokens"], 16);
  ASSERT_EQ(j["output"].size(), 1u);
  EXPECT_EQ(j["output"][0]["type"], "message");
  EXPECT_EQ(j["output"][0]["role"], "assistant");
  EXPECT_TRUE(j["output"][0]["id"].get<std::string>().starts_with("msg_"));

  auto c = post(url(), "/v1/chat/completions",
                chat_for(json::array({{{"role", "user"}, {"content", "Once upon a time"}}}), 16));
  ASSERT_EQ(c.status, 200) << c.body;
  const json cj = c.j();
  const std::string want = cj["choices"][0]["message"]["content"];
  EXPECT_FALSE(want.empty());
  EXPECT_EQ(output_text(j), want);
  EXPECT_EQ(j["usage"]["input_tokens"], cj["usage"]["prompt_tokens"]);
  EXPECT_EQ(j["usage"]["output_tokens"], cj["usage"]["completion_tokens"]);
  EXPECT_EQ(j["usage"]["total_tokens"], cj["usage"]["total_tokens"]);
  // Cut by max_output_tokens or ended: the status says which.
  if (cj["choices"][0]["finish_reason"] == "length") {
    EXPECT_EQ(j["status"], "incomplete");
    EXPECT_EQ(j["incomplete_details"]["reason"], "max_output_tokens");
  } else {
    EXPECT_EQ(j["status"], "completed");
  }
}

TEST_F(Responses, MessageItemsAndInstructionsAreTheChatMessages) {
  const json req = {{"instructions", "You tell stories."},
                    {"input", json::parse(R"([
          {"type":"message","role":"user","content":[{"type":"input_text","text":"Tell me "},
                                                     {"type":"input_text","text":"about a cat."}]},
          {"role":"assistant","content":[{"type":"output_text","text":"The cat was big."}]},
          {"role":"user","content":"What did it eat?"}])")},
                    {"max_output_tokens", 12},
                    {"temperature", 0}};
  auto r = post(url(), "/v1/responses", req);
  ASSERT_EQ(r.status, 200) << r.body;
  const json messages = json::parse(R"([{"role":"system","content":"You tell stories."},
      {"role":"user","content":"Tell me about a cat."},
      {"role":"assistant","content":"The cat was big."},
      {"role":"user","content":"What did it eat?"}])");
  auto c = post(url(), "/v1/chat/completions", chat_for(messages, 12));
  ASSERT_EQ(c.status, 200) << c.body;
  EXPECT_EQ(output_text(r.j()), c.j()["choices"][0]["message"]["content"]);
  EXPECT_EQ(r.j()["usage"]["input_tokens"], c.j()["usage"]["prompt_tokens"]);
}

TEST_F(Responses, StreamedEventsAddUpToTheNonStreamedAnswer) {
  // Greedy, and sampled with a fixed seed: the same text either way.
  for (const json& sampling : {json{{"temperature", 0}}, json{{"temperature", 0.9}, {"seed", 7}}}) {
    json req = {{"input", "Once upon a time there was a dog"}, {"max_output_tokens", 24}};
    req.update(sampling);
    auto whole = post(url(), "/v1/responses", req);
    ASSERT_EQ(whole.status, 200) << whole.body;
    const json w = whole.j();
    req["stream"] = true;
    auto s = post(url(), "/v1/responses", req);
    ASSERT_EQ(s.status, 200) << s.body;
    auto ct = s.headers.find("Content-Type");
    ASSERT_NE(ct, s.headers.end());
    EXPECT_TRUE(ct->second.starts_with("text/event-stream")) << ct->second;
    const auto evs = responses_events(s.body);
    ASSERT_GE(evs.size(), 8u) << s.body;

    // created, in_progress, the message item opened, deltas, closed, then the end.
    EXPECT_EQ(evs[0].type, "response.created");
    EXPECT_EQ(evs[0].data["response"]["status"], "in_progress");
    EXPECT_EQ(evs[0].data["response"]["model"], kAlias);
    EXPECT_EQ(evs[1].type, "response.in_progress");
    EXPECT_EQ(evs[2].type, "response.output_item.added");
    EXPECT_EQ(evs[2].data["item"]["type"], "message");
    EXPECT_EQ(evs[3].type, "response.content_part.added");
    const std::string item_id = evs[2].data["item"]["id"];
    size_t i = 4;
    std::string text;
    for (; i < evs.size() && evs[i].type == "response.output_text.delta"; ++i) {
      EXPECT_EQ(evs[i].data["item_id"], item_id);
      EXPECT_EQ(evs[i].data["output_index"], 0);
      text += evs[i].data["delta"].get<std::string>();
    }
    EXPECT_GT(i, 4u) << "no text deltas";
    ASSERT_EQ(evs.size(), i + 4) << s.body;
    EXPECT_EQ(evs[i].type, "response.output_text.done");
    EXPECT_EQ(evs[i].data["text"], text);
    EXPECT_EQ(evs[i + 1].type, "response.content_part.done");
    EXPECT_EQ(evs[i + 2].type, "response.output_item.done");
    EXPECT_EQ(evs[i + 2].data["item"]["status"], "completed");
    const Event& last = evs[i + 3];
    EXPECT_EQ(last.type, w["status"] == "completed" ? "response.completed" : "response.incomplete");
    const json& final_response = last.data["response"];
    EXPECT_EQ(final_response["id"], evs[0].data["response"]["id"]);
    EXPECT_EQ(final_response["status"], w["status"]);

    EXPECT_EQ(text, output_text(w)) << sampling;
    EXPECT_EQ(output_text(final_response), text);
    EXPECT_EQ(usage_counts(final_response["usage"]), usage_counts(w["usage"]));
    EXPECT_GT(final_response["usage"]["output_tokens"].get<int>(), 0);
  }
}

TEST_F(Responses, JsonSchemaFormatParsesInTheSchemasKeyOrder) {
  // "name" before "age": sorted keys would put age first.
  const std::string req = R"({"input":"Describe a pet as JSON.","max_output_tokens":256,
      "temperature":0.7,"seed":3,
      "text":{"format":{"type":"json_schema","name":"pet","strict":true,"schema":{
        "type":"object",
        "properties":{"name":{"type":"string","minLength":1,"maxLength":8},
                      "age":{"type":"integer","minimum":0,"maximum":20}},
        "required":["name","age"]}}}})";
  for (bool stream : {false, true}) {
    std::string body = req;
    if (stream) body.insert(1, R"("stream":true,)");
    auto r = post(url(), "/v1/responses", body);
    ASSERT_EQ(r.status, 200) << r.body;
    json final_response;
    if (stream) {
      const auto evs = responses_events(r.body);
      ASSERT_FALSE(evs.empty());
      final_response = evs.back().data["response"];
    } else {
      final_response = r.j();
    }
    ASSERT_EQ(final_response["status"], "completed") << final_response.dump();
    EXPECT_EQ(final_response["text"]["format"]["type"], "json_schema");
    const std::string text = output_text(final_response);
    const json j = json::parse(text, nullptr, false);
    ASSERT_TRUE(j.is_object()) << text;
    EXPECT_TRUE(j["name"].is_string()) << text;
    EXPECT_TRUE(j["age"].is_number_integer()) << text;
    EXPECT_LT(text.find("\"name\""), text.find("\"age\"")) << text;
  }
  auto r = post(url(), "/v1/responses",
                json::parse(R"({"input":"A JSON object please.","max_output_tokens":120,
                                "text":{"format":{"type":"json_object"}}})"));
  ASSERT_EQ(r.status, 200) << r.body;
  if (r.j()["status"] == "completed")
    EXPECT_TRUE(json::parse(output_text(r.j()), nullptr, false).is_object()) << r.body;
}

TEST_F(Responses, UpstreamModeConvertsToTheUpstreamsChat) {
  // The proxy asks its upstream (this suite's engine) for a chat completion, streamed or not.
  ServerProcess proxy({"commander", "--upstream", url()});
  const json req = {{"input", "Once upon a time"}, {"max_output_tokens", 12}, {"temperature", 0}};
  auto direct = post(url(), "/v1/responses", req);
  ASSERT_EQ(direct.status, 200) << direct.body;
  auto whole = post(proxy.url(), "/v1/responses", req);
  ASSERT_EQ(whole.status, 200) << whole.body;
  EXPECT_EQ(output_text(whole.j()), output_text(direct.j()));
  EXPECT_EQ(usage_counts(whole.j()["usage"]), usage_counts(direct.j()["usage"]));
  json sreq = req;
  sreq["stream"] = true;
  auto s = post(proxy.url(), "/v1/responses", sreq);
  ASSERT_EQ(s.status, 200) << s.body;
  const auto evs = responses_events(s.body);
  ASSERT_FALSE(evs.empty());
  EXPECT_EQ(evs.back().data["response"]["status"], direct.j()["status"]);
  EXPECT_EQ(output_text(evs.back().data["response"]), output_text(direct.j()));
  EXPECT_EQ(usage_counts(evs.back().data["response"]["usage"]), usage_counts(direct.j()["usage"]));
  auto bad = post(proxy.url(), "/v1/responses", json{{"input", "hi"}, {"model", "nope"}});
  EXPECT_EQ(bad.status, 404) << bad.body;  // the upstream's answer, as it came
  EXPECT_EQ(bad.j()["error"]["code"], "model_not_found") << bad.body;
}

TEST_F(Responses, WhatCannotBeServedIsA400NamingTheField) {
  struct Case {
    const char* body;
    const char* param;
  };
  for (const Case& c : {
           Case{R"({"input":"hi","previous_response_id":"resp_123"})", "previous_response_id"},
           Case{R"({"input":"hi","tools":[{"type":"web_search"}]})", "tools[0].type"},
           Case{R"({"input":[{"role":"user","content":[{"type":"input_image","image_url":"x"}]}]})",
                "input[0].content[0].image_url"},  // not a data: URL
           Case{R"({"input":[{"role":"user","content":[{"type":"input_file","file_id":"f"}]}]})",
                "input[0].content[0].type"},
           Case{R"({"input":[{"type":"item_reference","id":"msg_1"}]})", "input[0].id"},
           Case{R"({"input":"hi","conversation":"conv_1"})", "conversation"},
           Case{R"({"input":"hi","text":{"format":{"type":"json_schema","name":"x"}}})",
                "text.format.schema"},
           Case{R"({"input":"hi","max_output_tokens":0})", "max_output_tokens"},
           Case{R"({"model":"m"})", "input"},
       }) {
    for (bool stream : {false, true}) {
      std::string body = c.body;
      if (stream) body.insert(1, R"("stream":true,)");
      auto r = post(url(), "/v1/responses", body);
      EXPECT_EQ(r.status, 400) << c.body << " " << r.body;
      EXPECT_TRUE(is_openai_error(r.body)) << r.body;
      EXPECT_EQ(r.j()["error"]["param"], c.param) << r.body;
    }
  }
  // The chat side's own errors come back as chat answers them, streamed or not.
  for (bool stream : {false, true}) {
    auto r = post(url(), "/v1/responses",
                  json{{"model", "gpt-4o"}, {"input", "hi"}, {"stream", stream}});
    EXPECT_EQ(r.status, 404) << r.body;
    EXPECT_EQ(r.j()["error"]["code"], "model_not_found") << r.body;
    auto t =
        post(url(), "/v1/responses", json{{"input", "hi"}, {"temperature", 5}, {"stream", stream}});
    EXPECT_EQ(t.status, 400) << t.body;
    EXPECT_EQ(t.j()["error"]["param"], "temperature") << t.body;
  }
  // Counted under its own endpoint.
  const std::string metrics = get(url(), "/metrics").body;
  EXPECT_NE(metrics.find(R"(endpoint="/v1/responses",status="400")"), std::string::npos) << metrics;
}

}  // namespace
}  // namespace tandem::test
