// Media rows in a scheduled prompt, on the real stories260K model: rows equal to tokens'
// embeddings generate exactly what the tokens do, and the prefix cache reuses a prefix
// holding the same media but not one holding other media.
#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "engine/model.h"
#include "engine/transformer.h"
#include "http/metrics.h"
#include "kernels/matmul.h"
#include "serving/prompt_media.h"
#include "serving/scheduler.h"
#include "support/paths.h"

namespace tandem::serving {
namespace {

TEST(PromptMedia, PlaceholdersAreNegativeAndDifferPerRowAndContent) {
  std::vector<TokenId> seen;
  for (uint64_t h : {1ull, 2ull})
    for (int64_t r = 0; r < 50; ++r) {
      const TokenId id = media_placeholder(h, r);
      EXPECT_LT(id, -1);
      seen.push_back(id);
    }
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(std::unique(seen.begin(), seen.end()), seen.end());
  EXPECT_EQ(media_placeholder(7, 3), media_placeholder(7, 3));
}

TEST(PromptMedia, EveryPlaceholderNeedsItsRows) {
  auto rows = std::make_shared<const std::vector<float>>(8, 0.5f);
  const std::vector<TokenId> prompt = {1, -5, -6, 9};
  EXPECT_NO_THROW(check_prompt_media(prompt, std::vector<PromptMedia>{{1, 2, 4, rows}}, 4));
  EXPECT_EQ(media_row(std::vector<PromptMedia>{{1, 2, 4, rows}}, 2), rows->data() + 4);
  EXPECT_EQ(media_row(std::vector<PromptMedia>{{1, 2, 4, rows}}, 3), nullptr);
  EXPECT_THROW(check_prompt_media(prompt, {}, 4), std::invalid_argument);  // -5 uncovered
  EXPECT_THROW(check_prompt_media(prompt, std::vector<PromptMedia>{{1, 2, 4, rows}}, 8),
               std::invalid_argument);  // wrong width
  EXPECT_THROW(check_prompt_media(prompt, std::vector<PromptMedia>{{2, 2, 4, rows}}, 4),
               std::invalid_argument);  // over a token
  EXPECT_THROW(check_prompt_media(prompt, std::vector<PromptMedia>{{3, 2, 4, rows}}, 4),
               std::invalid_argument);  // past the end
}

class ScheduledMedia : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    model_ = engine::Model::load(test::stories("stories260K-f32.gguf"));
  }
  static void TearDownTestSuite() { model_.reset(); }
  std::unique_ptr<Scheduler> make() {
    tf_ = std::make_unique<engine::Transformer>(*model_, 1);
    SchedulerOptions o;
    o.n_slots = 1;
    o.n_ctx = 256;
    o.max_batch = 5;  // prompts are prefilled in chunks that split the media
    return std::make_unique<Scheduler>(*tf_, o, metrics_);
  }
  struct Run {
    std::vector<TokenId> ids;
    int64_t cached = 0;
  };
  static Run run(Scheduler& s, SeqRequest r) {
    r.sampling.temperature = 0;
    r.max_tokens = 20;
    auto st = s.submit(std::move(r));
    Run out;
    for (;;) {
      auto u = st->next();
      for (auto& t : u.tokens) out.ids.push_back(t.id);
      if (u.finish != FinishReason::kNone) break;
    }
    out.cached = st->cached_tokens();
    return out;
  }
  // The prompt with tokens [from, to) replaced by media rows equal to their embeddings
  // (scaled by `scale`: 1 gives the tokens' own rows).
  static SeqRequest with_media(const std::vector<TokenId>& ids, size_t from, size_t to,
                               uint64_t hash, float scale = 1) {
    const int64_t d = model_->config().n_embd;
    auto rows = std::make_shared<std::vector<float>>((to - from) * static_cast<size_t>(d));
    SeqRequest r;
    r.prompt = ids;
    for (size_t i = from; i < to; ++i) {
      float* row = rows->data() + (i - from) * static_cast<size_t>(d);
      kernels::dequantize_row(model_->weights().tok_embd, ids[i], row);
      for (int64_t k = 0; k < d; ++k) row[k] *= scale;
      r.prompt[i] = media_placeholder(hash, static_cast<int64_t>(i - from));
    }
    r.media.push_back({from, static_cast<int64_t>(to - from), d, std::move(rows)});
    return r;
  }
  static std::unique_ptr<engine::Model> model_;
  std::unique_ptr<engine::Transformer> tf_;
  http::Metrics metrics_;
};
std::unique_ptr<engine::Model> ScheduledMedia::model_;

TEST_F(ScheduledMedia, RowsEqualToTokenEmbeddingsGenerateWhatTheTokensDo) {
  auto s = make();
  const auto ids =
      model_->tokenizer().encode("Once upon a time, there was a little dog", true, false);
  SeqRequest plain;
  plain.prompt = ids;
  const Run want = run(*s, std::move(plain));
  auto fresh = make();
  const Run got = run(*fresh, with_media(ids, 3, 9, 11));
  EXPECT_EQ(got.ids, want.ids);
  EXPECT_EQ(got.cached, 0);
}

TEST_F(ScheduledMedia, ThePrefixCacheReusesTheSameMediaButNotOtherMedia) {
  auto s = make();
  auto ids = model_->tokenizer().encode("Once upon a time, there was a little dog", true, false);
  const Run first = run(*s, with_media(ids, 3, 9, 11));
  // The same media and a longer text: everything up to the end of the old prompt is reused.
  auto longer = ids;
  for (TokenId t : model_->tokenizer().encode(" who liked to run", false, false))
    longer.push_back(t);
  const Run same = run(*s, with_media(longer, 3, 9, 11));
  EXPECT_GE(same.cached, 9);
  // Other media at the same place (other content, other hash): only the text before it.
  const Run other = run(*s, with_media(longer, 3, 9, 12, 0.5f));
  EXPECT_EQ(other.cached, 3);
  EXPECT_FALSE(first.ids.empty());
}

}  // namespace
}  // namespace tandem::serving
