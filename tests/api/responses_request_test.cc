// The Responses API request -> the chat-completions body, and the 400s naming the Responses
// field for what the conversion cannot express.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "api/responses/responses_request.h"
#include "http/api_error.h"

namespace tandem::api {
namespace {

using nlohmann::ordered_json;

ordered_json body(const char* text) {
  return ordered_json::parse(text);
}

// The `param` of the 400 the conversion throws ("" if it does not throw).
std::string rejected_param(const char* text) {
  try {
    responses_to_chat(body(text));
  } catch (const http::ApiError& e) {
    EXPECT_EQ(e.status, 400) << e.what();
    return e.param;
  }
  return "";
}

TEST(ResponsesRequest, StringInputAndInstructions) {
  const auto r = responses_to_chat(body(
      R"({"model":"m","instructions":"Be brief.","input":"Hi","max_output_tokens":7,
          "temperature":0,"top_p":0.5,"seed":3,"user":"u1","store":true,"metadata":{"a":"b"}})"));
  EXPECT_EQ(r.chat["messages"], body(R"([{"role":"system","content":"Be brief."},
                                         {"role":"user","content":"Hi"}])"));
  EXPECT_EQ(r.chat["model"], "m");
  EXPECT_EQ(r.chat["max_tokens"], 7);
  EXPECT_EQ(r.chat["temperature"], 0);
  EXPECT_EQ(r.chat["top_p"], 0.5);
  EXPECT_EQ(r.chat["seed"], 3);
  EXPECT_EQ(r.chat["user"], "u1");
  EXPECT_FALSE(r.chat.contains("stream"));
  EXPECT_FALSE(r.chat.contains("max_output_tokens"));
  EXPECT_FALSE(r.stream);
  EXPECT_EQ(r.model, "m");
  // Echoed back in the response object, with OpenAI's defaults for what was left out.
  EXPECT_EQ(r.echo["metadata"], body(R"({"a":"b"})"));
  EXPECT_EQ(r.echo["max_output_tokens"], 7);
  EXPECT_EQ(r.echo["tool_choice"], "auto");
  EXPECT_EQ(r.echo["tools"], ordered_json::array());
  EXPECT_EQ(r.echo["text"], body(R"({"format":{"type":"text"}})"));
  EXPECT_EQ(r.echo["parallel_tool_calls"], true);
  EXPECT_EQ(r.echo["instructions"], "Be brief.");
  EXPECT_EQ(r.echo["store"], true);
  EXPECT_TRUE(r.store);
  EXPECT_EQ(r.previous_response_id, "");
}

// input_image parts become chat image_url parts, in order with the text around them.
TEST(ResponsesRequest, InputImagesBecomeChatImageParts) {
  const auto r = responses_to_chat(body(
      R"({"input":[{"role":"user","content":[{"type":"input_text","text":"What is this?"},
          {"type":"input_image","image_url":"data:image/png;base64,iVBO","detail":"auto"}]}]})"));
  EXPECT_EQ(r.chat["messages"],
            body(R"([{"role":"user","content":[{"type":"text","text":"What is this?"},
                      {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBO"}}]}])"));
}

TEST(ResponsesRequest, StoreDefaultsToTrueAndPreviousResponseIdIsRepeated) {
  const auto d = responses_to_chat(body(R"({"input":"x","previous_response_id":"resp_1"})"));
  EXPECT_TRUE(d.store);  // OpenAI's default
  EXPECT_EQ(d.echo["store"], true);
  EXPECT_EQ(d.previous_response_id, "resp_1");
  const auto f = responses_to_chat(body(R"({"input":"x","store":false})"));
  EXPECT_FALSE(f.store);
  EXPECT_EQ(f.echo["store"], false);
}

TEST(ResponsesRequest, MessageItemsAndTextParts) {
  const auto r = responses_to_chat(body(R"({"input":[
      {"role":"developer","content":"sys"},
      {"type":"message","role":"user","content":[{"type":"input_text","text":"a"},
                                                 {"type":"input_text","text":"b"}]},
      {"type":"message","role":"assistant","id":"msg_1",
       "content":[{"type":"output_text","text":"c","annotations":[]}]},
      {"type":"reasoning","id":"rs_1","summary":[]},
      {"role":"user","content":"d"}]})"));
  EXPECT_EQ(r.chat["messages"], body(R"([{"role":"system","content":"sys"},
                                         {"role":"user","content":"ab"},
                                         {"role":"assistant","content":"c"},
                                         {"role":"user","content":"d"}])"));
}

TEST(ResponsesRequest, FunctionCallsBecomeToolCallsAndToolMessages) {
  const auto r = responses_to_chat(body(R"({"input":[
      {"role":"user","content":"weather?"},
      {"role":"assistant","content":[{"type":"output_text","text":"Checking."}]},
      {"type":"function_call","call_id":"call_1","name":"get_weather","arguments":"{\"city\":\"Paris\"}"},
      {"type":"function_call","call_id":"call_2","name":"get_time","arguments":"{}"},
      {"type":"function_call_output","call_id":"call_1","output":"sunny"},
      {"type":"function_call_output","call_id":"call_2",
       "output":[{"type":"input_text","text":"noon"}]},
      {"type":"function_call","call_id":"call_3","name":"get_weather","arguments":"{}"}]})"));
  EXPECT_EQ(r.chat["messages"], body(R"([
      {"role":"user","content":"weather?"},
      {"role":"assistant","content":"Checking.","tool_calls":[
        {"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}},
        {"id":"call_2","type":"function","function":{"name":"get_time","arguments":"{}"}}]},
      {"role":"tool","tool_call_id":"call_1","content":"sunny"},
      {"role":"tool","tool_call_id":"call_2","content":"noon"},
      {"role":"assistant","content":null,"tool_calls":[
        {"id":"call_3","type":"function","function":{"name":"get_weather","arguments":"{}"}}]}])"));
}

TEST(ResponsesRequest, ToolsToolChoiceAndTextFormatKeepKeyOrder) {
  const auto r = responses_to_chat(body(R"({"input":"x","stream":true,
      "tools":[{"type":"function","name":"f","description":"d","strict":true,
                "parameters":{"type":"object","properties":{"z":{"type":"string"},"a":{"type":"integer"}}}}],
      "tool_choice":{"type":"function","name":"f"},"parallel_tool_calls":false,
      "text":{"format":{"type":"json_schema","name":"out","strict":true,
              "schema":{"type":"object","properties":{"zeta":{"type":"string"},"alpha":{"type":"number"}}}}}})"));
  // Ordered dumps: the properties must stay z before a, zeta before alpha.
  EXPECT_EQ(
      r.chat["tools"].dump(),
      R"([{"type":"function","function":{"name":"f","description":"d","parameters":{"type":"object","properties":{"z":{"type":"string"},"a":{"type":"integer"}}},"strict":true}}])");
  EXPECT_EQ(r.chat["tool_choice"].dump(), R"({"type":"function","function":{"name":"f"}})");
  EXPECT_EQ(r.chat["parallel_tool_calls"], false);
  EXPECT_EQ(
      r.chat["response_format"].dump(),
      R"({"type":"json_schema","json_schema":{"name":"out","schema":{"type":"object","properties":{"zeta":{"type":"string"},"alpha":{"type":"number"}}},"strict":true}})");
  EXPECT_EQ(r.chat["stream"], true);
  EXPECT_EQ(r.chat["stream_options"], body(R"({"include_usage":true})"));
  EXPECT_TRUE(r.stream);
  EXPECT_EQ(r.echo["tools"][0]["name"], "f");  // echoed in the Responses shape
  EXPECT_EQ(r.echo["tool_choice"], body(R"({"type":"function","name":"f"})"));

  for (const char* c : {"auto", "none", "required"})
    EXPECT_EQ(
        responses_to_chat(
            body((std::string(
                      R"({"input":"x","tools":[{"type":"function","name":"f"}],"tool_choice":")") +
                  c + "\"}")
                     .c_str()))
            .chat["tool_choice"],
        c);
  EXPECT_EQ(responses_to_chat(body(R"({"input":"x","text":{"format":{"type":"json_object"}}})"))
                .chat["response_format"],
            body(R"({"type":"json_object"})"));
  EXPECT_FALSE(responses_to_chat(body(R"({"input":"x","text":{"format":{"type":"text"}}})"))
                   .chat.contains("response_format"));
}

TEST(ResponsesRequest, RejectionsNameTheResponsesField) {
  EXPECT_EQ(rejected_param(R"({"input":"x","previous_response_id":5})"), "previous_response_id");
  EXPECT_EQ(rejected_param(R"({"input":"x","conversation":"conv_1"})"), "conversation");
  EXPECT_EQ(rejected_param(R"({"model":"m"})"), "input");
  EXPECT_EQ(rejected_param(R"({"input":[]})"), "input");
  EXPECT_EQ(rejected_param(R"({"input":7})"), "input");
  EXPECT_EQ(rejected_param(R"({"input":"x","tools":[{"type":"function","name":"f"},
                                                     {"type":"web_search"}]})"),
            "tools[1].type");
  EXPECT_EQ(rejected_param(R"({"input":"x","tools":[{"type":"function"}]})"), "tools[0].name");
  EXPECT_EQ(rejected_param(R"({"input":"x","tools":{}})"), "tools");
  EXPECT_EQ(rejected_param(R"({"input":[{"role":"user","content":[{"type":"input_text","text":"a"},
                                        {"type":"input_image","image_url":"http://x"}]}]})"),
            "input[0].content[1].image_url");
  EXPECT_EQ(rejected_param(R"({"input":[{"role":"user","content":[{"type":"input_image",
                                        "file_id":"file-1"}]}]})"),
            "input[0].content[0].image_url");
  EXPECT_EQ(rejected_param(R"({"input":[{"role":"user","content":[{"type":"input_file",
                                        "file_id":"file-1"}]}]})"),
            "input[0].content[0].type");
  EXPECT_EQ(
      rejected_param(
          R"({"input":[{"role":"user","content":"a"},{"type":"item_reference","id":"msg_1"}]})"),
      "input[1].id");  // one resolve_input did not replace
  EXPECT_EQ(rejected_param(
                R"({"input":[{"role":"user","content":"a"},{"type":"web_search_call","id":"w"}]})"),
            "input[1].type");
  EXPECT_EQ(rejected_param(R"({"input":[{"role":"tool","content":"a"}]})"), "input[0].role");
  EXPECT_EQ(rejected_param(R"({"input":[{"type":"function_call","name":"f","arguments":"{}"}]})"),
            "input[0].call_id");
  EXPECT_EQ(rejected_param(R"({"input":[{"type":"function_call_output","call_id":"c"}]})"),
            "input[0].output");
  EXPECT_EQ(rejected_param(R"({"input":"x","text":{"format":{"type":"xml"}}})"),
            "text.format.type");
  EXPECT_EQ(rejected_param(R"({"input":"x","text":{"format":{"type":"json_schema","name":"n"}}})"),
            "text.format.schema");
  EXPECT_EQ(rejected_param(R"({"input":"x","max_output_tokens":0})"), "max_output_tokens");
  EXPECT_EQ(rejected_param(R"({"input":"x","max_output_tokens":"5"})"), "max_output_tokens");
  EXPECT_EQ(rejected_param(R"({"input":"x","tool_choice":"sometimes"})"), "tool_choice");
  EXPECT_EQ(rejected_param(R"({"input":"x","stream":"yes"})"), "stream");
  EXPECT_EQ(rejected_param(R"({"input":"x","background":true})"), "background");
  EXPECT_EQ(rejected_param(R"({"input":"x","model":5})"), "model");
  EXPECT_EQ(rejected_param(R"({"input":"x","metadata":[]})"), "metadata");
  // Fields OpenAI has and this server does without are ignored.
  EXPECT_EQ(
      rejected_param(R"({"input":"x","truncation":"auto","include":["x"],"service_tier":"auto",
                               "reasoning":{"effort":"low"},"background":false,"store":false})"),
      "");
}

}  // namespace
}  // namespace tandem::api
