// Intent data, features, training, held-out accuracy and the model file.
#include "router/intent_classifier.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <map>

#include "router/intent_eval.h"
#include "router/intent_features.h"
#include "support/paths.h"

namespace tandem::router {
namespace {

const std::string kTsv = test::source("data/intent/intents.tsv");
const std::string kModel = test::source("data/intent/intent_model.bin");

bool has_han(const std::string& s) {
  for (size_t i = 0; i + 2 < s.size(); ++i)
    if (static_cast<unsigned char>(s[i]) >= 0xE4 && static_cast<unsigned char>(s[i]) <= 0xE9)
      return true;
  return false;
}

TEST(IntentFeatures, Utf8AwareLowerCasedPadded) {
  std::string storage;
  const auto chars = normalized_chars("Hi  你好\tX", storage);
  const std::vector<std::string_view> want = {" ", "h", "i", " ", "你", "好", " ", "x", " "};
  EXPECT_EQ(chars, want);
  const auto f = intent_features("AB你", 1, 2);
  const std::vector<std::string> want_f = {" a", "a", "ab", "b", "b你", "你", "你 "};
  EXPECT_EQ(f, want_f);
  EXPECT_TRUE(intent_features("", 1, 3).empty());
}

TEST(IntentData, AtLeast300PerClassInBothLanguages) {
  const auto rows = load_intent_tsv(kTsv);
  std::map<std::string, std::pair<int, int>> per_class;  // (chinese, english)
  for (const auto& r : rows)
    (has_han(r.text) ? per_class[r.label].first : per_class[r.label].second)++;
  ASSERT_EQ(per_class.size(), 5u);
  for (const char* c : {"chat", "coding", "math", "summarization", "other"}) {
    const auto [zh, en] = per_class[c];
    EXPECT_GE(zh + en, 300) << c;
    EXPECT_GE(zh, 120) << c;
    EXPECT_GE(en, 120) << c;
  }
}

TEST(IntentData, ParseErrorsNameTheLine) {
  EXPECT_EQ(parse_intent_tsv("# comment\n\nchat\thello\r\n", "x.tsv").size(), 1u);
  try {
    parse_intent_tsv("chat\thello\nno tab here\n", "x.tsv");
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("x.tsv:2"), std::string::npos) << e.what();
  }
  EXPECT_THROW(parse_intent_tsv("\thello\n", "x.tsv"), std::runtime_error);
  EXPECT_THROW(load_intent_tsv("/nonexistent.tsv"), std::runtime_error);
}

TEST(IntentData, SplitIsReproducible) {
  const auto rows = load_intent_tsv(kTsv);
  const auto a = split_holdout(rows, 0.2, 1), b = split_holdout(rows, 0.2, 1),
             c = split_holdout(rows, 0.2, 2);
  ASSERT_EQ(a.test.size(), static_cast<size_t>(std::llround(0.2 * rows.size())));
  EXPECT_EQ(a.train.size() + a.test.size(), rows.size());
  EXPECT_EQ(a.test.front().text, b.test.front().text);
  EXPECT_EQ(a.test.back().text, b.test.back().text);
  EXPECT_NE(a.test.front().text + a.test.back().text, c.test.front().text + c.test.back().text);
  EXPECT_THROW(split_holdout(rows, 1.0, 1), std::invalid_argument);
}

TEST(IntentClassifier, HeldOutAccuracyAtLeast90Percent) {
  const auto split = split_holdout(load_intent_tsv(kTsv), 0.2, 1);
  const auto model = IntentClassifier::train(split.train);
  const auto eval = evaluate(model, split.test);
  std::cout << eval.report();
  EXPECT_GE(eval.accuracy(), 0.90);
  for (const auto& c : eval.classes) {
    EXPECT_GE(c.precision(), 0.75) << c.label;
    EXPECT_GE(c.recall(), 0.75) << c.label;
  }
}

TEST(IntentClassifier, ScoresAreProbabilitiesOverAllClasses) {
  const auto model = IntentClassifier::load(kModel);
  const auto r = model.classify("Write a Python function to merge two sorted lists");
  EXPECT_EQ(r.label, "coding");
  ASSERT_EQ(r.scores.size(), 5u);
  double sum = 0;
  for (const auto& s : r.scores) {
    EXPECT_GE(s.probability, 0.0);
    sum += s.probability;
  }
  EXPECT_NEAR(sum, 1.0, 1e-9);
}

TEST(IntentClassifier, CommittedModelClassifiesUnseenRequests) {
  const auto model = IntentClassifier::load(kModel);
  EXPECT_EQ(model.classes(),
            (std::vector<std::string>{"chat", "coding", "math", "other", "summarization"}));
  EXPECT_EQ(model.classify("帮我用Java写一个读取CSV文件的程序").label, "coding");
  EXPECT_EQ(model.classify("Solve the equation 5x - 2 = 18").label, "math");
  EXPECT_EQ(model.classify("求函数y = 3x^2 + 2x的导数").label, "math");
  EXPECT_EQ(model.classify("Please summarize this article about renewable energy").label,
            "summarization");
  EXPECT_EQ(model.classify("请总结一下这份会议纪要").label, "summarization");
  EXPECT_EQ(model.classify("Tell me a story about a little dog who finds a friend").label, "chat");
  EXPECT_EQ(model.classify("你好,今天心情怎么样?").label, "chat");
  EXPECT_EQ(model.classify("Translate 'good night' into Spanish").label, "other");
}

TEST(IntentClassifier, SaveLoadRoundTripGivesSamePredictions) {
  const auto rows = load_intent_tsv(kTsv);
  const auto model = IntentClassifier::train(rows);
  const auto path = std::filesystem::temp_directory_path() / "tandem_intent_roundtrip.bin";
  model.save(path.string());
  const auto loaded = IntentClassifier::load(path.string());
  std::filesystem::remove(path);
  EXPECT_EQ(loaded.serialize(), model.serialize());
  for (size_t i = 0; i < rows.size(); i += 37) {
    const auto a = model.classify(rows[i].text), b = loaded.classify(rows[i].text);
    EXPECT_EQ(a.label, b.label);
    EXPECT_DOUBLE_EQ(a.scores[0].probability, b.scores[0].probability);
  }
}

std::string load_error(const std::string& text) {
  try {
    IntentClassifier::parse(text, "m.bin");
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

TEST(IntentClassifier, InvalidModelFilesGiveClearErrors) {
  const std::string good =
      IntentClassifier::train(std::vector<IntentExample>{{"a", "hello there"}, {"b", "x = y + 1"}})
          .serialize();
  EXPECT_NO_THROW(IntentClassifier::parse(good, "m.bin"));
  EXPECT_NE(load_error("GGUF\n").find("not a Tandem intent model"), std::string::npos);
  EXPECT_NE(load_error("tandem-intent-model 9\n").find("unsupported version 9"), std::string::npos);
  EXPECT_NE(load_error(good.substr(0, good.size() / 2)).find("m.bin:"), std::string::npos);
  EXPECT_NE(load_error(good.substr(0, good.size() - 4)).find("truncated"), std::string::npos);
  std::string bad_count = good;
  bad_count.replace(bad_count.find("classes 2"), 9, "classes 3");
  EXPECT_NE(load_error(bad_count).find("class count"), std::string::npos);
  std::string bad_num = good;
  bad_num.replace(bad_num.find("alpha "), 6, "alpha x");
  EXPECT_NE(load_error(bad_num).find("m.bin:3"), std::string::npos);
  EXPECT_THROW(IntentClassifier::load("/nonexistent/model.bin"), std::runtime_error);
  EXPECT_THROW(IntentClassifier::train(std::vector<IntentExample>{}), std::invalid_argument);
}

}  // namespace
}  // namespace tandem::router
