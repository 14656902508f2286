// resolve_input: previous_response_id's stored conversation goes first (chained across
// responses), item_reference items become the stored items, and unknown ids are 400s naming
// the field.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "api/responses/response_store.h"
#include "api/responses/responses_context.h"
#include "http/api_error.h"

namespace tandem::api {
namespace {

using ordered_json = nlohmann::ordered_json;

ordered_json body(const std::string& text) {
  return ordered_json::parse(text);
}

ordered_json user(const std::string& text) {
  return {{"role", "user"}, {"content", text}};
}

ordered_json answer(const std::string& id, const std::string& text) {
  return {{"id", id},
          {"type", "message"},
          {"status", "completed"},
          {"role", "assistant"},
          {"content", {{{"type", "output_text"}, {"text", text}, {"annotations", {}}}}}};
}

// Stores a response with one message item as serve_responses does: with its resolved input.
void store_turn(ResponseStore& s, const std::string& id, const ordered_json& resolved,
                const std::string& text) {
  ASSERT_TRUE(s.put({{"id", id}, {"output", {answer("msg_" + id, text)}}}, resolved));
}

// The 400 resolve_input throws: param and code ("" if it does not throw).
std::pair<std::string, std::string> rejected(const std::string& text, ResponseStore& s) {
  try {
    resolve_input(body(text), s);
  } catch (const http::ApiError& e) {
    EXPECT_EQ(e.status, 400) << e.what();
    EXPECT_NE(std::string(e.what()).find("not found"), std::string::npos) << e.what();
    return {e.param, e.code};
  }
  return {"", ""};
}

TEST(ResolveInput, WithoutStoredStateTheInputIsTheItems) {
  ResponseStore s;
  EXPECT_EQ(resolve_input(body(R"({"input":"hi"})"), s), ordered_json::array({user("hi")}));
  const char* items = R"([{"role":"user","content":"a"},{"type":"function_call_output",
                          "call_id":"c","output":"x"}])";
  EXPECT_EQ(resolve_input(body(std::string(R"({"input":)") + items + "}"), s), body(items));
  // What the conversion rejects comes back as it is.
  EXPECT_TRUE(resolve_input(body(R"({"model":"m"})"), s).is_null());
  EXPECT_EQ(resolve_input(body(R"({"input":[]})"), s), ordered_json::array());
  EXPECT_EQ(resolve_input(body(R"({"input":7})"), s), 7);
}

TEST(ResolveInput, PreviousResponsesChain) {
  ResponseStore s;
  const ordered_json turn1 = resolve_input(body(R"({"input":"first"})"), s);
  store_turn(s, "resp_1", turn1, "one");
  const ordered_json turn2 =
      resolve_input(body(R"({"input":"second","previous_response_id":"resp_1"})"), s);
  EXPECT_EQ(turn2,
            ordered_json::array({user("first"), answer("msg_resp_1", "one"), user("second")}));
  store_turn(s, "resp_2", turn2, "two");
  // The third turn sees the whole conversation through resp_2 alone.
  const ordered_json turn3 = resolve_input(
      body(R"({"input":[{"role":"user","content":"third"}],"previous_response_id":"resp_2"})"), s);
  EXPECT_EQ(turn3, ordered_json::array({user("first"), answer("msg_resp_1", "one"), user("second"),
                                        answer("msg_resp_2", "two"), user("third")}));
  // resp_1 gone: resp_2 still holds its part.
  ASSERT_TRUE(s.erase("resp_1"));
  EXPECT_EQ(resolve_input(body(R"({"input":"third","previous_response_id":"resp_2"})"), s), turn3);
}

TEST(ResolveInput, ItemReferencesBecomeTheStoredItems) {
  ResponseStore s;
  store_turn(s, "resp_1", ordered_json::array({user("q")}), "stored answer");
  const ordered_json got = resolve_input(body(R"({"input":[{"role":"user","content":"q"},
      {"type":"item_reference","id":"msg_resp_1"},{"role":"user","content":"more"}]})"),
                                         s);
  EXPECT_EQ(got,
            ordered_json::array({user("q"), answer("msg_resp_1", "stored answer"), user("more")}));
}

TEST(ResolveInput, UnknownIdsAre400sNamingTheField) {
  ResponseStore s;
  store_turn(s, "resp_1", ordered_json::array({user("q")}), "a");
  using P = std::pair<std::string, std::string>;
  EXPECT_EQ(rejected(R"({"input":"x","previous_response_id":"resp_nope"})", s),
            P("previous_response_id", "previous_response_not_found"));
  EXPECT_EQ(rejected(R"({"input":[{"role":"user","content":"a"},
                                  {"type":"item_reference","id":"msg_nope"}]})",
                     s),
            P("input[1].id", ""));
  // The right id in the wrong place is not found either.
  EXPECT_EQ(rejected(R"({"input":[{"type":"item_reference","id":"resp_1"}]})", s),
            P("input[0].id", ""));
  try {
    resolve_input(body(R"({"input":[{"type":"item_reference"}]})"), s);
    ADD_FAILURE() << "no error";
  } catch (const http::ApiError& e) {
    EXPECT_EQ(e.param, "input[0].id");
  }
  try {
    resolve_input(body(R"({"input":"x","previous_response_id":5})"), s);
    ADD_FAILURE() << "no error";
  } catch (const http::ApiError& e) {
    EXPECT_EQ(e.param, "previous_response_id");
  }
}

}  // namespace
}  // namespace tandem::api
