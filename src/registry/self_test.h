// The hot swap's self-test of a freshly loaded model, before it takes traffic: a short
// greedy generation from a fixed prompt (non-empty, optionally an expected text) and the
// perplexity of a built-in paragraph (finite, under a bound). Bounded in time.
#pragma once

#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>

#include "engine/model.h"

namespace tandem::registry {

struct SelfTestExpectations {
  std::optional<std::string> greedy;  // the exact greedy text, if known
  double max_ppl = 1e4;               // generous: catches garbage weights, not a weaker model
  // With baseline_ppl (the current model's builtin_perplexity): the new one's must be at
  // most max_ppl_ratio times it.
  std::optional<double> max_ppl_ratio;
  std::optional<double> baseline_ppl;
  int greedy_tokens = 16;
  std::chrono::milliseconds time_limit = std::chrono::seconds(60);
};

struct SelfTestReport {
  std::string greedy;  // the text generated
  double ppl = 0;
  int n_ppl_tokens = 0;
  double seconds = 0;
};

// A failed check: `check` is "greedy", "perplexity" or "time_limit".
struct SelfTestFailure : std::runtime_error {
  SelfTestFailure(std::string check, const std::string& why)
      : std::runtime_error(why), check(std::move(check)) {}
  std::string check;
};

// The perplexity of the built-in paragraph (the self-test's second check), to compare the
// current model with its replacement. Throws SelfTestFailure.
double builtin_perplexity(const engine::Model& model, int threads,
                          std::chrono::milliseconds time_limit);

// Runs both checks on its own transformer (the model is only read). Throws SelfTestFailure.
SelfTestReport run_self_test(const engine::Model& model, int threads,
                             const SelfTestExpectations& want);

}  // namespace tandem::registry
