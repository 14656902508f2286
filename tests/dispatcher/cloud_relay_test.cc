// The Commander's streamed answer through the privacy boundary, event by event: placeholders
// split across events (content, tool-call arguments per index, completion text) come out as
// the real values, held-back text is released before the finish, and our model id replaces
// the Commander's.
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>

#include "dispatcher/cloud/cloud_relay.h"
#include "privacy/masker.h"

namespace tandem::dispatcher {
namespace {

using nlohmann::json;

std::string chat_event(const json& delta, const json& finish = nullptr) {
  json j = {
      {"id", "up-9"},
      {"object", "chat.completion.chunk"},
      {"created", 5},
      {"model", "big"},
      {"choices", json::array({{{"index", 0}, {"delta", delta}, {"finish_reason", finish}}})}};
  return "data: " + j.dump();
}

// The data payloads of the relayed events, parsed.
std::vector<json> events(const std::string& sse) {
  std::vector<json> out;
  for (size_t pos = 0, end; pos < sse.size(); pos = end + 2) {
    end = sse.find("\n\n", pos);
    if (end == std::string::npos) break;
    EXPECT_EQ(sse.compare(pos, 6, "data: "), 0) << sse;
    out.push_back(json::parse(sse.substr(pos + 6, end - pos - 6)));
  }
  return out;
}

privacy::Masker phone_masker() {
  privacy::Masker m;
  EXPECT_EQ(m.mask("我叫张三,电话 13800000000"), "我叫<NAME_1>,电话 <PHONE_1>");
  return m;
}

TEST(CloudRelay, ToolCallArgumentsSplitAcrossEventsAreUnmaskedPerIndex) {
  const privacy::Masker masker = phone_masker();
  CloudRelay relay(AnswerKind::kChat, masker, "edge-alias", false);
  std::string out;
  out += relay.relay(chat_event({{"role", "assistant"}, {"content", nullptr}}));
  out += relay.relay(chat_event({{"tool_calls",
                                  {{{"index", 0},
                                    {"id", "call_1"},
                                    {"type", "function"},
                                    {"function", {{"name", "dial"}, {"arguments", ""}}}}}}}));
  out += relay.relay(
      chat_event({{"tool_calls",
                   {{{"index", 1},
                     {"id", "call_2"},
                     {"type", "function"},
                     {"function", {{"name", "greet"}, {"arguments", "{\"who\":\"<NAM"}}}}}}}));
  for (const char* piece : {"{\"number\":\"<PH", "ONE_", "1>\"}"})
    out += relay.relay(
        chat_event({{"tool_calls", {{{"index", 0}, {"function", {{"arguments", piece}}}}}}}));
  // Index 1 ends on a placeholder prefix only the finish releases... and completes it.
  out += relay.relay(
      chat_event({{"tool_calls", {{{"index", 1}, {"function", {{"arguments", "E_1>\"}"}}}}}}}));
  out += relay.relay(chat_event(json::object(), "tool_calls"));
  out += relay.relay("data: [DONE]");
  EXPECT_TRUE(relay.done_seen());
  EXPECT_TRUE(relay.finished());
  EXPECT_TRUE(relay.in_tool_call());

  std::map<int64_t, std::string> args;
  std::string finish;
  for (const json& e : events(out)) {
    EXPECT_EQ(e["model"], "edge-alias");
    EXPECT_EQ(e["id"], "up-9");
    const json& c = e["choices"][0];
    if (!c["finish_reason"].is_null()) finish = c["finish_reason"];
    if (c["delta"].contains("tool_calls"))
      for (const json& t : c["delta"]["tool_calls"])
        args[t["index"].get<int64_t>()] += t["function"]["arguments"].get<std::string>();
  }
  EXPECT_EQ(args[0], "{\"number\":\"13800000000\"}");
  EXPECT_EQ(args[1], "{\"who\":\"张三\"}");
  EXPECT_EQ(finish, "tool_calls");
  EXPECT_EQ(out.find("PHONE"), std::string::npos) << out;
}

TEST(CloudRelay, HeldBackContentIsReleasedBeforeTheFinishAndOnABreak) {
  const privacy::Masker masker = phone_masker();
  {
    CloudRelay relay(AnswerKind::kChat, masker, "a", false);
    std::string out = relay.relay(chat_event({{"content", "Call <PHONE_1> or <"}}));
    out += relay.relay(chat_event(json::object(), "stop"));  // "<" was held back
    std::string text, finish;
    for (const json& e : events(out)) {
      const json& c = e["choices"][0];
      if (c["delta"].contains("content")) text += c["delta"]["content"].get<std::string>();
      if (!c["finish_reason"].is_null()) {
        finish = c["finish_reason"];
        EXPECT_EQ(text, "Call 13800000000 or <") << "released before the finish chunk";
      }
    }
    EXPECT_EQ(finish, "stop");
    EXPECT_EQ(relay.received(), "Call 13800000000 or <");
  }
  {
    CloudRelay relay(AnswerKind::kChat, masker, "a", false);
    std::string out = relay.relay(chat_event({{"content", "Hi <PHO"}}));
    EXPECT_EQ(relay.received(), "Hi ");
    EXPECT_EQ(relay.n_text_events(), 1);
    out += relay.flush();  // the Commander broke off
    EXPECT_EQ(relay.received(), "Hi <PHO");
    EXPECT_FALSE(relay.finished());
    EXPECT_FALSE(relay.in_tool_call());
  }
}

TEST(CloudRelay, CompletionTextAndTheEchoAreUnmasked) {
  const privacy::Masker masker = phone_masker();
  CloudRelay relay(AnswerKind::kCompletion, masker, "a", /*echo=*/true);
  auto ev = [](const std::string& text, const json& finish = nullptr) {
    json j = {{"id", "c-1"},
              {"object", "text_completion"},
              {"model", "big"},
              {"choices", {{{"index", 0}, {"text", text}, {"finish_reason", finish}}}}};
    return "data: " + j.dump();
  };
  std::string out = relay.relay(ev("dial <PHONE_1>:"));  // the echo, whole
  for (const char* piece : {" ok <NA", "ME_1", ">!"}) out += relay.relay(ev(piece));
  out += relay.relay(ev("", "length"));
  std::string text;
  for (const json& e : events(out)) text += e["choices"][0]["text"].get<std::string>();
  EXPECT_EQ(text, "dial 13800000000: ok 张三!");
  EXPECT_EQ(relay.received(), " ok 张三!");  // the generated text, not the echo
}

TEST(CloudRelay, ErrorEventsAreUnmasked) {
  const privacy::Masker masker = phone_masker();
  CloudRelay relay(AnswerKind::kChat, masker, "a", false);
  const auto out = events(relay.relay(R"(data: {"error":{"message":"cannot call <PHONE_1>"}})"));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0]["error"]["message"], "cannot call 13800000000");
}

TEST(UnmaskAnswer, EveryTextFieldOfAWholeAnswer) {
  const privacy::Masker masker = phone_masker();
  auto j = nlohmann::ordered_json::parse(R"({"id":"x","model":"big","choices":[{"index":0,
    "message":{"role":"assistant","content":"Calling <NAME_1>","tool_calls":[{"id":"c",
    "type":"function","function":{"name":"dial","arguments":"{\"n\":\"<PHONE_1>\"}"}}]},
    "finish_reason":"tool_calls"}]})");
  unmask_answer(j, AnswerKind::kChat, masker, "edge");
  EXPECT_EQ(j["model"], "edge");
  EXPECT_EQ(j["choices"][0]["message"]["content"], "Calling 张三");
  EXPECT_EQ(j["choices"][0]["message"]["tool_calls"][0]["function"]["arguments"],
            "{\"n\":\"13800000000\"}");
  EXPECT_EQ(j["choices"][0]["message"]["tool_calls"][0]["function"]["name"], "dial");
}

}  // namespace
}  // namespace tandem::dispatcher
