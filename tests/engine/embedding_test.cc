// The hidden-state output of Transformer::forward and the pooled embeddings built on it.
#include <gtest/gtest.h>

#include <cmath>

#include "engine/embedding.h"
#include "kernels/matmul.h"
#include "support/paths.h"

namespace tandem::engine {
namespace {

using test::stories;

const Model& stories_f32() {
  static const auto m = Model::load(stories("stories260K-f32.gguf"));
  return *m;
}

std::vector<TokenId> tokens(const std::string& text) {
  return stories_f32().tokenizer().encode(text, true, false);
}

double l2(std::span<const float> v) {
  double s = 0;
  for (float x : v) s += static_cast<double>(x) * x;
  return std::sqrt(s);
}

void expect_near(std::span<const float> a, std::span<const float> b, float tol) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) ASSERT_NEAR(a[i], b[i], tol) << "at " << i;
}

TEST(Hidden, GenerationBatchesCarryNoHiddenFlags) {
  Batch b = Batch::sequence(tokens("Once upon a time"), 0, 0, false);
  EXPECT_TRUE(b.want_hidden.empty());
  b.add(5, 99, 0, true, true);
  ASSERT_EQ(b.want_hidden.size(), b.size());
  EXPECT_EQ(b.n_hidden(), 1u);
  EXPECT_EQ(b.want_hidden.back(), 1);
  b.add(6, 100, 0, false);
  EXPECT_EQ(b.want_hidden.size(), b.size());
  EXPECT_EQ(b.n_hidden(), 1u);
}

// The last token's hidden state times the output matrix (dequantized row by row, not the
// forward's matmul) reproduces the logits: it is the output projection's input, i.e. the
// state after the final norm.
TEST(Hidden, LastHiddenTimesOutputMatrixIsTheLogits) {
  const Model& m = stories_f32();
  const auto& c = m.config();
  Transformer tf(m, 2);
  auto cache = tf.make_cache(64);
  const auto toks = tokens("Once upon a time, there was a little girl");
  Batch b;
  for (size_t i = 0; i < toks.size(); ++i)
    b.add(toks[i], static_cast<int32_t>(i), 0, i + 1 == toks.size(), i + 1 == toks.size());
  const auto logits = tf.forward(b, cache);
  ASSERT_EQ(logits.size(), static_cast<size_t>(c.n_vocab));
  const auto h = tf.hidden();
  ASSERT_EQ(h.size(), static_cast<size_t>(c.n_embd));
  std::vector<float> row(static_cast<size_t>(c.n_embd));
  for (int64_t v = 0; v < c.n_vocab; ++v) {
    kernels::dequantize_row(m.weights().output, v, row.data());
    double dot = 0;
    for (int64_t d = 0; d < c.n_embd; ++d) dot += static_cast<double>(row[d]) * h[d];
    ASSERT_NEAR(dot, logits[static_cast<size_t>(v)], 1e-3 * (1 + std::abs(dot))) << "token " << v;
  }
}

// Every hidden row equals the row the output projection sees (the calibration hook), for
// every token, and asking for hidden states alone leaves the logits empty.
TEST(Hidden, EveryRowEqualsTheOutputProjectionInput) {
  const Model& m = stories_f32();
  const size_t n_embd = static_cast<size_t>(m.config().n_embd);
  const auto toks = tokens("The cat sat on the mat and looked at the sun");
  Transformer tf(m, 2);
  auto cache = tf.make_cache(64);

  std::vector<float> seen;
  ForwardHooks hooks;
  hooks.on_linear_input = [&](int64_t, LinearGroup g, const float* x, int64_t n, int64_t cols) {
    if (g == LinearGroup::kOutput) seen.assign(x, x + n * cols);
  };
  const Batch all_logits = Batch::sequence(toks, 0, 0, true);
  tf.forward(all_logits, cache, &hooks);
  ASSERT_EQ(seen.size(), toks.size() * n_embd);

  Batch hidden_only;
  for (size_t i = 0; i < toks.size(); ++i)
    hidden_only.add(toks[i], static_cast<int32_t>(i), 0, false, true);
  EXPECT_TRUE(tf.forward(hidden_only, cache).empty());
  expect_near(tf.hidden(), seen, 1e-5f);
  // A later batch without hidden flags reports none.
  tf.forward(Batch::sequence(toks, 0, 0, false), cache);
  EXPECT_TRUE(tf.hidden().empty());
}

TEST(Embed, PoolingNamesAndModelDefault) {
  EXPECT_EQ(parse_pooling("mean"), Pooling::kMean);
  EXPECT_EQ(parse_pooling("cls"), Pooling::kCls);
  EXPECT_EQ(parse_pooling("last"), Pooling::kLast);
  EXPECT_THROW(parse_pooling("rank"), std::invalid_argument);
  EXPECT_STREQ(pooling_name(Pooling::kNone), "none");
  // stories260K is generative and has no <arch>.pooling_type: mean.
  EXPECT_EQ(model_pooling(stories_f32()), Pooling::kMean);
}

// Mean pooling by hand from the hidden rows, then L2: what embed() returns.
TEST(Embed, MeanPoolingMatchesHiddenRowsByHand) {
  const Model& m = stories_f32();
  const size_t n_embd = static_cast<size_t>(m.config().n_embd);
  const auto toks = tokens("A dog ran in the park");
  Transformer tf(m, 2);
  auto cache = tf.make_cache(64);
  Batch b;
  for (size_t i = 0; i < toks.size(); ++i) b.add(toks[i], static_cast<int32_t>(i), 0, false, true);
  tf.forward(b, cache);
  std::vector<float> want(n_embd, 0.0f);
  for (size_t t = 0; t < toks.size(); ++t)
    for (size_t d = 0; d < n_embd; ++d) want[d] += tf.hidden()[t * n_embd + d];
  const double n = l2(want);
  for (float& x : want) x = static_cast<float>(x / n);

  const std::vector<std::vector<TokenId>> inputs = {toks};
  const auto got = embed(tf, inputs, {});
  ASSERT_EQ(got.size(), 1u);
  EXPECT_NEAR(l2(got[0]), 1.0, 1e-5);
  expect_near(got[0], want, 1e-5f);
}

TEST(Embed, LastAndClsPoolTheirToken) {
  const Model& m = stories_f32();
  const size_t n_embd = static_cast<size_t>(m.config().n_embd);
  const auto toks = tokens("The moon was bright");
  Transformer tf(m, 2);
  auto cache = tf.make_cache(64);
  tf.forward(Batch::sequence(toks, 0, 0, true), cache);
  std::vector<float> last(n_embd);
  {
    Batch b;
    for (size_t i = 0; i < toks.size(); ++i)
      b.add(toks[i], static_cast<int32_t>(i), 0, false, i == 0 || i + 1 == toks.size());
    tf.forward(b, cache);
  }
  const auto h = tf.hidden();
  std::vector<float> first(h.begin(), h.begin() + static_cast<ptrdiff_t>(n_embd));
  last.assign(h.begin() + static_cast<ptrdiff_t>(n_embd), h.end());
  for (auto* v : {&first, &last}) {
    const double n = l2(*v);
    for (float& x : *v) x = static_cast<float>(x / n);
  }
  const std::vector<std::vector<TokenId>> inputs = {toks};
  EmbedOptions o;
  o.pooling = Pooling::kLast;
  expect_near(embed(tf, inputs, o)[0], last, 1e-5f);
  o.pooling = Pooling::kCls;
  expect_near(embed(tf, inputs, o)[0], first, 1e-5f);
  o.pooling = Pooling::kNone;
  EXPECT_THROW(embed(tf, inputs, o), std::invalid_argument);
}

// Packing several inputs into one forward, or splitting one input over several forwards,
// gives the vectors each input gets alone.
TEST(Embed, BatchingAndSplittingDoNotChangeVectors) {
  const Model& m = stories_f32();
  Transformer tf(m, 2);
  const std::vector<std::vector<TokenId>> inputs = {
      tokens("Once upon a time"), tokens("Lily liked to play with her ball in the garden"),
      tokens("Tom"), tokens("The sun was hot and the bird sang a happy song all day long")};
  std::vector<std::vector<float>> alone;
  for (const auto& in : inputs) alone.push_back(embed(tf, std::span(&in, 1), {})[0]);
  for (size_t max_batch : {size_t{512}, size_t{7}, size_t{3}, size_t{1}}) {
    EmbedOptions o;
    o.max_batch = max_batch;
    int forwards = 0;
    const auto got = embed(tf, inputs, o, [&](const std::function<void()>& work) {
      ++forwards;
      work();
    });
    ASSERT_EQ(got.size(), inputs.size());
    for (size_t i = 0; i < inputs.size(); ++i) {
      SCOPED_TRACE("max_batch " + std::to_string(max_batch) + ", input " + std::to_string(i));
      expect_near(got[i], alone[i], 2e-5f);
    }
    size_t total = 0;
    for (const auto& in : inputs) total += in.size();
    EXPECT_GE(static_cast<size_t>(forwards), (total + max_batch - 1) / max_batch);
  }
  const std::vector<std::vector<TokenId>> with_empty = {inputs[0], {}};
  EXPECT_THROW(embed(tf, with_empty, {}), std::invalid_argument);
}

}  // namespace
}  // namespace tandem::engine
