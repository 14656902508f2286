// Structured output below the server: request fields -> grammar (errors name the field),
// the vocabulary index built from a tokenizer, and GrammarProcessor's mask/accept/done.
#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "api/openai_schema.h"
#include "api/structured/grammar_processor.h"
#include "api/structured/output_constraint.h"
#include "grammar/gbnf_parser.h"
#include "grammar/matcher.h"
#include "http/api_error.h"

namespace tandem::api {
namespace {

using nlohmann::ordered_json;

// A tiny SentencePiece vocabulary: 0-2 control, the rest text pieces.
std::unique_ptr<tokenizer::Tokenizer> tiny_tokenizer() {
  tokenizer::TokenizerVocab v;
  v.model = "llama";
  v.tokens = {"<unk>",           "<s>", "</s>", "yes",   "no", ".", "y", "es",
              "\xE2\x96\x81yes", "n",   "o",    "<tool>"};
  v.types.assign(v.tokens.size(), tokenizer::TokenType::NORMAL);
  v.types[0] = tokenizer::TokenType::UNKNOWN;
  v.types[1] = v.types[2] = v.types[11] = tokenizer::TokenType::CONTROL;
  v.scores.assign(v.tokens.size(), 0.0f);
  v.unk = 0;
  v.bos = 1;
  v.eos = 2;
  return tokenizer::Tokenizer::create(std::move(v));
}

std::vector<int> allowed_ids(const GrammarProcessor& p) {
  std::vector<int> out;
  for (size_t i = 0; i < p.allowed().size(); ++i)
    if (p.allowed().test(i)) out.push_back(static_cast<int>(i));
  return out;
}

TEST(GrammarProcessor, MasksFollowTheGrammarAndEndOnlyWhenComplete) {
  const auto tok = tiny_tokenizer();
  const auto index = build_vocab_index(*tok);
  GrammarProcessor p(grammar::parse_gbnf_shared(R"(root ::= ("yes" | "no") ".")"), index);
  // No control token (its text is not output), no " yes" (leading space), no EOS yet.
  EXPECT_EQ(allowed_ids(p), (std::vector<int>{3, 4, 6, 9}));
  EXPECT_FALSE(p.done());

  std::vector<float> logits(tok->n_vocab(), 1.0f);
  p.apply(logits);
  for (int i = 0; i < tok->n_vocab(); ++i)
    EXPECT_EQ(std::isinf(logits[i]), i != 3 && i != 4 && i != 6 && i != 9) << i;

  p.accept(6);  // "y"
  EXPECT_EQ(allowed_ids(p), (std::vector<int>{7}));
  EXPECT_THROW(p.accept(5), std::logic_error);  // "." is not allowed after "y"
  p.accept(7);                                  // "es"
  EXPECT_FALSE(p.done());
  p.accept(5);                                       // "."
  EXPECT_EQ(allowed_ids(p), (std::vector<int>{2}));  // only EOS
  EXPECT_TRUE(p.done());
}

TEST(GrammarProcessor, CompleteButExtensibleIsNotDone) {
  const auto tok = tiny_tokenizer();
  GrammarProcessor p(grammar::parse_gbnf_shared(R"(root ::= "no"+)"), build_vocab_index(*tok));
  p.accept(4);
  EXPECT_FALSE(p.done());
  EXPECT_EQ(allowed_ids(p), (std::vector<int>{2, 4, 9}));  // EOS, or more "no"
}

TEST(GrammarProcessor, ExtraEndTokensCountAsEog) {
  const auto tok = tiny_tokenizer();
  const std::vector<tokenizer::TokenId> extra = {11};
  GrammarProcessor p(grammar::parse_gbnf_shared(R"(root ::= ".")"), build_vocab_index(*tok, extra));
  p.accept(5);
  EXPECT_EQ(allowed_ids(p), (std::vector<int>{2, 11}));
  EXPECT_TRUE(p.done());
}

// Decoding as the scheduler does (budget before each draw, random picks among the allowed):
// under any budget the JSON grammar of json_object closes in time and ends with an end token
// or done(), never cut off; a budget too small for the shortest answer falls back to the
// plain mask instead of leaving nothing allowed.
TEST(GrammarProcessor, ABudgetClosesTheAnswerInTime) {
  std::vector<std::string> pieces = {"{",    "}",    "[",      "]",     "\"",     ":",   ",",
                                     " ",    "\n",   "a",      "b",     "1",      "0",   "-",
                                     "true", "null", "{\"",    "\":",   "\"}",    "abc", "[{",
                                     "}]",   ", \"", "\": \"", "x y z", "      ", "</s>"};
  const int32_t eos = static_cast<int32_t>(pieces.size() - 1);
  auto index = std::make_shared<const grammar::VocabIndex>(pieces, std::vector<int32_t>{eos});
  const auto g =
      parse_output_constraint(ordered_json{{"response_format", {{"type", "json_object"}}}});
  ASSERT_NE(g, nullptr);
  std::mt19937 rng(17);
  for (int64_t max_tokens : {2, 3, 4, 6, 9, 15, 40}) {
    for (int run = 0; run < 40; ++run) {
      GrammarProcessor p(g, index);
      std::string text;
      bool ended = false;
      for (int64_t n = 0; n < max_tokens && !ended; ++n) {
        p.set_budget(max_tokens - n);
        std::vector<float> logits(pieces.size(), 0.0f);
        p.apply(logits);
        std::vector<int32_t> allowed;
        for (size_t i = 0; i < logits.size(); ++i)
          if (!std::isinf(logits[i])) allowed.push_back(static_cast<int32_t>(i));
        ASSERT_FALSE(allowed.empty());
        const int32_t id = allowed[rng() % allowed.size()];
        if (id == eos) {
          ended = true;
          break;
        }
        p.accept(id);
        text += pieces[static_cast<size_t>(id)];
        ended = p.done();
      }
      // "{}" needs 2 tokens and the end a third.
      if (max_tokens >= 3) {
        EXPECT_TRUE(grammar::matches(g, text)) << "max_tokens " << max_tokens << ": " << text;
        EXPECT_TRUE(ended) << "max_tokens " << max_tokens << ": " << text;
      }
    }
  }
}

TEST(GrammarVocab, BuildsTheIndexOnceAndSharesIt) {
  const auto tok = tiny_tokenizer();
  GrammarVocab v(*tok, {});
  EXPECT_EQ(v.index().get(), v.index().get());
  EXPECT_EQ(v.index()->size(), static_cast<size_t>(tok->n_vocab()));
  EXPECT_NE(v.processor(grammar::parse_gbnf_shared("root ::= \"y\"")), nullptr);
}

// --- request fields --------------------------------------------------------------------

std::string error_param(const ordered_json& body) {
  try {
    parse_output_constraint(body);
  } catch (const http::ApiError& e) {
    EXPECT_EQ(e.status, 400);
    return e.param;
  }
  return "(no error)";
}

TEST(OutputConstraint, TextAndAbsentMeanNoGrammar) {
  EXPECT_EQ(parse_output_constraint(ordered_json::object()), nullptr);
  EXPECT_EQ(parse_output_constraint({{"response_format", {{"type", "text"}}}}), nullptr);
  EXPECT_EQ(parse_output_constraint({{"grammar", ""}}), nullptr);
}

TEST(OutputConstraint, JsonObjectAndGbnf) {
  auto g = parse_output_constraint({{"response_format", {{"type", "json_object"}}}});
  ASSERT_NE(g, nullptr);
  EXPECT_TRUE(grammar::matches(g, R"({"a": [1, "x"]})"));
  EXPECT_FALSE(grammar::matches(g, "[1]"));
  g = parse_output_constraint({{"grammar", R"(root ::= "a" | "b")"}});
  EXPECT_TRUE(grammar::matches(g, "b"));
}

TEST(OutputConstraint, SchemaKeepsTheDocumentsPropertyOrder) {
  const auto body = parse_body_ordered(R"({"messages":[{"role":"user","content":"x"}],
    "response_format":{"type":"json_schema","json_schema":{"name":"t","strict":true,
    "schema":{"type":"object","properties":{"zeta":{"type":"integer"},"alpha":{"type":"integer"}},
    "required":["zeta","alpha"]}}}})");
  const auto ordered = parse_chat_request(body, engine::SamplerParams{});
  ASSERT_NE(ordered.gen.grammar, nullptr);
  EXPECT_TRUE(grammar::matches(ordered.gen.grammar, R"({"zeta": 1, "alpha": 2})"));
  EXPECT_FALSE(grammar::matches(ordered.gen.grammar, R"({"alpha": 2, "zeta": 1})"));
  // Through the sorted-key overload the same schema is still enforced (alphabetically).
  const auto sorted = parse_chat_request(nlohmann::json(body), engine::SamplerParams{});
  EXPECT_TRUE(grammar::matches(sorted.gen.grammar, R"({"alpha": 2, "zeta": 1})"));
}

TEST(OutputConstraint, ErrorsNameTheField) {
  EXPECT_EQ(error_param({{"response_format", "json"}}), "response_format");
  EXPECT_EQ(error_param({{"response_format", {{"type", "yaml"}}}}), "response_format.type");
  EXPECT_EQ(error_param({{"response_format", {{"type", "json_schema"}}}}),
            "response_format.json_schema");
  EXPECT_EQ(error_param(
                {{"response_format", {{"type", "json_schema"}, {"json_schema", {{"schema", 3}}}}}}),
            "response_format.json_schema.schema");
  EXPECT_EQ(error_param({{"grammar", 5}}), "grammar");
  EXPECT_EQ(
      error_param({{"grammar", "root ::= \"a\""}, {"response_format", {{"type", "json_object"}}}}),
      "grammar");
}

TEST(OutputConstraint, MessagesCarryTheLibrarysReason) {
  try {
    parse_output_constraint(
        {{"response_format",
          {{"type", "json_schema"},
           {"json_schema",
            {{"name", "x"}, {"schema", {{"type", "string"}, {"not", {{"type", "integer"}}}}}}}}}});
    FAIL() << "no error";
  } catch (const http::ApiError& e) {
    EXPECT_NE(std::string(e.what()).find("not"), std::string::npos) << e.what();
  }
  try {
    parse_output_constraint({{"grammar", "root ::= \"a\"\nfoo ::= (\"b\""}});
    FAIL() << "no error";
  } catch (const http::ApiError& e) {
    EXPECT_EQ(e.param, "grammar");
    EXPECT_NE(std::string(e.what()).find("2:"), std::string::npos) << e.what();  // line:column
  }
}

}  // namespace
}  // namespace tandem::api
