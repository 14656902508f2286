// Tools below the server: request validation (400s name the field), the forced-call grammar
// per family, and tool calls recognised in streamed text — fed in every split, so a call
// cut anywhere by token boundaries comes out the same.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "api/chat_output.h"
#include "api/openai_schema.h"
#include "api/tools/tool_call_stream.h"
#include "api/tools/tool_format.h"
#include "api/tools/tool_grammar.h"
#include "grammar/matcher.h"
#include "http/api_error.h"

namespace tandem::api {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

const ordered_json kWeather = ordered_json::parse(R"({
  "type": "function",
  "function": {"name": "get_weather", "description": "Weather in a city",
    "parameters": {"type": "object",
      "properties": {"city": {"type": "string"}, "days": {"type": "integer"}},
      "required": ["city"]}}})");

ordered_json chat_body(ordered_json extra) {
  ordered_json b = {{"messages", {{{"role", "user"}, {"content", "hi"}}}}, {"tools", {kWeather}}};
  for (auto& [k, v] : extra.items()) b[k] = v;
  return b;
}

std::string error_param(const ordered_json& body) {
  try {
    parse_chat_request(body, {});
  } catch (const http::ApiError& e) {
    EXPECT_EQ(e.status, 400);
    return e.param;
  }
  return "(accepted)";
}

TEST(ToolRequest, ParsesToolsAndChoices) {
  auto r = parse_chat_request(chat_body({{"tool_choice", "required"}}), {});
  ASSERT_EQ(r.tools.names, std::vector<std::string>{"get_weather"});
  EXPECT_TRUE(r.tools.forced());
  r = parse_chat_request(
      chat_body({{"tool_choice", {{"type", "function"}, {"function", {{"name", "get_weather"}}}}},
                 {"parallel_tool_calls", false}}),
      {});
  EXPECT_EQ(r.tools.choice, ToolChoiceMode::kNamed);
  EXPECT_EQ(r.tools.forced_name, "get_weather");
  EXPECT_FALSE(r.tools.parallel);
  r = parse_chat_request(chat_body({{"tool_choice", "none"}}), {});
  EXPECT_FALSE(r.tools.active());
}

TEST(ToolRequest, MalformedToolsAre400sNamingTheField) {
  EXPECT_EQ(error_param(chat_body({{"tools", "x"}})), "tools");
  EXPECT_EQ(error_param(chat_body({{"tools", {{{"type", "retrieval"}}}}})), "tools[0].type");
  EXPECT_EQ(error_param(
                chat_body({{"tools", {{{"type", "function"}, {"function", {{"name", "a b"}}}}}}})),
            "tools[0].function.name");
  EXPECT_EQ(
      error_param(chat_body(
          {{"tools", {{{"type", "function"}, {"function", {{"name", "f"}, {"parameters", 3}}}}}}})),
      "tools[0].function.parameters");
  EXPECT_EQ(error_param(chat_body({{"tools", {kWeather, kWeather}}})), "tools[1].function.name");
  EXPECT_EQ(error_param(chat_body({{"tool_choice", "sometimes"}})), "tool_choice");
  EXPECT_EQ(error_param(chat_body(
                {{"tool_choice", {{"type", "function"}, {"function", {{"name", "nope"}}}}}})),
            "tool_choice");
  EXPECT_EQ(error_param(chat_body({{"parallel_tool_calls", "yes"}})), "parallel_tool_calls");
}

TEST(ToolRequest, ToolMessagesMustAnswerAnEarlierCall) {
  const ordered_json call = {
      {"id", "call_1"},
      {"type", "function"},
      {"function", {{"name", "get_weather"}, {"arguments", "{\"city\":\"Paris\"}"}}}};
  ordered_json msgs = {{{"role", "user"}, {"content", "weather?"}},
                       {{"role", "assistant"}, {"content", nullptr}, {"tool_calls", {call}}},
                       {{"role", "tool"}, {"tool_call_id", "call_1"}, {"content", "21C"}}};
  auto r = parse_chat_request(chat_body({{"messages", msgs}}), {});
  ASSERT_EQ(r.messages.size(), 3u);
  EXPECT_TRUE(r.messages[1].null_content);
  EXPECT_EQ(r.messages[1].tool_calls[0].arguments, "{\"city\":\"Paris\"}");
  EXPECT_EQ(r.messages[2].name, "get_weather");  // filled from the call it answers

  msgs[2]["tool_call_id"] = "call_9";
  EXPECT_EQ(error_param(chat_body({{"messages", msgs}})), "messages[2].tool_call_id");
  msgs[2].erase("tool_call_id");
  EXPECT_EQ(error_param(chat_body({{"messages", msgs}})), "messages[2].tool_call_id");
  msgs[1]["tool_calls"] = {{{"function", {{"name", "f"}}}}};
  EXPECT_EQ(error_param(chat_body({{"messages", msgs}})), "messages[1].tool_calls[0].id");
}

TEST(ToolGrammar, ForcedCallsFollowEachFamilysFraming) {
  auto spec = parse_tools(chat_body({{"tool_choice", "required"}}));
  struct Case {
    ToolFormat f;
    std::string good, bad;
  };
  const Case cases[] = {
      {ToolFormat::kHermes,
       "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"P\"}}\n</tool_call>",
       "<tool_call>\n{\"name\": \"other\", \"arguments\": {\"city\": \"P\"}}\n</tool_call>"},
      {ToolFormat::kLlama3,
       "{\"name\": \"get_weather\", \"parameters\": {\"city\": \"P\", \"days\": 2}}",
       "{\"name\": \"get_weather\", \"parameters\": {\"days\": 2}}"},
      {ToolFormat::kMistral,
       "[TOOL_CALLS][{\"name\": \"get_weather\", \"arguments\": {\"city\": \"P\"}}]",
       "[{\"name\": \"get_weather\", \"arguments\": {\"city\": \"P\"}}]"},
      {ToolFormat::kGeneric,
       "{\"tool_calls\": [{\"name\": \"get_weather\", \"arguments\": {\"city\": \"P\"}}]}",
       "{\"tool_calls\": []}"},
  };
  for (const auto& c : cases) {
    grammar::Matcher m(forced_tool_call_grammar(c.f, spec));
    EXPECT_TRUE(m.accept_bytes(c.good) && m.is_complete())
        << tool_format_name(c.f) << ": " << c.good;
    grammar::Matcher bad(forced_tool_call_grammar(c.f, spec));
    EXPECT_FALSE(bad.accept_bytes(c.bad) && bad.is_complete()) << tool_format_name(c.f);
  }
  // Compact: no newline-and-indent runs for a small model to fill.
  grammar::Matcher spaced(forced_tool_call_grammar(ToolFormat::kGeneric, spec));
  EXPECT_FALSE(spaced.accept_bytes("{\"tool_calls\":\n    [") && spaced.is_valid_prefix());
  spec.parallel = false;
  grammar::Matcher one(forced_tool_call_grammar(ToolFormat::kGeneric, spec));
  const std::string two =
      "{\"tool_calls\": [{\"name\": \"get_weather\", \"arguments\": {\"city\": \"P\"}}, "
      "{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Q\"}}]}";
  EXPECT_FALSE(one.accept_bytes(two) && one.is_complete());
}

TEST(ToolGrammar, UnsupportedParameterSchemaNamesTheTool) {
  ordered_json body = chat_body({{"tool_choice", "required"}});
  body["tools"][0]["function"]["parameters"]["properties"]["city"]["patternProperties"] = 1;
  const auto r = parse_chat_request(body, {});
  try {
    answer_grammar(r, ToolFormat::kGeneric);
    FAIL() << "accepted";
  } catch (const http::ApiError& e) {
    EXPECT_EQ(e.param, "tools[0].function.parameters");
    EXPECT_NE(std::string(e.what()).find("patternProperties"), std::string::npos) << e.what();
  }
}

// Feeds `text` in pieces of `step` bytes and gathers what a client would assemble.
struct Assembled {
  std::string content;
  std::vector<std::string> names, args;
  int headers = 0;
};

Assembled run(ToolFormat f, const std::string& text, size_t step) {
  ToolCallStream s(f);
  Assembled a;
  auto take = [&](const ToolEvents& ev) {
    a.content += ev.content;
    for (const auto& d : ev.calls) {
      if (d.header) {
        ++a.headers;
        EXPECT_EQ(d.index, static_cast<int>(a.names.size()));
        EXPECT_TRUE(d.id.starts_with("call_"));
        a.names.push_back(d.name);
        a.args.push_back("");
      }
      EXPECT_EQ(d.index + 1, static_cast<int>(a.args.size()));
      a.args[d.index] += d.arguments;
    }
  };
  for (size_t i = 0; i < text.size(); i += step) take(s.push(text.substr(i, step)));
  take(s.finish());
  EXPECT_EQ(s.calls().size(), a.names.size());
  for (size_t i = 0; i < s.calls().size(); ++i) EXPECT_EQ(s.calls()[i].arguments, a.args[i]);
  return a;
}

TEST(ToolCallStream, RecognisesEachFamilyInAnySplit) {
  struct Case {
    ToolFormat f;
    std::string text, content;
    std::vector<std::string> names, args;
  };
  const Case cases[] = {
      {ToolFormat::kHermes,
       "Let me check.\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": "
       "\"Pa}ris\"}}\n</tool_call>\n"
       "<tool_call>\n{\"name\": \"search\", \"arguments\": {\"q\": [1, {\"a\": "
       "\"\\\"\"}]}}\n</tool_call>",
       "Let me check.",
       {"get_weather", "search"},
       {"{\"city\": \"Pa}ris\"}", "{\"q\": [1, {\"a\": \"\\\"\"}]}"}},
      {ToolFormat::kLlama3,
       "<|python_tag|>{\"name\": \"get_weather\", \"parameters\": {\"city\": \"P\"}}",
       "",
       {"get_weather"},
       {"{\"city\": \"P\"}"}},
      {ToolFormat::kMistral,
       "[TOOL_CALLS][{\"name\": \"a\", \"arguments\": {}}, {\"arguments\": {\"x\": 1}, \"name\": "
       "\"b\"}]",
       "",
       {"a", "b"},
       {"{}", "{\"x\": 1}"}},
      {ToolFormat::kGeneric,
       "{\"tool_calls\": [{\"name\": \"f\", \"arguments\": {\"k\": \"v\"}}]}",
       "",
       {"f"},
       {"{\"k\": \"v\"}"}},
      {ToolFormat::kGeneric, "{\"answer\": 42}", "{\"answer\": 42}", {}, {}},
      {ToolFormat::kGeneric, "Just text {not json", "Just text {not json", {}, {}},
      {ToolFormat::kHermes, "a <tool_ca b", "a <tool_ca b", {}, {}},
  };
  for (const auto& c : cases) {
    for (size_t step : {1u, 2u, 3u, 7u, 1000u}) {
      const Assembled a = run(c.f, c.text, step);
      EXPECT_EQ(a.content, c.content)
          << tool_format_name(c.f) << " step " << step << ": " << c.text;
      EXPECT_EQ(a.names, c.names) << c.text;
      EXPECT_EQ(a.args, c.args) << c.text;
    }
  }
}

TEST(ChatOutput, MessageAndFinishReasonCarryTheCalls) {
  ToolSpec spec = parse_tools(chat_body({}));
  ChatOutput out(spec, ToolFormat::kGeneric, false);
  out.push({"{\"tool_calls\": [{\"name\": \"get_weather\", ", ""});
  out.push({"\"arguments\": {\"city\": \"Oslo\"}}]}", ""});
  out.finish();
  const json msg = out.message();
  EXPECT_TRUE(msg["content"].is_null());
  ASSERT_EQ(msg["tool_calls"].size(), 1u);
  EXPECT_EQ(msg["tool_calls"][0]["function"]["name"], "get_weather");
  EXPECT_EQ(json::parse(msg["tool_calls"][0]["function"]["arguments"].get<std::string>()),
            json({{"city", "Oslo"}}));
  EXPECT_STREQ(out.finish_reason(serving::FinishReason::kStop), "tool_calls");

  spec.choice = ToolChoiceMode::kNone;  // no tools offered: JSON-looking text stays content
  ChatOutput plain(spec, ToolFormat::kGeneric, false);
  plain.push({"{\"tool_calls\": []}", ""});
  plain.finish();
  EXPECT_EQ(plain.message()["content"], "{\"tool_calls\": []}");
  EXPECT_STREQ(plain.finish_reason(serving::FinishReason::kStop), "stop");
}

TEST(ToolFormat, RecognisedFromTheTemplateSource) {
  auto jinja = [](const char* src) {
    return templates::ChatTemplate::from_jinja(src, "", "</s>", false, "test");
  };
  EXPECT_EQ(tool_format_for(
                jinja("{% for t in tools %}<tool_call>{{ m.tool_calls }}<|im_start|>{% endfor %}")),
            ToolFormat::kHermes);
  EXPECT_EQ(tool_format_for(jinja("{{ tools }}[TOOL_CALLS]{{ m.tool_calls }}[INST]")),
            ToolFormat::kMistral);
  EXPECT_EQ(tool_format_for(jinja("{{ tools }}{{ m.tool_calls }}<|start_header_id|>")),
            ToolFormat::kLlama3);
  EXPECT_EQ(tool_format_for(jinja("<|im_start|>{{ m.content }}")), ToolFormat::kGeneric);
}

TEST(ToolPrompt, TemplatesWithoutToolsGetTheGenericInstructions) {
  const auto t = *templates::ChatTemplate::by_name("chatml");
  ToolSpec spec = parse_tools(chat_body({}));
  std::vector<templates::ChatMessage> msgs = {{"user", "weather?"}};
  msgs.push_back({"assistant", "", {{"call_1", "get_weather", "{\"city\":\"P\"}"}}});
  msgs.push_back({"tool", "21C", {}, "call_1", "get_weather"});
  templates::ChatRenderOptions ro;
  prepare_tool_prompt(t, spec, msgs, ro);
  ASSERT_EQ(msgs.size(), 4u);
  EXPECT_EQ(msgs[0].role, "system");
  EXPECT_NE(msgs[0].content.find("get_weather"), std::string::npos);
  EXPECT_EQ(msgs[2].content, R"({"tool_calls":[{"name":"get_weather","arguments":{"city":"P"}}]})");
  EXPECT_EQ(msgs[3].role, "user");
  EXPECT_TRUE(ro.tools.is_null());
}

}  // namespace
}  // namespace tandem::api
