// The Responses API adapter below the server: chat.completion -> response object, chat SSE
// chunks -> Responses events (hand-written chunks, tool-call deltas split in pieces), and
// serve_responses over a scripted chat handler (bodies, streams, errors passing through).
// The request conversion: responses_request_test.cc.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "api/responses/responses.h"
#include "api/responses/responses_object.h"
#include "api/responses/responses_request.h"
#include "api/responses/responses_stream.h"
#include "http/api_error.h"

namespace tandem::api {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

ordered_json body(const char* text) {
  return ordered_json::parse(text);
}

ResponseShell test_shell() {
  ResponsesRequest r = responses_to_chat(body(R"({"model":"m","input":"x"})"));
  return response_shell(r);
}

TEST(ResponsesObject, TextAnswer) {
  const json chat = json::parse(R"({"id":"chatcmpl-1","object":"chat.completion","created":1,
      "model":"alias","choices":[{"index":0,"message":{"role":"assistant","content":"Hello there"},
      "finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":2,"total_tokens":7}})");
  const ResponseShell shell = test_shell();
  const ordered_json r = chat_to_response(chat, shell);
  EXPECT_TRUE(r["id"].get<std::string>().starts_with("resp_")) << r["id"];
  EXPECT_EQ(r["id"], shell.id);
  EXPECT_EQ(r["object"], "response");
  EXPECT_EQ(r["status"], "completed");
  EXPECT_TRUE(r["error"].is_null());
  EXPECT_TRUE(r["incomplete_details"].is_null());
  EXPECT_EQ(r["model"], "alias");  // the id the chat side reports
  ASSERT_EQ(r["output"].size(), 1u);
  const auto& m = r["output"][0];
  EXPECT_EQ(m["type"], "message");
  EXPECT_TRUE(m["id"].get<std::string>().starts_with("msg_"));
  EXPECT_EQ(m["status"], "completed");
  EXPECT_EQ(m["role"], "assistant");
  EXPECT_EQ(m["content"],
            body(R"([{"type":"output_text","text":"Hello there","annotations":[]}])"));
  EXPECT_EQ(r["usage"], body(R"({"input_tokens":5,"input_tokens_details":{"cached_tokens":0},
      "output_tokens":2,"output_tokens_details":{"reasoning_tokens":0},"total_tokens":7})"));
  EXPECT_EQ(r["tools"], ordered_json::array());
  EXPECT_EQ(r["metadata"], ordered_json::object());
}

TEST(ResponsesObject, LengthIsIncompleteAndToolCallsAreFunctionCallItems) {
  const json cut = json::parse(R"({"model":"a","choices":[{"message":{"content":"Once"},
      "finish_reason":"length"}]})");
  const ordered_json r = chat_to_response(cut, test_shell());
  EXPECT_EQ(r["status"], "incomplete");
  EXPECT_EQ(r["incomplete_details"], body(R"({"reason":"max_output_tokens"})"));
  EXPECT_EQ(r["usage"]["total_tokens"], 0);  // no usage from the chat side: zeros

  const json calls = json::parse(R"({"model":"a","choices":[{"message":{"role":"assistant",
      "content":null,"tool_calls":[
        {"id":"call_a","type":"function","function":{"name":"f","arguments":"{\"x\":1}"}},
        {"id":"call_b","type":"function","function":{"name":"g","arguments":"{}"}}]},
      "finish_reason":"tool_calls"}]})");
  const ordered_json t = chat_to_response(calls, test_shell());
  EXPECT_EQ(t["status"], "completed");
  ASSERT_EQ(t["output"].size(), 2u);  // no message item: the turn only calls tools
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(t["output"][i]["type"], "function_call");
    EXPECT_TRUE(t["output"][i]["id"].get<std::string>().starts_with("fc_"));
    EXPECT_EQ(t["output"][i]["status"], "completed");
  }
  EXPECT_EQ(t["output"][0]["call_id"], "call_a");
  EXPECT_EQ(t["output"][0]["name"], "f");
  EXPECT_EQ(t["output"][0]["arguments"], "{\"x\":1}");
  EXPECT_EQ(t["output"][1]["call_id"], "call_b");

  json both = calls;
  both["choices"][0]["message"]["content"] = "Let me check.";
  const ordered_json b = chat_to_response(both, test_shell());
  ASSERT_EQ(b["output"].size(), 3u);
  EXPECT_EQ(b["output"][0]["content"][0]["text"], "Let me check.");
  EXPECT_EQ(b["output"][1]["name"], "f");
}

// The events of a Responses SSE stream: (type, data), checking the framing and that the
// sequence numbers count up from 0.
std::vector<std::pair<std::string, json>> events(const std::string& sse) {
  std::vector<std::pair<std::string, json>> out;
  size_t pos = 0;
  int64_t seq = 0;
  while (pos < sse.size()) {
    const size_t end = sse.find("\n\n", pos);
    EXPECT_NE(end, std::string::npos) << sse.substr(pos);
    if (end == std::string::npos) break;
    const std::string ev = sse.substr(pos, end - pos);
    pos = end + 2;
    const size_t nl = ev.find('\n');
    EXPECT_TRUE(ev.starts_with("event: ")) << ev;
    EXPECT_EQ(ev.substr(nl + 1, 6), "data: ") << ev;
    const std::string type = ev.substr(7, nl - 7);
    const json d = json::parse(ev.substr(nl + 7));
    EXPECT_EQ(d["type"], type);
    EXPECT_EQ(d["sequence_number"], seq++) << ev;
    out.emplace_back(type, d);
  }
  return out;
}

std::vector<std::string> types(const std::vector<std::pair<std::string, json>>& evs) {
  std::vector<std::string> t;
  for (const auto& e : evs) t.push_back(e.first);
  return t;
}

std::string chunk(const json& delta, const json& finish = nullptr) {
  json j = {
      {"id", "chatcmpl-1"},
      {"object", "chat.completion.chunk"},
      {"created", 1},
      {"model", "alias"},
      {"choices", json::array({{{"index", 0}, {"delta", delta}, {"finish_reason", finish}}})}};
  return "data: " + j.dump() + "\n\n";
}

std::string usage_chunk(int p, int c) {
  json j = {{"id", "chatcmpl-1"},
            {"object", "chat.completion.chunk"},
            {"model", "alias"},
            {"choices", json::array()},
            {"usage", {{"prompt_tokens", p}, {"completion_tokens", c}, {"total_tokens", p + c}}}};
  return "data: " + j.dump() + "\n\n";
}

// Feeds `sse` in pieces of `step` bytes (events split anywhere), then finishes.
std::string convert(const std::string& sse, size_t step, ResponseShell shell = test_shell()) {
  ResponsesStream s(std::move(shell));
  std::string out;
  for (size_t i = 0; i < sse.size(); i += step)
    out += s.feed(std::string_view(sse).substr(i, step));
  out += s.finish();
  EXPECT_EQ(s.finish(), "");  // once
  return out;
}

TEST(ResponsesStream, TextEventsInOrderWhateverTheSplit) {
  const std::string chat = chunk({{"role", "assistant"}, {"content", ""}}) +
                           chunk({{"content", "Once"}}) + chunk({{"content", " upon"}}) +
                           chunk({{"content", " a time"}}) + chunk(json::object(), "stop") +
                           usage_chunk(9, 3) + "data: [DONE]\n\n";
  for (size_t step : {chat.size(), size_t{1}, size_t{7}, size_t{64}}) {
    const auto evs = events(convert(chat, step));
    EXPECT_EQ(
        types(evs),
        (std::vector<std::string>{
            "response.created", "response.in_progress", "response.output_item.added",
            "response.content_part.added", "response.output_text.delta",
            "response.output_text.delta", "response.output_text.delta", "response.output_text.done",
            "response.content_part.done", "response.output_item.done", "response.completed"}))
        << step;
    ASSERT_EQ(evs.size(), 11u);
    EXPECT_EQ(evs[0].second["response"]["status"], "in_progress");
    EXPECT_EQ(evs[0].second["response"]["model"], "alias");
    EXPECT_TRUE(evs[0].second["response"]["output"].empty());
    const std::string item_id = evs[2].second["item"]["id"];
    EXPECT_EQ(evs[2].second["item"]["type"], "message");
    EXPECT_EQ(evs[2].second["output_index"], 0);
    EXPECT_EQ(evs[3].second["part"],
              json::parse(R"({"type":"output_text","text":"","annotations":[]})"));
    std::string text;
    for (int i = 4; i < 7; ++i) {
      EXPECT_EQ(evs[i].second["item_id"], item_id);
      EXPECT_EQ(evs[i].second["content_index"], 0);
      EXPECT_EQ(evs[i].second["logprobs"], json::array());
      text += evs[i].second["delta"].get<std::string>();
    }
    EXPECT_EQ(text, "Once upon a time");
    EXPECT_EQ(evs[7].second["text"], text);
    EXPECT_EQ(evs[8].second["part"]["text"], text);
    EXPECT_EQ(evs[9].second["item"]["status"], "completed");
    const json& done = evs[10].second["response"];
    EXPECT_EQ(done["status"], "completed");
    EXPECT_EQ(done["id"], evs[0].second["response"]["id"]);
    EXPECT_EQ(done["output"][0]["content"][0]["text"], text);
    EXPECT_EQ(done["output"][0]["id"], item_id);
    EXPECT_EQ(done["usage"]["input_tokens"], 9);
    EXPECT_EQ(done["usage"]["output_tokens"], 3);
    EXPECT_EQ(done["usage"]["total_tokens"], 12);
  }
}

TEST(ResponsesStream, ToolCallDeltasInPieces) {
  // Two calls, their arguments split across chunks, as OpenAI's chat stream sends them.
  const std::string chat =
      chunk({{"role", "assistant"}, {"content", nullptr}}) +
      chunk({{"tool_calls", json::parse(R"([{"index":0,"id":"call_a","type":"function",
                                             "function":{"name":"get_weather","arguments":""}}])")}}) +
      chunk({{"tool_calls", json::parse(R"([{"index":0,"function":{"arguments":"{\"ci"}}])")}}) +
      chunk({{"tool_calls",
              json::parse(R"([{"index":0,"function":{"arguments":"ty\":\"Paris\"}"}}])")}}) +
      chunk({{"tool_calls", json::parse(R"([{"index":1,"id":"call_b","type":"function",
                                             "function":{"name":"get_time","arguments":"{}"}}])")}}) +
      chunk(json::object(), "tool_calls") + usage_chunk(4, 20) + "data: [DONE]\n\n";
  for (size_t step : {chat.size(), size_t{5}}) {
    const auto evs = events(convert(chat, step));
    EXPECT_EQ(types(evs),
              (std::vector<std::string>{
                  "response.created", "response.in_progress", "response.output_item.added",
                  "response.function_call_arguments.delta",
                  "response.function_call_arguments.delta", "response.output_item.added",
                  "response.function_call_arguments.delta", "response.function_call_arguments.done",
                  "response.output_item.done", "response.function_call_arguments.done",
                  "response.output_item.done", "response.completed"}))
        << step;
    ASSERT_EQ(evs.size(), 12u);
    const json& a = evs[2].second;
    EXPECT_EQ(a["output_index"], 0);
    EXPECT_EQ(a["item"]["type"], "function_call");
    EXPECT_EQ(a["item"]["call_id"], "call_a");
    EXPECT_EQ(a["item"]["name"], "get_weather");
    EXPECT_EQ(a["item"]["arguments"], "");
    EXPECT_EQ(a["item"]["status"], "in_progress");
    const std::string fc_a = a["item"]["id"];
    EXPECT_TRUE(fc_a.starts_with("fc_"));
    EXPECT_EQ(evs[3].second["item_id"], fc_a);
    EXPECT_EQ(evs[3].second["delta"], "{\"ci");
    EXPECT_EQ(evs[4].second["delta"], "ty\":\"Paris\"}");
    EXPECT_EQ(evs[5].second["output_index"], 1);
    EXPECT_EQ(evs[5].second["item"]["call_id"], "call_b");
    EXPECT_EQ(evs[6].second["delta"], "{}");
    EXPECT_EQ(evs[7].second["arguments"], "{\"city\":\"Paris\"}");
    EXPECT_EQ(evs[8].second["item"]["arguments"], "{\"city\":\"Paris\"}");
    EXPECT_EQ(evs[8].second["item"]["status"], "completed");
    EXPECT_EQ(evs[10].second["item"]["name"], "get_time");
    const json& r = evs[11].second["response"];
    EXPECT_EQ(r["status"], "completed");
    ASSERT_EQ(r["output"].size(), 2u);  // no message item
    EXPECT_EQ(r["output"][0]["arguments"], "{\"city\":\"Paris\"}");
    EXPECT_EQ(r["output"][1]["call_id"], "call_b");
    EXPECT_EQ(r["usage"]["output_tokens"], 20);
  }
}

TEST(ResponsesStream, TextThenToolCallClosesTheMessageFirst) {
  const std::string chat =
      chunk({{"content", "Let me look."}}) +
      chunk({{"tool_calls", json::parse(R"([{"index":0,"id":"c1","type":"function",
                                             "function":{"name":"f","arguments":"{}"}}])")}}) +
      chunk(json::object(), "tool_calls");
  const auto evs = events(convert(chat, 3));
  const auto t = types(evs);
  ASSERT_EQ(t.size(), 13u);
  EXPECT_EQ(t[4], "response.output_text.delta");
  EXPECT_EQ(t[5], "response.output_text.done");
  EXPECT_EQ(t[7], "response.output_item.done");
  EXPECT_EQ(t[8], "response.output_item.added");
  EXPECT_EQ(evs[8].second["output_index"], 1);
  const json& r = evs.back().second["response"];
  ASSERT_EQ(r["output"].size(), 2u);
  EXPECT_EQ(r["output"][0]["type"], "message");
  EXPECT_EQ(r["output"][0]["content"][0]["text"], "Let me look.");
  EXPECT_EQ(r["output"][1]["type"], "function_call");
}

TEST(ResponsesStream, LengthErrorsAndBrokenStreams) {
  {
    const auto evs =
        events(convert(chunk({{"content", "Once"}}) + chunk(json::object(), "length"), 100));
    EXPECT_EQ(evs.back().first, "response.incomplete");
    EXPECT_EQ(evs.back().second["response"]["incomplete_details"]["reason"], "max_output_tokens");
    EXPECT_EQ(evs.back().second["response"]["output"][0]["content"][0]["text"], "Once");
  }
  {  // a chat stream's mid-answer error event, then its finish "error"
    const std::string chat =
        chunk({{"content", "On"}}) +
        R"(data: {"error":{"message":"boom","type":"server_error","param":null,"code":null}})" +
        "\n\n" + chunk(json::object(), "error");
    const auto evs = events(convert(chat, 100));
    const auto t = types(evs);
    ASSERT_GE(t.size(), 3u);
    EXPECT_NE(std::find(t.begin(), t.end(), "error"), t.end());
    for (const auto& [type, d] : evs)
      if (type == "error") {
        EXPECT_EQ(d["code"], "server_error");  // a string, as the AI SDK's schema wants
        EXPECT_EQ(d["message"], "boom");
      }
    EXPECT_EQ(t.back(), "response.failed");
    EXPECT_EQ(evs.back().second["response"]["status"], "failed");
    EXPECT_EQ(evs.back().second["response"]["error"]["message"], "boom");
  }
  {  // cut off: no finish_reason, no [DONE]
    const auto evs = events(convert(chunk({{"content", "On"}}), 100));
    EXPECT_EQ(evs.back().first, "response.failed");
    EXPECT_EQ(evs[evs.size() - 2].first, "error");
  }
  {  // nothing at all still makes a well-formed (empty) answer
    const auto evs = events(convert(chunk(json::object(), "stop"), 100));
    EXPECT_EQ(evs.back().first, "response.completed");
    EXPECT_EQ(evs.back().second["response"]["output"][0]["content"][0]["text"], "");
  }
}

TEST(ResponsesStream, WholeCompletionGivesTheSameEventsAsItsChunks) {
  const json chat = json::parse(R"({"model":"alias","choices":[{"index":0,"message":{
      "role":"assistant","content":"Hi","tool_calls":[{"id":"c1","type":"function",
      "function":{"name":"f","arguments":"{\"a\":1}"}}]},"finish_reason":"tool_calls"}],
      "usage":{"prompt_tokens":2,"completion_tokens":3,"total_tokens":5}})");
  ResponsesStream s(test_shell());
  const auto evs = events(s.from_completion(chat));
  const json& r = evs.back().second["response"];
  EXPECT_EQ(evs.back().first, "response.completed");
  EXPECT_EQ(r["output"][0]["content"][0]["text"], "Hi");
  EXPECT_EQ(r["output"][1]["arguments"], "{\"a\":1}");
  EXPECT_EQ(r["usage"]["total_tokens"], 5);
}

// A chat handler scripted per test: records the chat body it received.
class ScriptedChat : public http::Service {
 public:
  std::function<void(const httplib::Request&, httplib::Response&)> answer;
  std::string last_body;
  void chat_completions(const httplib::Request& req, httplib::Response& res) override {
    last_body = req.body;
    answer(req, res);
  }
  void completions(const httplib::Request&, httplib::Response&) override {}
  void models(const httplib::Request&, httplib::Response&) override {}
};

httplib::Request responses_request(const std::string& body) {
  httplib::Request req;
  req.method = "POST";
  req.path = "/v1/responses";
  req.body = body;
  req.set_header("x-tandem-conversation", "c42");
  return req;
}

// Runs the chunked provider of `res` to its end, as httplib does.
std::string drain(httplib::Response& res) {
  std::string out;
  bool done = false;
  httplib::DataSink sink;
  sink.write = [&](const char* d, size_t n) {
    out.append(d, n);
    return true;
  };
  sink.done = [&] { done = true; };
  sink.is_writable = [] { return true; };
  for (int i = 0; i < 1000 && !done; ++i)
    if (!res.content_provider_(out.size(), 0, sink)) break;
  EXPECT_TRUE(done);
  return out;
}

TEST(ServeResponses, NonStreamedAnswerIsConverted) {
  ScriptedChat chat;
  std::string header_seen;
  chat.answer = [&](const httplib::Request& req, httplib::Response& res) {
    header_seen = req.get_header_value("x-tandem-conversation");
    res.set_header("x-tandem-route", "edge");
    res.set_content(R"({"id":"c","object":"chat.completion","model":"alias","choices":[{"index":0,
        "message":{"role":"assistant","content":"Yes."},"finish_reason":"stop"}],
        "usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}})",
                    "application/json");
  };
  httplib::Response res;
  serve_responses(chat, responses_request(R"({"input":"Hi","max_output_tokens":5})"), res);
  EXPECT_EQ(header_seen, "c42");  // the request's headers reach the chat side
  EXPECT_EQ(json::parse(chat.last_body),
            json::parse(R"({"messages":[{"role":"user","content":"Hi"}],"max_tokens":5})"));
  const json r = json::parse(res.body);
  EXPECT_EQ(r["object"], "response");
  EXPECT_EQ(r["output"][0]["content"][0]["text"], "Yes.");
  EXPECT_EQ(r["usage"]["input_tokens"], 3);
  EXPECT_EQ(res.get_header_value("Content-Type"), "application/json");
  EXPECT_EQ(res.get_header_value("x-tandem-route"), "edge");
}

TEST(ServeResponses, StreamedAnswerIsConvertedAsItArrives) {
  ScriptedChat chat;
  chat.answer = [](const httplib::Request&, httplib::Response& res) {
    auto step = std::make_shared<int>(0);
    res.set_chunked_content_provider("text/event-stream", [step](size_t, httplib::DataSink& sink) {
      const std::vector<std::string> parts = {
          chunk({{"role", "assistant"}, {"content", ""}}) + chunk({{"content", "A"}}),
          chunk({{"content", "B"}}).substr(0, 20),  // an event split across two calls
          chunk({{"content", "B"}}).substr(20) + chunk(json::object(), "stop"),
          usage_chunk(1, 2) + "data: [DONE]\n\n"};
      const std::string& p = parts[(*step)++];
      sink.write(p.data(), p.size());
      if (*step == static_cast<int>(parts.size())) sink.done();
      return true;
    });
  };
  httplib::Response res;
  serve_responses(chat, responses_request(R"({"input":"Hi","stream":true})"), res);
  const json sent = json::parse(chat.last_body);
  EXPECT_EQ(sent["stream"], true);
  EXPECT_EQ(sent["stream_options"]["include_usage"], true);
  ASSERT_TRUE(res.is_chunked_content_provider_);
  EXPECT_EQ(res.get_header_value("Content-Type"), "text/event-stream");
  const auto evs = events(drain(res));
  ASSERT_FALSE(evs.empty());
  EXPECT_EQ(evs.back().first, "response.completed");
  EXPECT_EQ(evs.back().second["response"]["output"][0]["content"][0]["text"], "AB");
  EXPECT_EQ(evs.back().second["response"]["usage"]["total_tokens"], 3);
}

TEST(ServeResponses, ChatErrorsPassThroughUnchanged) {
  ScriptedChat chat;
  chat.answer = [](const httplib::Request&, httplib::Response&) {
    throw http::ApiError(404, "the model 'x' does not exist", "invalid_request_error", "model",
                         "model_not_found");
  };
  httplib::Response res;
  try {
    serve_responses(chat, responses_request(R"({"input":"Hi","model":"x"})"), res);
    ADD_FAILURE() << "no error";
  } catch (const http::ApiError& e) {
    EXPECT_EQ(e.status, 404);
    EXPECT_EQ(e.code, "model_not_found");
  }
  // A status the chat side wrote itself (an upstream's 4xx) stays as it is.
  const std::string upstream_error =
      R"({"error":{"message":"bad","type":"invalid_request_error"}})";
  chat.answer = [&](const httplib::Request&, httplib::Response& res) {
    res.status = 422;
    res.set_content(upstream_error, "application/json");
  };
  httplib::Response res2;
  serve_responses(chat, responses_request(R"({"input":"Hi"})"), res2);
  EXPECT_EQ(res2.status, 422);
  EXPECT_EQ(res2.body, upstream_error);
  // The conversion's own 400 comes before the chat side is asked.
  chat.last_body.clear();
  try {
    serve_responses(chat, responses_request(R"({"input":"Hi","previous_response_id":"r"})"), res2);
    ADD_FAILURE() << "no error";
  } catch (const http::ApiError& e) {
    EXPECT_EQ(e.param, "previous_response_id");
  }
  EXPECT_EQ(chat.last_body, "");
}

}  // namespace
}  // namespace tandem::api
