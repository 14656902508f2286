// What leaves for the Commander: every value found anywhere in the conversation is masked in
// every message, earlier ones included, `name` fields are masked as names, tool-call
// arguments and tool results are masked, tool definitions and key order are kept.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "dispatcher/dispatcher_service.h"
#include "privacy/masker.h"

namespace tandem::dispatcher {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

TEST(MaskedChatBody, ValuesFoundLaterAreMaskedEarlierAndNameFieldsAreNames) {
  const json body = {
      {"model", "edge"},
      {"user", "u1"},
      {"messages",
       {{{"role", "user"}, {"name", "alice_w"}, {"content", "张伟 asked me to call him"}},
        {{"role", "assistant"}, {"content", "Sure, what is 张伟's number?"}},
        {{"role", "user"},
         {"content", {{{"type", "text"}, {"text", "我叫张伟，电话 13800138000"}}}}}}}};
  privacy::Masker masker;
  const json out = masked_chat_body(body, masker, "cloud-model");
  const std::string sent = out.dump();
  EXPECT_EQ(sent.find("张伟"), std::string::npos) << sent;
  EXPECT_EQ(sent.find("alice_w"), std::string::npos) << sent;
  EXPECT_EQ(sent.find("13800138000"), std::string::npos) << sent;
  EXPECT_EQ(sent.find("u1"), std::string::npos) << sent;  // `user` never leaves
  EXPECT_EQ(out["model"], "cloud-model");
  // One placeholder per value across all messages, and the answer unmasks.
  const std::string first = out["messages"][0]["content"];
  const std::string second = out["messages"][1]["content"];
  const auto ph = first.substr(0, first.find(' '));
  EXPECT_NE(second.find(ph), std::string::npos) << second;
  EXPECT_EQ(masker.unmask(ph + " " + out["messages"][0]["name"].get<std::string>()),
            "张伟 alice_w");
}

TEST(MaskedChatBody, KeyOrderIsKept) {
  // A JSON Schema's properties are generated in the document's order: a sorted copy would
  // put "age" before "name".
  const std::string text =
      R"({"model":"m","messages":[{"role":"user","content":"hi"}],"response_format":)"
      R"({"type":"json_schema","json_schema":{"name":"c","schema":{"type":"object",)"
      R"("properties":{"name":{"type":"string"},"age":{"type":"integer"}}}}},"temperature":0})";
  privacy::Masker masker;
  const std::string sent = dump_ordered(masked_chat_body(ordered_json::parse(text), masker, ""));
  EXPECT_NE(sent.find(R"("properties":{"name":{"type":"string"},"age":)"), std::string::npos)
      << sent;
  EXPECT_LT(sent.find("\"messages\""), sent.find("\"response_format\"")) << sent;
  EXPECT_LT(sent.find("\"response_format\""), sent.find("\"temperature\"")) << sent;
}

ordered_json tool_conversation() {
  return ordered_json::parse(R"J({
    "messages": [
      {"role": "user", "content": "我叫张三,电话 13800000000。Book me a table."},
      {"role": "assistant", "content": null, "tool_calls": [
        {"id": "call_1", "type": "function", "function": {"name": "book_table",
         "arguments": "{\"guest\": \"张三\", \"phone\": 13800000000, \"mail\": \"zhang.san@example.com\"}"}}]},
      {"role": "tool", "tool_call_id": "call_1", "name": "book_table",
       "content": "Booked for zhang.san@example.com, confirmation sent to 13800000000."},
      {"role": "user", "content": "Thanks"}
    ],
    "tools": [{"type": "function", "function": {"name": "book_table",
      "description": "Book a table for the guest (phone, mail)",
      "parameters": {"type": "object", "properties": {"guest": {"type": "string"},
        "phone": {"type": "integer"}, "mail": {"type": "string"}}}}}]
  })J");
}

TEST(MaskedChatBody, ToolCallArgumentsAndToolResultsAreMasked) {
  const ordered_json body = tool_conversation();
  privacy::Masker masker;
  const ordered_json out = masked_chat_body(body, masker, "");
  const std::string sent = dump_ordered(out);
  for (const char* secret : {"张三", "13800000000", "zhang.san@example.com"})
    EXPECT_EQ(sent.find(secret), std::string::npos) << secret << " leaked: " << sent;
  // Tool definitions and function names are not private: they leave as they were.
  EXPECT_EQ(out["tools"], body["tools"]);
  EXPECT_EQ(out["messages"][2]["name"], "book_table");
  EXPECT_EQ(out["messages"][1]["tool_calls"][0]["function"]["name"], "book_table");
  // The arguments are still JSON; the number holding a phone became its placeholder; the
  // placeholders are the conversation's (the user message's), and unmask back.
  const std::string args = out["messages"][1]["tool_calls"][0]["function"]["arguments"];
  const json a = json::parse(args);
  const std::string phone = masker.placeholders().at("13800000000");
  EXPECT_EQ(a["phone"], phone) << args;
  EXPECT_EQ(a["guest"], masker.placeholders().at("张三")) << args;
  EXPECT_EQ(json::parse(masker.unmask(args))["mail"], "zhang.san@example.com");
  const std::string result = out["messages"][2]["content"];
  EXPECT_NE(result.find(phone), std::string::npos) << result;
  const std::string user = out["messages"][0]["content"];  // the same placeholder
  EXPECT_NE(user.find(phone), std::string::npos) << user;
}

TEST(MaskArguments, TextThatIsNotJsonIsMaskedAsText) {
  privacy::Masker masker;
  const std::string masked = mask_arguments("{\"phone\": \"13800000000\"", masker);  // cut off
  EXPECT_EQ(masked.find("13800000000"), std::string::npos) << masked;
  EXPECT_EQ(masker.unmask(masked), "{\"phone\": \"13800000000\"");
  // Learning only changes nothing, but the value is known from then on.
  privacy::Masker m2;
  EXPECT_EQ(mask_arguments("{\"to\": \"lily@example.com\"}", m2, /*learn_only=*/true),
            "{\"to\": \"lily@example.com\"}");
  EXPECT_EQ(m2.mask("write to lily@example.com").find("lily@"), std::string::npos);
}

TEST(MaskedCompletionBody, PromptIsMaskedUserDroppedModelSet) {
  const ordered_json body = {
      {"model", "edge"}, {"user", "u7"}, {"prompt", "x"}, {"max_tokens", 4}, {"echo", true}};
  privacy::Masker masker;
  const ordered_json out =
      masked_completion_body(body, "Call 13800000000 now", masker, "big-model");
  EXPECT_EQ(out["model"], "big-model");
  EXPECT_FALSE(out.contains("user"));
  EXPECT_EQ(out["prompt"], "Call " + masker.placeholders().at("13800000000") + " now");
  EXPECT_EQ(out["echo"], true);
  EXPECT_EQ(out["max_tokens"], 4);
}

}  // namespace
}  // namespace tandem::dispatcher
