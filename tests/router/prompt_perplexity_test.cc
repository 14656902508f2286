// The routing PPL from one batched prefill equals the perplexity computed token by token.
#include "router/prompt_perplexity.h"

#include <gtest/gtest.h>

#include <cmath>

#include "engine/perplexity.h"
#include "support/paths.h"

namespace tandem::router {
namespace {

TEST(PromptPerplexity, BatchedPrefillEqualsTokenByToken) {
  auto m = engine::Model::load(test::stories("stories260K-f32.gguf"));
  engine::Transformer tf(*m, 2);
  const int64_t v = m->config().n_vocab;
  for (const char* prompt : {"Once upon a time, there was a little girl named Lily.",
                             "Write a Python function that parses JSON."}) {
    const auto tokens = m->tokenizer().encode(prompt, true, false);
    ASSERT_GE(tokens.size(), 5u);
    auto cache = tf.make_cache(static_cast<int32_t>(tokens.size()));
    const auto r = prompt_perplexity(tf, cache, tokens);
    EXPECT_EQ(r.n_scored, static_cast<int64_t>(tokens.size()) - 1);
    // The cache now holds the prompt, ready for decoding.
    EXPECT_EQ(cache.seq_len(0), static_cast<int32_t>(tokens.size()));

    // Token by token: one forward per position, logits of the last only.
    auto cache2 = tf.make_cache(static_cast<int32_t>(tokens.size()));
    double nll = 0;
    for (size_t i = 0; i + 1 < tokens.size(); ++i) {
      engine::Batch b;
      b.add(tokens[i], static_cast<int32_t>(i), 0, true);
      const auto logits = tf.forward(b, cache2);
      ASSERT_EQ(logits.size(), static_cast<size_t>(v));
      nll += engine::token_nll(logits, tokens[i + 1]);
    }
    const double ppl = std::exp(nll / static_cast<double>(tokens.size() - 1));
    EXPECT_NEAR(r.ppl, ppl, 1e-4 * ppl) << prompt;
  }
}

TEST(PromptPerplexity, StoryIsLowerThanCode) {
  auto m = engine::Model::load(test::stories("stories260K-f32.gguf"));
  engine::Transformer tf(*m, 2);
  auto ppl = [&](const char* text) {
    const auto tokens = m->tokenizer().encode(text, true, false);
    auto cache = tf.make_cache(static_cast<int32_t>(tokens.size()));
    return prompt_perplexity(tf, cache, tokens).ppl;
  };
  EXPECT_LT(ppl("Once upon a time, there was a little dog named Max."),
            ppl("git rebase -i HEAD~3 and squash the last commits."));
}

TEST(PromptPerplexity, FromLogitsValidatesShapes) {
  const std::vector<float> logits = {0, 0, 0, 1, 2, 3};  // 2 rows of 3
  const std::vector<tokenizer::TokenId> tokens = {0, 2};
  const auto r = prompt_perplexity_from_logits(logits, 3, tokens);
  EXPECT_NEAR(r.mean_nll, std::log(3.0), 1e-12);  // uniform first row predicts token 2
  EXPECT_NEAR(r.ppl, 3.0, 1e-9);
  EXPECT_THROW(prompt_perplexity_from_logits(logits, 3, std::vector<tokenizer::TokenId>{0}),
               std::invalid_argument);
  EXPECT_THROW(prompt_perplexity_from_logits(logits, 2, tokens), std::invalid_argument);
}

}  // namespace
}  // namespace tandem::router
