// The media seam: batch entries fed by embedding rows instead of token ids.
#include <gtest/gtest.h>

#include <vector>

#include "engine/transformer.h"
#include "kernels/matmul.h"
#include "support/paths.h"

namespace tandem::engine {
namespace {

using test::stories;

// Rows equal to the tokens' own embeddings must give exactly the tokens' logits: the seam
// changes where the input comes from and nothing else (positions, cache, later decode).
TEST(EmbeddingInput, RowsEqualToTheTokensEmbeddingsGiveTheSameLogits) {
  auto m = Model::load(stories("stories260K-f32.gguf"));
  const int64_t d = m->config().n_embd;
  const auto ids = m->tokenizer().encode("Once upon a time, there was a big dog.", true, false);
  std::vector<float> rows(ids.size() * static_cast<size_t>(d));
  for (size_t i = 0; i < ids.size(); ++i)
    kernels::dequantize_row(m->weights().tok_embd, ids[i], rows.data() + i * d);

  Transformer tf(*m, 2);
  auto by_token = tf.make_cache(64);
  const auto copy = [](std::span<const float> s) { return std::vector<float>(s.begin(), s.end()); };
  const auto want = copy(tf.forward(Batch::sequence(ids, 0, 0, true), by_token));

  auto by_row = tf.make_cache(64);
  Batch b;
  b.add(ids[0], 0, 0, true);  // BOS as a token, the rest as rows: the two kinds mix
  for (size_t i = 1; i < ids.size(); ++i)
    b.add_embedding(rows.data() + i * d, -7, static_cast<int32_t>(i), 0, true);
  EXPECT_EQ(copy(tf.forward(b, by_row)), want);

  // Decoding on after the rows sees the same cache.
  Batch next;
  next.add(ids[3], static_cast<int32_t>(ids.size()), 0, true);
  const auto after_tokens = copy(tf.forward(next, by_token));
  EXPECT_EQ(copy(tf.forward(next, by_row)), after_tokens);
}

TEST(EmbeddingInput, APlaceholderIdIsOnlyValidWithARow) {
  auto m = Model::load(stories("stories260K-f32.gguf"));
  Transformer tf(*m, 1);
  auto cache = tf.make_cache(16);
  Batch b;
  b.add(-7, 0, 0, true);
  EXPECT_THROW(tf.forward(b, cache), std::invalid_argument);
  Batch mixed;
  std::vector<float> row(static_cast<size_t>(m->config().n_embd), 0.01f);
  mixed.add_embedding(row.data(), -7, 0, 0, false);
  mixed.add(5, 1, 0, true);
  mixed.add(-3, 2, 0, true);  // added after a row, still a token: rejected
  EXPECT_THROW(tf.forward(mixed, cache), std::invalid_argument);
  mixed.clear();
  EXPECT_TRUE(mixed.embeds.empty());
}

}  // namespace
}  // namespace tandem::engine
