// The trained name model (names/name_model.h): its C++ scores equal the training script's on
// fixed inputs (tests/privacy/name_model_parity.tsv, written by data/privacy/
// train_name_model.py), and the detector with it finds names the rules alone leave and keeps
// ordinary words out. The sentences here are new (none is taken from testdata/privacy).
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "privacy/detector.h"
#include "privacy/found_values.h"
#include "privacy/names/name_model.h"

namespace tandem::privacy {
namespace {

using testing::names;
using testing::V;

TEST(NameModel, ScoresEqualThePythonScript) {
  std::ifstream in(std::string(TANDEM_SOURCE_DIR) + "/tests/privacy/name_model_parity.tsv");
  ASSERT_TRUE(in) << "name_model_parity.tsv missing";
  std::string line;
  int checked = 0;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream row(line);
    std::string text, b, e, want;
    ASSERT_TRUE(std::getline(row, text, '\t') && std::getline(row, b, '\t') &&
                std::getline(row, e, '\t') && std::getline(row, want, '\t'));
    const size_t begin = std::stoul(b), end = std::stoul(e);
    bool seen = false;
    for (const NameCandidate& c : score_name_candidates(text))
      if (c.begin == begin && c.end == end) {
        EXPECT_EQ(c.score, std::stoi(want)) << text.substr(begin, end - begin) << " in " << text;
        seen = true;
      }
    EXPECT_TRUE(seen) << "no candidate " << text.substr(begin, end - begin) << " in " << text;
    ++checked;
  }
  EXPECT_GT(checked, 40);
}

TEST(NameModel, CandidatesAreEveryScriptCandidate) {
  // Every candidate the C++ side makes for the parity texts is one the script scored.
  std::ifstream in(std::string(TANDEM_SOURCE_DIR) + "/tests/privacy/name_model_parity.tsv");
  std::string line;
  std::map<std::string, size_t> per_text;
  while (std::getline(in, line))
    if (!line.empty() && line[0] != '#') ++per_text[line.substr(0, line.find('\t'))];
  for (const auto& [text, n] : per_text) EXPECT_EQ(score_name_candidates(text).size(), n) << text;
}

TEST(NameModel, FeaturesDescribeTheCandidate) {
  const std::string text = "给柏知远发";
  const auto f = name_candidate_features(text, 3, 3, 2);
  auto has = [&](const std::string& s) { return std::find(f.begin(), f.end(), s) != f.end(); };
  EXPECT_TRUE(has("s:柏"));
  EXPECT_TRUE(has("gg:知远"));
  EXPECT_TRUE(has("l1:给"));
  EXPECT_TRUE(has("r1:发"));
  EXPECT_TRUE(name_candidate_features(text, 3, 6, 1).empty());  // 柏知 is no compound surname
}

TEST(NameModel, ScoresNamesAboveWords) {
  auto score_of = [](std::string_view text, std::string_view span) {
    const size_t b = text.find(span);
    for (const NameCandidate& c : score_name_candidates(text))
      if (c.begin == b && c.end == b + span.size()) return c.score;
    return -1000000;
  };
  EXPECT_GT(score_of("下午约了蒋梓萱一起吃饭。", "蒋梓萱"), kNameModelAdd);
  EXPECT_LT(score_of("马路对面有一家超市。", "马路"), -4 * kNameModelScale);
  EXPECT_LT(score_of("黄金周去哪里玩？", "黄金"), -4 * kNameModelScale);
}

TEST(NameModel, TheDetectorFindsNamesInPlainContexts) {
  EXPECT_EQ(names("下午约了蒋梓萱一起吃饭。"), V{"蒋梓萱"});
  EXPECT_EQ(names("周六带上甘一禾去爬山。"), V{"甘一禾"});
}

TEST(NameModel, OrdinaryWordsStayWords) {
  EXPECT_TRUE(names("马路对面有一家超市。").empty());
  EXPECT_TRUE(names("黄金周去哪里玩？").empty());
  EXPECT_TRUE(names("高中的时候我很喜欢数学。").empty());
  EXPECT_TRUE(names("周末在万达广场吃了火锅。").empty());
  EXPECT_TRUE(names("订单号2024061188，金额328元。").empty());
}

TEST(NameModel, MegabyteOfSurnameCharactersStaysFast) {
  std::string text;
  while (text.size() < (1u << 20)) text += "王李张刘陈杨黄赵周吴欧阳司马";
  const auto scored = score_name_candidates(text);
  EXPECT_GT(scored.size(), text.size() / 6);
}

}  // namespace
}  // namespace tandem::privacy
