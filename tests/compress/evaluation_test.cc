// The acceptance point of prompt compression on real pairs (shared/eval/tinystories): the
// cloud model's continuation log-likelihood after half the prompt, chosen by the edge model's
// surprisal, against the full prompt and random baselines of the same budget. Deterministic:
// fixed pairs, fixed seeds. (What it does not show: that surprisal beats random words once
// both keep the prompt's end; docs/LONG_CONTEXT.md.)
#include "compress/evaluation.h"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "engine/model.h"
#include "support/paths.h"

namespace tandem::compress {
namespace {

std::vector<EvalItem> read_pairs(size_t every) {
  std::ifstream f(test::shared("eval/tinystories/pairs_dev.jsonl"));
  std::vector<EvalItem> out;
  size_t i = 0;
  for (std::string line; std::getline(f, line); ++i) {
    if (i % every != 0) continue;
    const auto j = nlohmann::json::parse(line);
    out.push_back({j["domain"].get<std::string>(),
                   j["prompt_ids"].get<std::vector<tokenizer::TokenId>>(),
                   j["cont_ids"].get<std::vector<tokenizer::TokenId>>()});
  }
  return out;
}

TEST(CompressionEval, TheCostOfHalfAPromptAgainstTheBaselines) {
  const auto edge = engine::Model::load(test::stories("stories260K-f32.gguf"));
  const auto cloud =
      engine::Model::load(test::shared("models/stories-code1M/stories-code1M-f32.gguf"));
  const auto items = read_pairs(3);  // 34 of the 102 pairs, both domains
  ASSERT_GE(items.size(), 30u);
  EvalOptions o;
  o.keep = 0.5;
  o.seeds = 3;
  const auto reports = evaluate(*edge, *cloud, items, o);
  ASSERT_EQ(reports.front().domain, "all");
  const auto& r = reports.front();
  ASSERT_EQ(r.methods.size(), method_names().size());
  for (const auto& m : r.methods) std::printf("%-20s %.4f\n", m.method.c_str(), m.mean_ll);
  const double full = r.method("full").mean_ll;
  const double surprisal = r.method("surprisal").mean_ll;
  EXPECT_LT(surprisal, full);         // dropping half a prompt costs something,
  EXPECT_GT(surprisal, full - 0.06);  // under the documented bound (nats per token),
  // and far less than as many tokens dropped at random (0.11 nats/token on these pairs).
  EXPECT_GT(surprisal, r.method("random-tokens").mean_ll + 0.05);
  for (const auto& x : r.methods) {
    if (x.method == "full") continue;
    EXPECT_LE(x.kept_ratio, 0.5 + 0.02) << x.method;
    EXPECT_GT(x.kept_ratio, 0.35) << x.method;
  }
}

}  // namespace
}  // namespace tandem::compress
