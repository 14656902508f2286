// Prompt compression with the edge model's real surprisal (stories260K): whole words dropped,
// placeholders and code fences untouched, the budget kept, special tokens kept, and the
// surprisal rule ahead of random dropping on real pairs (compress/evaluation.h).
#include "compress/compressor.h"

#include <gtest/gtest.h>

#include <set>
#include <sstream>

#include "compress/evaluation.h"
#include "compress/surprisal.h"
#include "engine/model.h"
#include "support/paths.h"

namespace tandem::compress {
namespace {

const engine::Model& edge() {
  static const auto m = engine::Model::load(test::stories("stories260K-f32.gguf"));
  return *m;
}

std::vector<float> surprisal_of(const std::vector<tokenizer::TokenId>& ids) {
  engine::Transformer tf(edge(), 1);
  auto cache = tf.make_cache(512);
  return token_surprisal(tf, cache, ids, edge().tokenizer().bos());
}

std::vector<std::string> words(const std::string& s) {
  std::istringstream in(s);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

const std::string kStory =
    "Once upon a time, there was a little girl named Lily. She loved to play outside in the "
    "park with her red ball. One day, she saw a big dog near the old tree. The dog wanted to "
    "play too, so Lily threw the ball and the dog ran after it. They became good friends.";

TEST(Compressor, SurprisalMatchesAPrefillOfBosAndThePrompt) {
  const auto& tok = edge().tokenizer();
  const auto ids = tok.encode("Once upon a time", false, false);
  const auto s = surprisal_of(ids);
  ASSERT_EQ(s.size(), ids.size());
  for (float x : s) EXPECT_GT(x, 0.0f);
  // Windows: a context of 3 scores the prompt in windows of 2 tokens, each after BOS.
  engine::Transformer tf(edge(), 1);
  auto small = tf.make_cache(3);
  const auto w = token_surprisal(tf, small, ids, tok.bos());
  ASSERT_EQ(w.size(), ids.size());
  EXPECT_NEAR(w[0], s[0], 1e-3);
  EXPECT_NEAR(w[1], s[1], 1e-3);
}

TEST(Compressor, DropsWholeWordsAndKeepsTheBudget) {
  const auto& tok = edge().tokenizer();
  const auto ids = tok.encode(kStory, false, false);
  const auto s = surprisal_of(ids);
  const auto original = words(kStory);
  const std::multiset<std::string> pool(original.begin(), original.end());
  for (double keep : {0.3, 0.5, 0.7}) {
    CompressOptions o;
    o.keep = keep;
    const auto c = compress(tok, ids, s, o);
    const int64_t target = budget(static_cast<int64_t>(ids.size()), keep);
    EXPECT_EQ(c.tokens_before, static_cast<int64_t>(ids.size()));
    EXPECT_LE(c.tokens_after, target) << keep;
    EXPECT_GE(c.tokens_after, target - 6) << keep;  // no word here is longer than 6 tokens
    EXPECT_EQ(c.text, tok.decode(c.tokens));
    // Every kept word is a word of the prompt, whole (none cut inside).
    for (const auto& w : words(c.text)) EXPECT_TRUE(pool.contains(w)) << "'" << w << "'";
    // The last word is kept (what an answer continues from).
    EXPECT_TRUE(c.text.ends_with("friends.")) << c.text;
  }
}

TEST(Compressor, DropsTheLeastSurprisingWords) {
  const auto& tok = edge().tokenizer();
  const auto ids = tok.encode(kStory, false, false);
  const auto s = surprisal_of(ids);
  CompressOptions o;
  o.keep = 0.5;
  const auto c = compress(tok, ids, s, o);
  const auto units = word_units(tok, ids, true);
  double kept_mean = 0, dropped_mean = 0;
  int n_kept = 0, n_dropped = 0;
  for (size_t u = 0; u + 1 < units.size(); ++u) {  // the tail rule aside
    double m = 0;
    for (size_t i = units[u].begin; i < units[u].end; ++i) m += s[i];
    m /= static_cast<double>(units[u].size());
    (c.kept[units[u].begin] ? kept_mean : dropped_mean) += m;
    ++(c.kept[units[u].begin] ? n_kept : n_dropped);
  }
  ASSERT_GT(n_kept, 0);
  ASSERT_GT(n_dropped, 0);
  EXPECT_GT(kept_mean / n_kept, 2 * (dropped_mean / n_dropped));
  // The predictable glue goes first.
  EXPECT_EQ(c.text.find(" upon "), std::string::npos) << c.text;
}

TEST(Compressor, PlaceholdersSurviveWholeEvenWhenPredictable) {
  const auto& tok = edge().tokenizer();
  const std::string text =
      "Please ask <NAME_1> to call <PHONE_1> about the red ball that Lily lost in the park "
      "near the big old tree yesterday.";
  const auto ids = tok.encode(text, false, false);
  std::vector<float> s(ids.size(), 5.0f);
  // The placeholders' tokens get no surprisal at all: still kept.
  const auto units = word_units(tok, ids, true);
  for (const auto& u : units)
    if (u.protect)
      for (size_t i = u.begin; i < u.end; ++i) s[i] = 0.0f;
  CompressOptions o;
  o.keep = 0.3;
  const auto c = compress(tok, ids, s, o);
  EXPECT_NE(c.text.find("<NAME_1>"), std::string::npos) << c.text;
  EXPECT_NE(c.text.find("<PHONE_1>"), std::string::npos) << c.text;
  // With the real surprisal too.
  const auto real = compress(tok, ids, surprisal_of(ids), o);
  EXPECT_NE(real.text.find("<NAME_1>"), std::string::npos) << real.text;
  EXPECT_NE(real.text.find("<PHONE_1>"), std::string::npos) << real.text;
  EXPECT_LT(real.tokens_after, real.tokens_before);
}

TEST(Compressor, CodeFencesUntouchedUnlessAsked) {
  const auto& tok = edge().tokenizer();
  const std::string code = "```python\ndef add(a, b):\n    return a + b\n```";
  const std::string text = "Lily wrote a small program for her friend Tom in the park:\n" + code +
                           "\nTom said it was very good and they played with the ball.";
  const auto ids = tok.encode(text, false, false);
  const auto s = surprisal_of(ids);
  CompressOptions o;
  o.keep = 0.6;
  const auto c = compress(tok, ids, s, o);
  EXPECT_NE(c.text.find(code), std::string::npos) << c.text;
  EXPECT_LT(c.tokens_after, c.tokens_before);
  o.compress_code = true;
  o.keep = 0.3;
  const auto inside = compress(tok, ids, s, o);
  EXPECT_EQ(inside.text.find(code), std::string::npos) << inside.text;
}

TEST(Compressor, ProtectedMaterialMayExceedTheBudget) {
  const auto& tok = edge().tokenizer();
  const auto ids = tok.encode("```\nx = 1\ny = 2\n```", false, false);
  CompressOptions o;
  o.keep = 0.2;
  const auto c = compress(tok, ids, surprisal_of(ids), o);
  EXPECT_EQ(c.tokens_after, c.tokens_before);
}

TEST(Compressor, SpecialTokensAreNeverDropped) {
  const auto& tok = edge().tokenizer();
  auto ids = tok.encode("Lily and Tom played in the park all day long", false, false);
  ids.insert(ids.begin() + 4, tok.bos());  // a control token in the middle
  std::vector<float> s(ids.size(), 3.0f);
  s[4] = 0.0f;
  CompressOptions o;
  o.keep = 0.3;
  const auto c = compress(tok, ids, s, o);
  EXPECT_TRUE(c.kept[4]);
}

TEST(Compressor, BadSharesAreRefused) {
  const auto& tok = edge().tokenizer();
  const auto ids = tok.encode("Lily", false, false);
  const std::vector<float> s(ids.size(), 1.0f);
  for (double keep : {0.0, -0.5, 1.5}) {
    CompressOptions o;
    o.keep = keep;
    EXPECT_THROW(compress(tok, ids, s, o), std::invalid_argument) << keep;
  }
  EXPECT_THROW(compress(tok, ids, std::vector<float>(ids.size() + 1), {}), std::invalid_argument);
}

}  // namespace
}  // namespace tandem::compress
