// KvCache::save / load: a sequence's KV moved to another sequence (or cache of the same
// layout) attends exactly as the original; a string of the wrong size is refused.
#include <gtest/gtest.h>

#include <vector>

#include "engine/model.h"
#include "engine/transformer.h"
#include "support/paths.h"

namespace tandem::engine {
namespace {

TEST(KvCacheSave, LoadedKvGivesTheSameLogits) {
  auto model = Model::load(test::stories("stories260K-f32.gguf"));
  Transformer tf(*model, 1);
  const auto prompt = model->tokenizer().encode("Once upon a time there was a cat", true, false);
  KvCache a = tf.make_cache(64, 2);
  Batch b;
  for (size_t i = 0; i + 1 < prompt.size(); ++i)
    b.add(prompt[i], static_cast<int32_t>(i), 0, false);
  tf.forward(b, a);
  const auto n = static_cast<int32_t>(prompt.size()) - 1;
  const auto saved = a.save(0, n);
  EXPECT_EQ(saved.size(), static_cast<size_t>(n) * a.position_bytes());
  KvCache c = tf.make_cache(64, 2);
  c.load(1, saved, n);
  EXPECT_EQ(c.seq_len(1), n);
  EXPECT_EQ(c.layout(), a.layout());
  auto last = [&](KvCache& kv, int32_t seq) {
    Batch one;
    one.add(prompt.back(), n, seq, true);
    const auto l = tf.forward(one, kv);
    return std::vector<float>(l.begin(), l.end());
  };
  EXPECT_EQ(last(a, 0), last(c, 1));
  EXPECT_THROW(c.load(0, std::span(saved).first(saved.size() - 1), n), std::invalid_argument);
  EXPECT_THROW(a.save(1, 5), std::out_of_range);  // sequence 1 of `a` is empty
}

}  // namespace
}  // namespace tandem::engine
