// The labelled-corpus evaluation: parsing, scoring, and the detection goals on the corpus in
// testdata/privacy/ (a detector regression fails here).
#include "privacy/evaluation.h"

#include <gtest/gtest.h>

#include <string>

namespace tandem::privacy {
namespace {

std::string error_of(std::string_view jsonl) {
  try {
    parse_corpus(jsonl, "c.jsonl");
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

TEST(PrivacyEvaluation, ParsesCasesAndRejectsBadLines) {
  const auto c = parse_corpus(
      "{\"text\": \"call 13800138000\", \"entities\": [{\"type\": \"phone\", \"value\": "
      "\"13800138000\"}]}\n\n{\"text\": \"nothing\", \"note\": \"negative\"}\n",
      "c.jsonl");
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[0].entities.size(), 1u);
  EXPECT_EQ(c[0].entities[0].type, PiiType::kPhone);
  EXPECT_TRUE(c[1].entities.empty());
  EXPECT_NE(error_of("{\"text\": 1}").find("c.jsonl:1: expected an object"), std::string::npos);
  EXPECT_NE(error_of("\n{oops").find("c.jsonl:2: invalid JSON"), std::string::npos);
  EXPECT_NE(error_of("{\"text\": \"a\", \"entities\": [{\"type\": \"fax\", \"value\": \"a\"}]}")
                .find("unknown type 'fax'"),
            std::string::npos);
  EXPECT_NE(error_of("{\"text\": \"a\", \"entities\": [{\"type\": \"name\", \"value\": \"b\"}]}")
                .find("does not occur"),
            std::string::npos);
  EXPECT_THROW(load_corpus("/nonexistent/corpus.jsonl"), std::invalid_argument);
}

TEST(PrivacyEvaluation, CountsHitsMissesAndFalseAlarms) {
  const auto corpus = parse_corpus(
      // a hit written in another form: digits are normalised
      "{\"text\": \"电话 +86 138-0013-8000\", \"entities\": [{\"type\": \"phone\", \"value\": "
      "\"+86 138-0013-8000\"}]}\n"
      // a miss: nothing in the detector finds this name
      "{\"text\": \"张三来了\", \"entities\": [{\"type\": \"name\", \"value\": \"张三\"}]}\n"
      // a false alarm: an order number shaped like a phone number
      "{\"text\": \"订单 15820231104\"}\n",
      "c.jsonl");
  const auto r = evaluate(corpus);
  EXPECT_EQ(r.cases, 3u);
  EXPECT_EQ(r.score(PiiType::kPhone).tp, 1u);
  EXPECT_EQ(r.score(PiiType::kPhone).fp, 1u);
  EXPECT_EQ(r.score(PiiType::kName).fn, 1u);
  EXPECT_DOUBLE_EQ(r.score(PiiType::kPhone).precision(), 0.5);
  EXPECT_DOUBLE_EQ(r.score(PiiType::kName).recall(), 0.0);
  EXPECT_DOUBLE_EQ(r.score(PiiType::kEmail).f1(), 1.0);  // nothing to find, nothing found
  EXPECT_EQ(r.mistakes.size(), 2u);
  EXPECT_EQ(normalised_value(PiiType::kPhone, "１３８ 0013-8000"), "13800138000");
  EXPECT_EQ(normalised_value(PiiType::kEmail, "a＠b．com"), "a@b.com");
}

TEST(PrivacyEvaluation, ASecondMentionOfAFoundValueIsNoFalseAlarm) {
  // Labelled once, written twice: both mentions found, one hit and nothing against precision.
  // Labelled twice: two hits.
  const auto corpus = parse_corpus(
      "{\"text\": \"打13800138000，或者发短信到13800138000\", \"entities\": [{\"type\": "
      "\"phone\", \"value\": \"13800138000\"}]}\n"
      "{\"text\": \"打13900139000，或者发短信到13900139000\", \"entities\": [{\"type\": "
      "\"phone\", \"value\": \"13900139000\"}, {\"type\": \"phone\", \"value\": "
      "\"13900139000\"}]}\n",
      "c.jsonl");
  const auto r = evaluate(corpus);
  EXPECT_EQ(r.score(PiiType::kPhone).tp, 3u);
  EXPECT_EQ(r.score(PiiType::kPhone).fp, 0u);
  EXPECT_EQ(r.score(PiiType::kPhone).fn, 0u);
}

// The goals of issue 17 on the labelled corpus: recall >= 0.99 on phone/ID/card/e-mail,
// >= 0.95 on names, precision >= 0.95 on every type.
TEST(PrivacyEvaluation, CorpusMeetsTheGoals) {
  const auto corpus =
      load_corpus(std::string(TANDEM_SOURCE_DIR) + "/testdata/privacy/corpus.jsonl");
  ASSERT_GE(corpus.size(), 300u);
  const auto r = evaluate(corpus);
  std::string misses;
  for (const auto& m : r.mistakes) misses += m + "\n";
  for (PiiType t : {PiiType::kPhone, PiiType::kId, PiiType::kCard, PiiType::kEmail})
    EXPECT_GE(r.score(t).recall(), 0.99) << pii_key(t) << "\n" << misses;
  EXPECT_GE(r.score(PiiType::kName).recall(), 0.95) << misses;
  for (PiiType t : kAllPiiTypes) {
    EXPECT_GE(r.score(t).precision(), 0.95) << pii_key(t) << "\n" << misses;
    EXPECT_GT(r.score(t).tp, 0u) << pii_key(t) << " has no positives in the corpus";
  }
}

}  // namespace
}  // namespace tandem::privacy
