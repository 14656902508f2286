// The local speculative loop against the target alone: greedy identity with real quantized
// drafts, lossless sampling (chi-square over seeded runs), vocabulary check, the CLI.
#include <gtest/gtest.h>

#include "convert/synth_model.h"
#include "spec/speculative.h"
#include "support/process.h"
#include "support/spec_models.h"
#include "support/spec_stats.h"

namespace tandem::spec {
namespace {

using test::greedy_params;
using test::spec_draft_path;
using test::spec_target;
using test::target_alone;

std::vector<TokenId> prompt_ids(const std::string& text) {
  return spec_target().tokenizer().encode(text, true, false);
}

struct SpecRun {
  std::vector<TokenId> tokens;
  SpecStats stats;
};

SpecRun speculative(const engine::Model& draft, const std::vector<TokenId>& prompt,
                    engine::SamplerParams sp, int64_t n, SpecOptions o) {
  Drafter drafter(draft, 2, sp, 512);
  LocalVerifier verifier(spec_target(), 2, sp, 512);
  SpecRun r;
  r.stats = speculative_generate(drafter, verifier, spec_target().tokenizer(), prompt, n, 512, o,
                                 [&](TokenId t) {
                                   r.tokens.push_back(t);
                                   return true;
                                 });
  return r;
}

class GreedyIdentity : public testing::TestWithParam<std::tuple<model::GgmlType, int>> {};

TEST_P(GreedyIdentity, MatchesTheTargetAloneTokenForToken) {
  const auto [type, k] = GetParam();
  const auto draft = engine::Model::load(spec_draft_path(type));
  for (const std::string text : {"Once upon a time", "Lily and Ben went to the park. They"}) {
    const auto prompt = prompt_ids(text);
    const auto want = target_alone(spec_target(), prompt, greedy_params(), 120);
    SpecOptions o;
    o.draft_max = k;
    const auto got = speculative(*draft, prompt, greedy_params(), 120, o);
    EXPECT_EQ(got.tokens, want) << text << " K=" << k;
    EXPECT_EQ(got.stats.n_generated, static_cast<int64_t>(want.size()));
    EXPECT_GT(got.stats.accepted, 0);
    // Speculation must save target passes.
    EXPECT_LT(got.stats.target_passes, got.stats.n_generated);
  }
}

INSTANTIATE_TEST_SUITE_P(Drafts, GreedyIdentity,
                         testing::Combine(testing::Values(model::GgmlType::Q4_0,
                                                          model::GgmlType::Q8_0),
                                          testing::Values(2, 4, 8)));

TEST(Speculative, GreedyIdentityWithPenaltiesPMinAndFixedK) {
  const auto draft = engine::Model::load(spec_draft_path(model::GgmlType::Q4_0));
  auto sp = greedy_params();
  sp.repeat_penalty = 1.3f;
  sp.frequency_penalty = 0.2f;
  const auto prompt = prompt_ids("The cat");
  const auto want = target_alone(spec_target(), prompt, sp, 100);
  SpecOptions o;
  o.draft_max = 6;
  o.draft_min = 1;
  o.draft_p_min = 0.6f;
  EXPECT_EQ(speculative(*draft, prompt, sp, 100, o).tokens, want);
  o.adaptive = false;
  o.draft_p_min = 0;
  EXPECT_EQ(speculative(*draft, prompt, sp, 100, o).tokens, want);
}

TEST(Speculative, PMinOfOneDraftsNothingBeyondDraftMin) {
  const auto prompt = prompt_ids("Once upon a time");
  SpecOptions o;
  o.draft_max = 4;
  o.draft_min = 0;
  o.draft_p_min = 1.0f;  // no softmax reaches 1: never draft
  const auto r = speculative(spec_target(), prompt, greedy_params(), 20, o);
  EXPECT_EQ(r.stats.drafted, 0);
  EXPECT_EQ(r.stats.target_passes, r.stats.n_generated);
  EXPECT_EQ(r.tokens, target_alone(spec_target(), prompt, greedy_params(), 20));
}

TEST(Speculative, RespectsMaxTokensExactly) {
  const auto prompt = prompt_ids("Once upon a time");
  SpecOptions o;
  o.draft_max = 8;
  for (int64_t n : {1, 2, 7, 9}) {
    const auto r = speculative(spec_target(), prompt, greedy_params(), n, o);
    EXPECT_EQ(static_cast<int64_t>(r.tokens.size()), n);
  }
}

// The distribution of the first generated token, over many seeds, from speculative
// sampling (lossless: follows p) and from the draft alone (what "always accept" yields).
struct FirstToken {
  std::vector<double> spec_counts, draft_counts, p;
};

FirstToken first_token_counts(const engine::Model& draft_model, engine::SamplerParams target_sp,
                              engine::SamplerParams draft_sp, int n_runs) {
  const auto prompt = prompt_ids("Once upon a time, there was a little");
  const auto& target = spec_target();
  const size_t nv = static_cast<size_t>(target.config().n_vocab);
  FirstToken r{std::vector<double>(nv), std::vector<double>(nv), std::vector<double>(nv)};
  engine::Transformer tf(target, 1);  // tiny model: one thread is fastest
  {                                   // the exact target distribution of the next token
    auto cache = tf.make_cache(64, 1);
    engine::Sampler s(target_sp, static_cast<int32_t>(nv));
    for (TokenId t : prompt) s.accept(t);
    for (const auto& e :
         s.distribution(tf.forward(engine::Batch::sequence(prompt, 0, 0, false), cache)))
      r.p[static_cast<size_t>(e.id)] = e.p;
  }
  draft_sp.seed = 12345;
  Drafter drafter(draft_model, 1, draft_sp, 64);
  for (int i = 0; i < n_runs; ++i) {
    target_sp.seed = 1000 + static_cast<uint64_t>(i);
    TargetSession session(target, target_sp, 64);
    const Draft d = drafter.draft(prompt, 3, 3, 0);
    const auto out = session.verify(tf, prompt, d.tokens, d.dists);
    const TokenId first = out.n_accepted > 0 ? d.tokens[0] : out.token;
    r.spec_counts[static_cast<size_t>(first)] += 1;
    r.draft_counts[static_cast<size_t>(d.tokens[0])] += 1;
  }
  return r;
}

engine::SamplerParams full_distribution(float temperature) {
  engine::SamplerParams sp;
  sp.temperature = temperature;
  sp.top_k = 0;
  sp.top_p = 1;
  sp.min_p = 0;
  return sp;
}

TEST(SpeculativeSampling, LosslessWithADifferentDraftAndChiSquareCatchesAlwaysAccept) {
  // The draft runs hotter than the target, so q differs clearly from p.
  const auto r =
      first_token_counts(spec_target(), full_distribution(0.7f), full_distribution(1.6f), 3000);
  const auto good = test::chi_square(r.spec_counts, r.p);
  EXPECT_TRUE(good.pass) << "speculative sampling: chi2 " << good.chi2 << " > " << good.threshold
                         << " (df " << good.df << ")";
  const auto bad = test::chi_square(r.draft_counts, r.p);
  EXPECT_FALSE(bad.pass) << "always-accept would pass: chi2 " << bad.chi2
                         << " <= " << bad.threshold;
}

TEST(SpeculativeSampling, LosslessWithTheQ4DraftAndTruncatingSampler) {
  const auto draft = engine::Model::load(spec_draft_path(model::GgmlType::Q4_0));
  engine::SamplerParams sp;  // the defaults: top-k 40, top-p 0.95, min-p 0.05, T 0.8
  const auto r = first_token_counts(*draft, sp, sp, 3000);
  const auto good = test::chi_square(r.spec_counts, r.p);
  EXPECT_TRUE(good.pass) << "chi2 " << good.chi2 << " > " << good.threshold;
}

TEST(Speculative, SampledRunIsDeterministicForASeed) {
  const auto draft = engine::Model::load(spec_draft_path(model::GgmlType::Q8_0));
  engine::SamplerParams sp;
  sp.seed = 7;
  const auto prompt = prompt_ids("Once upon a time");
  SpecOptions o;
  const auto a = speculative(*draft, prompt, sp, 60, o);
  const auto b = speculative(*draft, prompt, sp, 60, o);
  EXPECT_EQ(a.tokens, b.tokens);
  EXPECT_EQ(a.tokens.size(), 60u);
}

TEST(Speculative, DifferentVocabulariesAreRejected) {
  const auto same = engine::Model::load(spec_draft_path(model::GgmlType::Q8_0));
  EXPECT_NO_THROW(check_same_vocab(spec_target(), *same));
  // A stories260K-shaped model with GPT-2's tokenizer.
  convert::SynthOptions o;
  o.shape = spec_target().config();
  o.type = "F32";
  o.vocab_from = test::shared("tokenizers/ggml-vocab-gpt-2.gguf");
  const std::string path = test::unique_temp_dir() + "/gpt2-vocab.gguf";
  convert::synth_model(o, path);
  const auto other = engine::Model::load(path);
  try {
    check_same_vocab(spec_target(), *other);
    FAIL() << "no error for a different vocabulary";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("same tokenizer"), std::string::npos) << e.what();
  }
}

TEST(SpeculativeCli, DraftOutputEqualsTargetAlone) {
  const std::string draft = spec_draft_path(model::GgmlType::Q4_0);
  const std::vector<std::string> base{
      "run", "-m", test::spec_target_path(), "-p", "Once upon a time", "-n", "80", "--temp", "0",
      "-t",  "2"};
  const auto plain = test::run_tandem(base);
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  auto args = base;
  for (const char* a : {"--draft", "", "--draft-max", "4", "--draft-p-min", "0.3"})
    args.push_back(a);
  args[args.size() - 5] = draft;
  const auto spec_run = test::run_tandem(args);
  ASSERT_EQ(spec_run.exit_code, 0) << spec_run.err;
  EXPECT_EQ(spec_run.out, plain.out);
  EXPECT_NE(spec_run.err.find("acceptance rate"), std::string::npos) << spec_run.err;
  EXPECT_NE(spec_run.err.find("mean accepted length"), std::string::npos);
}

TEST(SpeculativeCli, MismatchedDraftGivesAClearError) {
  const auto r = test::run_tandem(
      {"run", "-m", test::spec_target_path(), "--draft", "/nonexistent/draft.gguf", "-n", "4"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("draft.gguf"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace tandem::spec
