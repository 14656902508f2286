#include "engine/perplexity.h"

#include <gtest/gtest.h>

#include <cmath>

#include "support/paths.h"

namespace tandem::engine {
namespace {

double ppl_of(const std::string& text_file, int32_t ctx) {
  auto m = Model::load(test::stories("stories260K-f32.gguf"));
  Transformer tf(*m, 2);
  const auto tokens = m->tokenizer().encode(test::read_file(text_file), true, false);
  return perplexity(tf, tokens, ctx).ppl;
}

TEST(Perplexity, OwnStoryIsLowAndCodeIsFarHigher) {
  const double story = ppl_of(test::source("testdata/story_seed1-4.txt"), 128);
  const double code = ppl_of(test::source("testdata/sample_code.py"), 128);
  EXPECT_TRUE(std::isfinite(story));
  EXPECT_GT(story, 1.0);
  EXPECT_LT(story, 10.0);
  EXPECT_GE(code, 20.0 * story) << "story " << story << " code " << code;
}

// The value recorded when the engine was first built (F32 KV cache): later speed work must
// not change it at 4 significant digits.
TEST(Perplexity, StoryValueIsStableToFourDigits) {
  auto m = Model::load(test::stories("stories260K-f32.gguf"));
  Transformer tf(*m, 2);
  const auto tokens = m->tokenizer().encode(
      test::read_file(test::source("testdata/story_seed1-4.txt")), true, false);
  for (auto kv : {model::GgmlType::F16, model::GgmlType::F32})
    EXPECT_NEAR(perplexity(tf, tokens, 128, {}, kv).ppl, 2.767, 0.0005);
}

TEST(Perplexity, TokenNllIsLogSoftmax) {
  const std::vector<float> logits = {1.0f, 2.0f, 3.0f};
  const double z = std::log(std::exp(1.0) + std::exp(2.0) + std::exp(3.0));
  EXPECT_NEAR(token_nll(logits, 0), z - 1.0, 1e-9);
  EXPECT_NEAR(token_nll(logits, 2), z - 3.0, 1e-9);
}

TEST(Perplexity, ScoresSecondHalfOfEachChunkLikeLlamaCpp) {
  auto m = Model::load(test::stories("stories260K-f32.gguf"));
  Transformer tf(*m, 1);
  const auto tokens = m->tokenizer().encode(
      test::read_file(test::source("testdata/story_seed1-4.txt")), true, false);
  const int32_t ctx = 64;
  const auto r = perplexity(tf, tokens, ctx);
  const int64_t chunks = static_cast<int64_t>(tokens.size()) / ctx;
  EXPECT_EQ(r.n_chunks, chunks);
  EXPECT_EQ(r.n_scored, chunks * (ctx - 1 - ctx / 2));
  ASSERT_EQ(r.running_ppl.size(), static_cast<size_t>(chunks));
  EXPECT_DOUBLE_EQ(r.running_ppl.back(), r.ppl);
  EXPECT_GT(r.uncertainty, 0.0);

  // Recompute chunk 1 by hand: BOS replaces its first token; positions 32..62 predict 33..63.
  std::vector<TokenId> chunk(tokens.begin() + ctx, tokens.begin() + 2 * ctx);
  chunk[0] = m->tokenizer().bos();
  auto cache = tf.make_cache(ctx);
  const auto logits = tf.forward(Batch::sequence(chunk, 0, 0, true), cache);
  const int64_t V = m->config().n_vocab;
  double nll = 0;
  for (int32_t p = ctx / 2; p < ctx - 1; ++p)
    nll += token_nll(logits.subspan(static_cast<size_t>(p * V), static_cast<size_t>(V)),
                     chunk[static_cast<size_t>(p + 1)]);
  const double first = std::log(r.running_ppl[0]) * (ctx - 1 - ctx / 2);
  EXPECT_NEAR(std::exp((first + nll) / (2.0 * (ctx - 1 - ctx / 2))), r.running_ppl[1], 1e-6);
}

TEST(Perplexity, TooFewTokensIsAnError) {
  auto m = Model::load(test::stories("stories260K-f32.gguf"));
  Transformer tf(*m, 1);
  const auto tokens = m->tokenizer().encode("Once upon a time.", true, false);
  EXPECT_THROW(perplexity(tf, tokens, 64), std::invalid_argument);
}

}  // namespace
}  // namespace tandem::engine
