// Shared models for the speculative tests: the stories260K F32 target and drafts quantized
// from it by Tandem's own quantizer (Q4_0 and Q8_0, RTN), made once per test process.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include "engine/generate.h"
#include "engine/model.h"
#include "quant/quantize_model.h"
#include "support/paths.h"

namespace tandem::test {

inline std::string spec_target_path() {
  return stories("stories260K-f32.gguf");
}

// Quantizes the target into a per-process temp dir (once per type).
inline std::string spec_draft_path(model::GgmlType type) {
  const auto dir = std::filesystem::path(testing::TempDir()) /
                   ("tandem-spec-drafts-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto out = dir / ("draft-" + std::string(model::type_name(type)) + ".gguf");
  if (!std::filesystem::exists(out)) {
    quant::QuantizeOptions o;
    o.input = spec_target_path();
    o.output = (dir / "tmp.gguf").string();
    o.type = type;
    o.method = quant::Method::kRtn;
    quant::quantize_model(o);
    std::filesystem::rename(o.output, out);
  }
  return out.string();
}

inline const engine::Model& spec_target() {
  static const auto m = engine::Model::load(spec_target_path());
  return *m;
}

// Greedy (or seeded) output of the target alone through the plain decode loop.
inline std::vector<tokenizer::TokenId> target_alone(const engine::Model& m,
                                                    const std::vector<tokenizer::TokenId>& prompt,
                                                    engine::SamplerParams sp, int64_t n,
                                                    int32_t n_ctx = 512) {
  engine::Transformer tf(m, 2);
  auto cache = tf.make_cache(n_ctx, 1);
  engine::Sampler sampler(sp, static_cast<int32_t>(m.config().n_vocab));
  std::vector<tokenizer::TokenId> out;
  engine::generate(tf, cache, prompt, sampler, n, [&](tokenizer::TokenId t) {
    out.push_back(t);
    return true;
  });
  return out;
}

inline engine::SamplerParams greedy_params() {
  engine::SamplerParams p;
  p.temperature = 0;
  return p;
}

}  // namespace tandem::test
