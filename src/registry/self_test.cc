#include "registry/self_test.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "engine/generate.h"
#include "engine/perplexity.h"
#include "engine/sampler.h"
#include "engine/transformer.h"

namespace tandem::registry {
namespace {

using Clock = std::chrono::steady_clock;

constexpr const char* kPrompt = "Once upon a time";

// Plain, common English: any language model of it scores a modest perplexity; random or
// corrupt weights score near the vocabulary size or worse.
constexpr const char* kPerplexityText =
    "Once upon a time, there was a little girl named Lily. She loved to play outside in the "
    "park with her friends. One day, she saw a big red ball under a tree. She ran to the ball "
    "and picked it up. Her mom smiled and said, \"Let's play together.\" They threw the ball "
    "back and forth until the sun went down. Lily was very happy. When they got home, she "
    "ate her dinner, took a warm bath and went to bed. She dreamed about the park, the tree "
    "and the big red ball, and she smiled in her sleep.";

// Thrown from the engine's callbacks once the deadline passes.
struct TimeUp {};

// The perplexity of kPerplexityText, in chunks of half its tokens (llama.cpp's method scores
// the second half of each chunk). Throws SelfTestFailure.
template <class TimeUpError>
double paragraph_perplexity(engine::Transformer& tf, Clock::time_point deadline,
                            const TimeUpError& time_up, int* n_scored) {
  const auto& model = tf.model();
  const auto tokens = model.tokenizer().encode(kPerplexityText, /*add_special=*/true, false);
  int64_t ctx = std::min<int64_t>(static_cast<int64_t>(tokens.size()) / 2, 128);
  if (model.config().n_ctx_train > 0) ctx = std::min(ctx, model.config().n_ctx_train);
  if (ctx < 8)
    throw SelfTestFailure("perplexity",
                          fmt::format("the built-in text is only {} tokens", tokens.size()));
  try {
    const auto r = engine::perplexity(tf, tokens, static_cast<int32_t>(ctx), [&](int64_t, double) {
      if (Clock::now() > deadline) throw TimeUp{};
    });
    if (n_scored) *n_scored = static_cast<int>(r.n_scored);
    return r.ppl;
  } catch (const TimeUp&) {
    throw time_up();
  }
}

}  // namespace

double builtin_perplexity(const engine::Model& model, int threads,
                          std::chrono::milliseconds time_limit) {
  engine::Transformer tf(model, std::max(1, threads));
  const auto time_up = [&] {
    return SelfTestFailure("time_limit",
                           fmt::format("measuring the current model's perplexity took longer "
                                       "than {} ms",
                                       time_limit.count()));
  };
  return paragraph_perplexity(tf, Clock::now() + time_limit, time_up, nullptr);
}

SelfTestReport run_self_test(const engine::Model& model, int threads,
                             const SelfTestExpectations& want) {
  const auto t0 = Clock::now();
  const auto deadline = t0 + want.time_limit;
  const auto time_up = [&] {
    return SelfTestFailure(
        "time_limit",
        fmt::format("the self-test took longer than its limit of {} ms", want.time_limit.count()));
  };
  SelfTestReport rep;
  engine::Transformer tf(model, std::max(1, threads));
  const auto& tok = model.tokenizer();

  // 1. Greedy generation: non-empty, finite logits (a NaN row would pick token 0 forever, so
  // the text check and the perplexity below catch it), and the expected text when given.
  {
    const auto prompt = tok.encode(kPrompt, /*add_special=*/true, false);
    const int32_t n_ctx = static_cast<int32_t>(prompt.size()) + want.greedy_tokens + 1;
    auto cache = tf.make_cache(n_ctx);
    engine::SamplerParams sp;
    sp.temperature = 0;
    engine::Sampler sampler(sp, static_cast<int32_t>(model.config().n_vocab));
    tokenizer::Utf8StreamDecoder utf8;
    bool late = false;
    engine::generate(tf, cache, prompt, sampler, want.greedy_tokens, [&](tokenizer::TokenId id) {
      rep.greedy += utf8.push(tok.token_to_piece(id));
      late = Clock::now() > deadline;
      return !late;
    });
    rep.greedy += utf8.flush();
    if (late) throw time_up();
    if (rep.greedy.find_first_not_of(" \t\r\n") == std::string::npos)
      throw SelfTestFailure(
          "greedy", "greedy generation from \"" + std::string(kPrompt) + "\" produced no text");
    if (want.greedy && *want.greedy != rep.greedy)
      throw SelfTestFailure("greedy", "greedy generation gave \"" + rep.greedy + "\", expected \"" +
                                          *want.greedy + "\"");
  }

  // 2. Perplexity of the built-in paragraph: under the bound, and within a factor of the old
  // model's when that was measured.
  rep.ppl = paragraph_perplexity(tf, deadline, time_up, &rep.n_ppl_tokens);
  if (!std::isfinite(rep.ppl) || rep.ppl > want.max_ppl)
    throw SelfTestFailure("perplexity",
                          fmt::format("perplexity {:.4g} on the built-in text is not finite or "
                                      "exceeds the bound {:.4g}",
                                      rep.ppl, want.max_ppl));
  if (want.baseline_ppl && rep.ppl > *want.baseline_ppl * want.max_ppl_ratio.value_or(1))
    throw SelfTestFailure("perplexity",
                          fmt::format("perplexity {:.4g} on the built-in text is more than {:.4g} "
                                      "times the current model's {:.4g}",
                                      rep.ppl, want.max_ppl_ratio.value_or(1), *want.baseline_ppl));
  rep.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  return rep;
}

}  // namespace tandem::registry
