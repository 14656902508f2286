// The correctness anchor: stories260K's known-good greedy story, in every format.
#include <gtest/gtest.h>

#include "engine/generate.h"
#include "support/paths.h"

namespace tandem::engine {
namespace {

using test::stories;

// Greedy text after BOS with an empty prompt, decoded the way `tandem run` prints it.
std::string greedy_story(const Model& m, int64_t n_tokens, std::vector<TokenId>* ids = nullptr,
                         const std::string& prompt = "") {
  Transformer tf(m, 2);
  auto cache = tf.make_cache(512);
  SamplerParams p;
  p.temperature = 0;
  Sampler sampler(p, static_cast<int32_t>(m.config().n_vocab));
  auto prompt_ids = m.tokenizer().encode(prompt, true, false);
  std::string text;
  generate(tf, cache, prompt_ids, sampler, n_tokens, [&](TokenId id) {
    if (ids) ids->push_back(id);
    text += m.tokenizer().token_to_piece(id);
    return true;
  });
  if (prompt.empty() && !text.empty() && text[0] == ' ') text.erase(0, 1);
  return text;
}

TEST(Golden, Llama2cCheckpointMatchesKnownGoodStory) {
  auto m = Model::load(stories("stories260K.bin"), stories("tok512.bin"));
  EXPECT_EQ(greedy_story(*m, 200), test::stories_golden_text());
}

TEST(Golden, GgufF32MatchesKnownGoodStory) {
  auto m = Model::load(stories("stories260K-f32.gguf"));
  EXPECT_EQ(greedy_story(*m, 200), test::stories_golden_text());
}

TEST(Golden, GgufF16MatchesKnownGoodStory) {
  auto m = Model::load(stories("stories260K-F16.gguf"));
  EXPECT_EQ(greedy_story(*m, 200), test::stories_golden_text());
}

TEST(Golden, Q4KMMatchesF32ForFirst40TokensOfOnceUponATime) {
  auto f32 = Model::load(stories("stories260K-f32.gguf"));
  auto q4 = Model::load(stories("stories260K-Q4_K_M.gguf"));
  std::vector<TokenId> a, b;
  greedy_story(*f32, 40, &a, "Once upon a time");
  greedy_story(*q4, 40, &b, "Once upon a time");
  ASSERT_EQ(a.size(), 40u);
  EXPECT_EQ(a, b);
}

// One multi-token forward must give the same logits as feeding tokens one by one.
TEST(Golden, BatchedPrefillMatchesTokenByToken) {
  auto m = Model::load(stories("stories260K-f32.gguf"));
  Transformer tf(*m, 2);
  const auto ids = m->tokenizer().encode("Once upon a time, there was a big dog.", true, false);
  auto batch_cache = tf.make_cache(64);
  const auto all = tf.forward(Batch::sequence(ids, 0, 0, true), batch_cache);
  const std::vector<float> batched(all.begin(), all.end());
  auto step_cache = tf.make_cache(64);
  const int64_t V = m->config().n_vocab;
  for (size_t i = 0; i < ids.size(); ++i) {
    Batch b;
    b.add(ids[i], static_cast<int32_t>(i), 0, true);
    const auto row = tf.forward(b, step_cache);
    for (int64_t v = 0; v < V; ++v)
      ASSERT_NEAR(row[static_cast<size_t>(v)], batched[i * V + static_cast<size_t>(v)], 1e-4)
          << "position " << i << " token " << v;
  }
}

// Two sequences in one batch (continuous batching) equal each evaluated alone.
TEST(Golden, TwoSequencesInOneBatchDoNotInterfere) {
  auto m = Model::load(stories("stories260K-f32.gguf"));
  Transformer tf(*m, 2);
  const auto a = m->tokenizer().encode("Lily saw a cat.", true, false);
  const auto b = m->tokenizer().encode("The sun was hot and big.", true, false);
  const int64_t V = m->config().n_vocab;
  auto alone = [&](const std::vector<TokenId>& ids) {
    auto c = tf.make_cache(64);
    const auto l = tf.forward(Batch::sequence(ids, 0, 0, false), c);
    return std::vector<float>(l.begin(), l.end());
  };
  const auto la = alone(a), lb = alone(b);
  auto cache = tf.make_cache(64, 2);
  Batch both;
  for (size_t i = 0; i < a.size(); ++i)
    both.add(a[i], static_cast<int32_t>(i), 0, i + 1 == a.size());
  for (size_t i = 0; i < b.size(); ++i)
    both.add(b[i], static_cast<int32_t>(i), 1, i + 1 == b.size());
  const auto l = tf.forward(both, cache);
  for (int64_t v = 0; v < V; ++v) {
    ASSERT_NEAR(l[static_cast<size_t>(v)], la[static_cast<size_t>(v)], 1e-4);
    ASSERT_NEAR(l[static_cast<size_t>(V + v)], lb[static_cast<size_t>(v)], 1e-4);
  }
  EXPECT_EQ(cache.seq_len(0), static_cast<int32_t>(a.size()));
  EXPECT_EQ(cache.seq_len(1), static_cast<int32_t>(b.size()));
}

TEST(Golden, RollbackThenReevaluateGivesSameLogits) {
  auto m = Model::load(stories("stories260K-f32.gguf"));
  Transformer tf(*m, 1);
  const auto ids = m->tokenizer().encode("Tom had a red ball and a blue kite.", true, false);
  auto cache = tf.make_cache(64);
  const auto first = tf.forward(Batch::sequence(ids, 0, 0, false), cache);
  const std::vector<float> expect(first.begin(), first.end());
  // Pretend the last 4 were rejected drafts with other tokens, then redo them.
  cache.truncate(0, static_cast<int32_t>(ids.size()) - 4);
  std::vector<TokenId> wrong(4, 5);
  tf.forward(Batch::sequence(wrong, static_cast<int32_t>(ids.size()) - 4, 0, false), cache);
  cache.truncate(0, static_cast<int32_t>(ids.size()) - 4);
  std::vector<TokenId> tail(ids.end() - 4, ids.end());
  const auto again =
      tf.forward(Batch::sequence(tail, static_cast<int32_t>(ids.size()) - 4, 0, false), cache);
  for (size_t v = 0; v < expect.size(); ++v) ASSERT_NEAR(again[v], expect[v], 1e-4);
}

TEST(Golden, BadBatchesAreRejected) {
  auto m = Model::load(stories("stories260K-f32.gguf"));
  Transformer tf(*m, 1);
  auto cache = tf.make_cache(8);
  Batch gap;
  gap.add(1, 3, 0, true);  // position 3 with nothing before it
  EXPECT_THROW(tf.forward(gap, cache), std::invalid_argument);
  Batch bad_token;
  bad_token.add(100000, 0, 0, true);
  EXPECT_THROW(tf.forward(bad_token, cache), std::invalid_argument);
  Batch too_long;
  too_long.add(1, 8, 0, true);
  EXPECT_THROW(tf.forward(too_long, cache), std::invalid_argument);
  EXPECT_THROW(tf.forward(Batch{}, cache), std::invalid_argument);
}

}  // namespace
}  // namespace tandem::engine

namespace tandem::engine {
namespace {

// `tandem run`'s progress bar: the prompt prefilled in chunks (reported after each) gives the
// one-batch prefill's greedy continuation.
TEST(Generate, ChunkedPrefillReportsProgressAndMatchesOneBatch) {
  auto m = Model::load(test::stories("stories260K-f32.gguf"), "");
  const auto prompt = m->tokenizer().encode(
      "Once upon a time, there was a little girl named Lily. She liked to play outside", true,
      false);
  ASSERT_GT(prompt.size(), 8u);
  auto run = [&](int64_t chunk, std::vector<int64_t>* seen) {
    Transformer tf(*m, 1);
    auto cache = tf.make_cache(256);
    SamplerParams p;
    p.temperature = 0;
    Sampler sampler(p, static_cast<int32_t>(m->config().n_vocab));
    std::vector<TokenId> out;
    generate(
        tf, cache, prompt, sampler, 12,
        [&](TokenId id) {
          out.push_back(id);
          return true;
        },
        chunk,
        [&](int64_t done, int64_t total) {
          EXPECT_EQ(total, static_cast<int64_t>(prompt.size()));
          if (seen) seen->push_back(done);
        });
    return out;
  };
  std::vector<int64_t> seen;
  const auto chunked = run(4, &seen);
  EXPECT_EQ(run(0, nullptr), chunked);
  ASSERT_FALSE(seen.empty());
  EXPECT_EQ(seen.front(), 4);
  EXPECT_EQ(seen.back(), static_cast<int64_t>(prompt.size()));
  EXPECT_EQ(seen.size(), (prompt.size() + 3) / 4);
}

}  // namespace
}  // namespace tandem::engine
