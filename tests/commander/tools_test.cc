// Tool calls on the real `tandem commander` over stories260K, a model that has never seen a
// tool: with tool_choice required or named, grammar-constrained decoding must still make
// every answer a valid call, in the generic JSON format (no template: plain transcript) and
// in the Hermes format (a Qwen2.5 template given with --chat-template). Streamed deltas must
// reassemble into the same calls as the whole answer.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "support/http_helpers.h"
#include "support/paths.h"
#include "support/server_process.h"

namespace tandem::test {
namespace {

const json kTools = json::parse(R"([
  {"type": "function", "function": {"name": "get_weather", "description": "Weather in a city",
    "parameters": {"type": "object",
      "properties": {"city": {"type": "string", "maxLength": 12},
                     "unit": {"enum": ["celsius", "fahrenheit"]}},
      "required": ["city", "unit"]}}},
  {"type": "function", "function": {"name": "add",
    "parameters": {"type": "object",
      "properties": {"a": {"type": "integer", "minimum": 0, "maximum": 99},
                     "b": {"type": "integer", "minimum": 0, "maximum": 99}},
      "required": ["a", "b"]}}}
])");

// The arguments satisfy the named tool's schema (written out for these two tools).
::testing::AssertionResult valid_call(const json& call) {
  if (!call.contains("id") || !call["id"].is_string() || call["type"] != "function")
    return ::testing::AssertionFailure() << "shape: " << call.dump();
  const std::string name = call["function"]["name"];
  const json args = json::parse(call["function"]["arguments"].get<std::string>(), nullptr, false);
  if (!args.is_object()) return ::testing::AssertionFailure() << "arguments: " << call.dump();
  if (name == "get_weather") {
    if (args.size() == 2 && args["city"].is_string() &&
        args["city"].get<std::string>().size() <= 48 &&
        (args["unit"] == "celsius" || args["unit"] == "fahrenheit"))
      return ::testing::AssertionSuccess();
  } else if (name == "add") {
    if (args.size() == 2 && args["a"].is_number_integer() && args["b"].is_number_integer() &&
        args["a"] >= 0 && args["a"] <= 99 && args["b"] >= 0 && args["b"] <= 99)
      return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure() << "invalid call: " << call.dump();
}

json request(const json& tool_choice, int seed, bool stream = false) {
  return {{"messages", {{{"role", "user"}, {"content", "What is the weather in Paris?"}}}},
          {"tools", kTools},
          {"tool_choice", tool_choice},
          {"temperature", 1.0},
          {"seed", seed},
          {"max_tokens", 300},
          {"stream", stream}};
}

// The calls a client assembles from streamed deltas (by index), and the finish reason.
json assemble(const std::string& sse, std::string& finish) {
  json calls = json::array();
  for (const std::string& d : sse_data(sse)) {
    if (d == "[DONE]") continue;
    const json c = json::parse(d);
    if (c["choices"].empty()) continue;
    const json& choice = c["choices"][0];
    if (!choice["finish_reason"].is_null()) finish = choice["finish_reason"];
    if (!choice["delta"].contains("tool_calls")) continue;
    for (const json& t : choice["delta"]["tool_calls"]) {
      const size_t i = t["index"];
      if (i == calls.size()) {
        EXPECT_TRUE(t.contains("id") && t["function"].contains("name")) << d;
        calls.push_back({{"id", t["id"]},
                         {"type", "function"},
                         {"function", {{"name", t["function"]["name"]}, {"arguments", ""}}}});
      }
      EXPECT_LT(i, calls.size()) << d;
      std::string args = calls[i]["function"]["arguments"];
      calls[i]["function"]["arguments"] = args + t["function"].value("arguments", "");
    }
  }
  return calls;
}

class Tools : public ::testing::TestWithParam<const char*> {
 protected:
  static void SetUpTestSuite() {
    generic_ = std::make_unique<ServerProcess>(
        std::vector<std::string>{"commander", "-m", stories("stories260K-f32.gguf"), "--parallel",
                                 "4", "-t", "2", "-c", "2048"});
    hermes_ = std::make_unique<ServerProcess>(std::vector<std::string>{
        "commander", "-m", stories("stories260K-f32.gguf"), "--parallel", "4", "-t", "2", "-c",
        "2048", "--chat-template",
        std::string(TANDEM_SOURCE_DIR) + "/testdata/templates/Qwen-Qwen2.5-7B-Instruct.jinja"});
  }
  static void TearDownTestSuite() {
    generic_.reset();
    hermes_.reset();
  }
  std::string url() const {
    return std::string(GetParam()) == "hermes" ? hermes_->url() : generic_->url();
  }
  static std::unique_ptr<ServerProcess> generic_, hermes_;
};
std::unique_ptr<ServerProcess> Tools::generic_, Tools::hermes_;

TEST_P(Tools, RequiredAlwaysGivesValidCallsStreamedAsTheSameDeltas) {
  for (int seed = 1; seed <= 6; ++seed) {
    json body = request("required", seed);
    body["parallel_tool_calls"] = false;  // this model never stops calling on its own
    const auto r = post(url(), "/v1/chat/completions", body);
    ASSERT_EQ(r.status, 200) << r.body;
    const json choice = r.j()["choices"][0];
    ASSERT_EQ(choice["finish_reason"], "tool_calls") << r.body;
    const json calls = choice["message"]["tool_calls"];
    ASSERT_GE(calls.size(), 1u) << r.body;
    for (const json& c : calls) EXPECT_TRUE(valid_call(c));
    EXPECT_TRUE(choice["message"]["content"].is_null()) << r.body;

    body["stream"] = true;
    const auto s = post(url(), "/v1/chat/completions", body);
    ASSERT_EQ(s.status, 200) << s.body;
    std::string finish;
    json streamed = assemble(s.body, finish);
    EXPECT_EQ(finish, "tool_calls");
    ASSERT_EQ(streamed.size(), calls.size()) << s.body;
    for (size_t i = 0; i < calls.size(); ++i) {
      EXPECT_EQ(streamed[i]["function"], calls[i]["function"]) << "seed " << seed;
      EXPECT_TRUE(valid_call(streamed[i]));
    }
  }
}

// Parallel calls: every call is valid, except the last one when max_tokens cut it.
TEST_P(Tools, ParallelCallsAreEachValid) {
  const auto r = post(url(), "/v1/chat/completions", request("required", 5));
  ASSERT_EQ(r.status, 200) << r.body;
  const json choice = r.j()["choices"][0];
  const json calls = choice["message"]["tool_calls"];
  ASSERT_GE(calls.size(), 1u) << r.body;
  const bool cut = choice["finish_reason"] == "length";
  if (!cut) EXPECT_EQ(choice["finish_reason"], "tool_calls");
  for (size_t i = 0; i + (cut ? 1 : 0) < calls.size(); ++i) EXPECT_TRUE(valid_call(calls[i]));
}

TEST_P(Tools, NamedChoiceCallsThatFunctionOnce) {
  for (int seed = 1; seed <= 4; ++seed) {
    json body = request({{"type", "function"}, {"function", {{"name", "add"}}}}, seed);
    body["parallel_tool_calls"] = false;
    const auto r = post(url(), "/v1/chat/completions", body);
    ASSERT_EQ(r.status, 200) << r.body;
    const json calls = r.j()["choices"][0]["message"]["tool_calls"];
    ASSERT_EQ(calls.size(), 1u) << r.body;
    EXPECT_EQ(calls[0]["function"]["name"], "add");
    EXPECT_TRUE(valid_call(calls[0]));
  }
}

TEST_P(Tools, FollowUpTurnWithToolResultsIsAnswered) {
  const auto first = post(url(), "/v1/chat/completions", request("required", 3));
  ASSERT_EQ(first.status, 200) << first.body;
  const json msg = first.j()["choices"][0]["message"];
  json messages = {{{"role", "user"}, {"content", "What is the weather in Paris?"}}, msg};
  for (const json& c : msg["tool_calls"])
    messages.push_back({{"role", "tool"}, {"tool_call_id", c["id"]}, {"content", "Sunny, 21 C"}});
  json body = {{"messages", messages}, {"tools", kTools}, {"max_tokens", 20}, {"seed", 1}};
  const auto r = post(url(), "/v1/chat/completions", body);
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string finish = r.j()["choices"][0]["finish_reason"];
  EXPECT_TRUE(finish == "stop" || finish == "length" || finish == "tool_calls") << r.body;
  // tool_choice none: the same conversation, never a call.
  body["tool_choice"] = "none";
  const auto none = post(url(), "/v1/chat/completions", body);
  ASSERT_EQ(none.status, 200) << none.body;
  EXPECT_FALSE(none.j()["choices"][0]["message"].contains("tool_calls")) << none.body;
}

TEST_P(Tools, MalformedToolRequestsAre400sNamingTheField) {
  struct Case {
    json patch;
    const char* param;
  };
  const Case cases[] = {
      {{{"tools", {{{"type", "function"}, {"function", {{"name", 7}}}}}}},
       "tools[0].function.name"},
      {{{"tool_choice", {{"type", "function"}, {"function", {{"name", "nope"}}}}}}, "tool_choice"},
      {{{"tool_choice", "required"}, {"response_format", {{"type", "json_object"}}}},
       "tool_choice"},
      {{{"messages",
         {{{"role", "user"}, {"content", "hi"}},
          {{"role", "tool"}, {"tool_call_id", "call_x"}, {"content", "r"}}}}},
       "messages[1].tool_call_id"},
  };
  for (const auto& c : cases) {
    json body = request("auto", 1);
    for (auto& [k, v] : c.patch.items()) body[k] = v;
    const auto r = post(url(), "/v1/chat/completions", body);
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_TRUE(is_openai_error(r.body)) << r.body;
    EXPECT_EQ(r.j()["error"]["param"], c.param) << r.body;
  }
}

INSTANTIATE_TEST_SUITE_P(Formats, Tools, ::testing::Values("generic", "hermes"));

}  // namespace
}  // namespace tandem::test
