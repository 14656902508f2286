// Structured output on the real `tandem commander` over stories260K, a model that knows no
// JSON: every sampled answer must still parse and satisfy the requested schema or grammar.
#include <gtest/gtest.h>

#include <algorithm>
#include <future>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "grammar/gbnf_parser.h"
#include "grammar/json_schema.h"
#include "grammar/matcher.h"
#include "support/http_helpers.h"
#include "support/paths.h"
#include "support/server_process.h"

namespace tandem::test {
namespace {

class StructuredOutput : public ::testing::Test {
 protected:
  // stories260K's own context (128 tokens) is too short for a prompt and a JSON answer.
  static void SetUpTestSuite() {
    server_ = std::make_unique<ServerProcess>(
        std::vector<std::string>{"commander", "-m", stories("stories260K-f32.gguf"), "--parallel",
                                 "8", "-t", "2", "-c", "512"});
  }
  static void TearDownTestSuite() { server_.reset(); }
  static std::string url() { return server_->url(); }
  static std::unique_ptr<ServerProcess> server_;
};
std::unique_ptr<ServerProcess> StructuredOutput::server_;

using nlohmann::ordered_json;

// The schema's grammar lets JSON whitespace ("\n" + up to 20 blanks) follow every token, as
// llama.cpp's does, and this model spends many tokens there (answers take 60-160 tokens).
constexpr int kMaxTokens = 256;

// Bounded lengths keep every answer short enough to complete within max_tokens. Ordered:
// the properties must come out in this order, so the request text must keep it.
const ordered_json kSchema = ordered_json::parse(R"({
  "type": "object",
  "properties": {
    "name": {"type": "string", "minLength": 1, "maxLength": 12},
    "age": {"type": "integer", "minimum": 0, "maximum": 120},
    "mood": {"enum": ["happy", "sad", "sleepy"]},
    "tags": {"type": "array", "items": {"type": "string", "maxLength": 6},
             "minItems": 1, "maxItems": 3}
  },
  "required": ["name", "age", "mood", "tags"]
})");

size_t code_points(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// The schema check, written out: exactly the four keys, each of its type and range.
::testing::AssertionResult satisfies_schema(const std::string& text) {
  const json j = json::parse(text, nullptr, false);
  if (j.is_discarded()) return ::testing::AssertionFailure() << "not JSON: " << text;
  auto fail = [&](const char* why) { return ::testing::AssertionFailure() << why << ": " << text; };
  if (!j.is_object() || j.size() != 4) return fail("not an object of 4 keys");
  if (!j.contains("name") || !j["name"].is_string()) return fail("name");
  const size_t name_len = code_points(j["name"].get<std::string>());
  if (name_len < 1 || name_len > 12) return fail("name length");
  if (!j.contains("age") || !j["age"].is_number_integer()) return fail("age");
  if (j["age"].get<int64_t>() < 0 || j["age"].get<int64_t>() > 120) return fail("age range");
  if (!j.contains("mood") || !j["mood"].is_string()) return fail("mood");
  const std::string mood = j["mood"].get<std::string>();
  if (mood != "happy" && mood != "sad" && mood != "sleepy") return fail("mood enum");
  if (!j.contains("tags") || !j["tags"].is_array()) return fail("tags");
  if (j["tags"].empty() || j["tags"].size() > 3) return fail("tags count");
  for (const auto& t : j["tags"])
    if (!t.is_string() || code_points(t.get<std::string>()) > 6) return fail("tag");
  return ::testing::AssertionSuccess();
}

ordered_json schema_chat(uint64_t seed, bool stream = false) {
  return {{"messages", {{{"role", "user"}, {"content", "Describe a character as JSON."}}}},
          {"temperature", 1.0},
          {"seed", seed},
          {"max_tokens", kMaxTokens},
          {"stream", stream},
          {"response_format",
           {{"type", "json_schema"},
            {"json_schema", {{"name", "character"}, {"strict", true}, {"schema", kSchema}}}}}};
}

struct Answer {
  std::string text;
  std::string finish;
};

Answer chat_answer(const HttpReply& r) {
  const json j = r.j();
  return {j["choices"][0]["message"]["content"].get<std::string>(),
          j["choices"][0]["finish_reason"].get<std::string>()};
}

// Content and finish reason gathered from a streamed chat answer.
Answer streamed_chat_answer(const HttpReply& r) {
  Answer a;
  for (const auto& d : sse_data(r.body)) {
    if (d == "[DONE]") break;
    const json c = json::parse(d);
    if (c["choices"].empty()) continue;
    const json& ch = c["choices"][0];
    if (ch["delta"].contains("content")) a.text += ch["delta"]["content"].get<std::string>();
    if (!ch["finish_reason"].is_null()) a.finish = ch["finish_reason"].get<std::string>();
  }
  return a;
}

TEST_F(StructuredOutput, JsonSchemaHoldsForFiftySeeds) {
  // Concurrent requests share forwards (continuous batching), each with its own matcher.
  std::vector<std::future<HttpReply>> replies;
  for (uint64_t seed = 1; seed <= 50; ++seed)
    replies.push_back(std::async(std::launch::async, [seed] {
      return post(url(), "/v1/chat/completions", schema_chat(seed).dump());
    }));
  int64_t most = 0, total = 0;
  for (size_t i = 0; i < replies.size(); ++i) {
    const HttpReply r = replies[i].get();
    ASSERT_EQ(r.status, 200) << "seed " << i + 1 << ": " << r.body;
    const Answer a = chat_answer(r);
    EXPECT_EQ(a.finish, "stop") << "seed " << i + 1 << ": " << a.text;
    EXPECT_TRUE(satisfies_schema(a.text)) << "seed " << i + 1;
    const int64_t n = r.j()["usage"]["completion_tokens"].get<int64_t>();
    most = std::max(most, n);
    total += n;
  }
  std::cout << "[ info     ] completion tokens: mean " << total / 50 << ", max " << most << " of "
            << kMaxTokens << "\n";
}

TEST_F(StructuredOutput, PropertiesFollowTheSchemasOrder) {
  const Answer a = chat_answer(post(url(), "/v1/chat/completions", schema_chat(3).dump()));
  const auto name = a.text.find("\"name\""), age = a.text.find("\"age\""),
             mood = a.text.find("\"mood\""), tags = a.text.find("\"tags\"");
  EXPECT_LT(name, age) << a.text;
  EXPECT_LT(age, mood) << a.text;
  EXPECT_LT(mood, tags) << a.text;
}

TEST_F(StructuredOutput, StreamingGivesTheSameTextAsNonStreaming) {
  for (uint64_t seed : {5, 17}) {
    const Answer plain = chat_answer(post(url(), "/v1/chat/completions", schema_chat(seed).dump()));
    const HttpReply r = post(url(), "/v1/chat/completions", schema_chat(seed, true).dump());
    ASSERT_EQ(r.status, 200) << r.body;
    const Answer streamed = streamed_chat_answer(r);
    EXPECT_EQ(streamed.text, plain.text) << "seed " << seed;
    EXPECT_EQ(streamed.finish, plain.finish);
  }
}

// A free-form object has no bound on its keys, and this model never closes one: within
// max_tokens every answer is cut ("length"). So: a stopped answer must parse as an object; a
// cut one must be a prefix of the JSON-object grammar that only needs more tokens.
TEST_F(StructuredOutput, JsonObjectGivesAnObjectOrItsPrefix) {
  const auto object_grammar = grammar::parse_gbnf_shared(grammar::json_object_gbnf());
  for (uint64_t seed = 1; seed <= 10; ++seed) {
    json body = {{"messages", {{{"role", "user"}, {"content", "Reply in JSON."}}}},
                 {"temperature", 1.0},
                 {"seed", seed},
                 {"max_tokens", 96},
                 {"response_format", {{"type", "json_object"}}}};
    const HttpReply r = post(url(), "/v1/chat/completions", body);
    ASSERT_EQ(r.status, 200) << r.body;
    const Answer a = chat_answer(r);
    ASSERT_FALSE(a.text.empty());
    EXPECT_EQ(a.text[0], '{') << "seed " << seed;
    if (a.finish == "stop") {
      const json j = json::parse(a.text, nullptr, false);
      EXPECT_TRUE(!j.is_discarded() && j.is_object()) << "seed " << seed << ": " << a.text;
    } else {
      EXPECT_EQ(a.finish, "length");
      grammar::Matcher m(object_grammar);
      EXPECT_TRUE(m.accept_bytes(a.text)) << "seed " << seed << ": " << a.text;
      EXPECT_FALSE(m.is_complete()) << "seed " << seed << ": " << a.text;
    }
  }
}

TEST_F(StructuredOutput, GbnfGrammarOnCompletions) {
  for (uint64_t seed = 1; seed <= 10; ++seed) {
    for (bool stream : {false, true}) {
      json body = {{"prompt", "Is the sun hot? The answer is"},
                   {"temperature", 1.0},
                   {"seed", seed},
                   {"max_tokens", 32},
                   {"stream", stream},
                   {"grammar", R"(root ::= ("yes" | "no") ".")"}};
      const HttpReply r = post(url(), "/v1/completions", body);
      ASSERT_EQ(r.status, 200) << r.body;
      std::string text, finish;
      if (stream) {
        for (const auto& d : sse_data(r.body)) {
          if (d == "[DONE]") break;
          const json c = json::parse(d);
          if (c["choices"].empty()) continue;
          text += c["choices"][0]["text"].get<std::string>();
          if (!c["choices"][0]["finish_reason"].is_null())
            finish = c["choices"][0]["finish_reason"].get<std::string>();
        }
      } else {
        text = r.j()["choices"][0]["text"].get<std::string>();
        finish = r.j()["choices"][0]["finish_reason"].get<std::string>();
      }
      EXPECT_TRUE(text == "yes." || text == "no.") << "seed " << seed << ": '" << text << "'";
      EXPECT_EQ(finish, "stop");
    }
  }
}

TEST_F(StructuredOutput, JsonSchemaOnCompletions) {
  ordered_json body = {
      {"prompt", "Once upon a time"},
      {"temperature", 1.0},
      {"seed", 9},
      {"max_tokens", kMaxTokens},
      {"response_format",
       {{"type", "json_schema"}, {"json_schema", {{"name", "c"}, {"schema", kSchema}}}}}};
  const HttpReply r = post(url(), "/v1/completions", body.dump());
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.j()["choices"][0]["finish_reason"], "stop");
  EXPECT_TRUE(satisfies_schema(r.j()["choices"][0]["text"].get<std::string>()));
}

TEST_F(StructuredOutput, TextResponseFormatIsUnconstrained) {
  json body = {{"messages", {{{"role", "user"}, {"content", "Hi"}}}},
               {"temperature", 0},
               {"max_tokens", 20},
               {"response_format", {{"type", "text"}}}};
  json plain = body;
  plain.erase("response_format");
  const HttpReply a = post(url(), "/v1/chat/completions", body);
  const HttpReply b = post(url(), "/v1/chat/completions", plain);
  ASSERT_EQ(a.status, 200) << a.body;
  EXPECT_EQ(chat_answer(a).text, chat_answer(b).text);
}

// Each malformed request is a 400 naming the field, on both endpoints.
TEST_F(StructuredOutput, BadRequestsAre400NamingTheField) {
  const json schema_with = [](json s) {
    return json{{"type", "json_schema"}, {"json_schema", {{"name", "x"}, {"schema", s}}}};
  }(json{{"type", "object"}, {"not", {{"type", "string"}}}});
  struct Case {
    json fields;
    std::string param;
    std::string says;  // part of the message
  };
  const std::vector<Case> cases = {
      {{{"response_format", "json"}}, "response_format", "object"},
      {{{"response_format", {{"type", "xml"}}}}, "response_format.type", "xml"},
      {{{"response_format", {{"type", "json_schema"}, {"json_schema", {{"schema", "x"}}}}}},
       "response_format.json_schema.schema",
       "object"},
      {{{"response_format", schema_with}}, "response_format.json_schema.schema", "not"},
      {{{"grammar", "root ::= (\"a\""}}, "grammar", "1:"},
      {{{"grammar", "root ::= \"a\""}, {"response_format", {{"type", "json_object"}}}},
       "grammar",
       "both"},
  };
  for (const char* endpoint : {"/v1/chat/completions", "/v1/completions"}) {
    for (const Case& c : cases) {
      json body = std::string(endpoint) == "/v1/completions"
                      ? json{{"prompt", "Hi"}}
                      : json{{"messages", {{{"role", "user"}, {"content", "Hi"}}}}};
      body.update(c.fields);
      const HttpReply r = post(url(), endpoint, body);
      ASSERT_EQ(r.status, 400) << endpoint << " " << body.dump() << " -> " << r.body;
      ASSERT_TRUE(is_openai_error(r.body)) << r.body;
      const json e = r.j()["error"];
      EXPECT_EQ(e["param"], c.param) << r.body;
      EXPECT_NE(e["message"].get<std::string>().find(c.says), std::string::npos) << r.body;
    }
  }
}

}  // namespace
}  // namespace tandem::test
