// Structured output's cost per decode step on real vocabularies: the server's
// GrammarProcessor (a fresh one per sequence, as each request gets) masking a copied logits
// row, then accepting the token, over a whole JSON-schema answer. Compare with a decode
// step of the model (tandem bench) to get the relative overhead; grammar_bench.cc covers
// the bare mask on a synthetic 152k vocabulary.
//
// Run (from build/): TANDEM_SHARED_DIR=../../shared ./tandem_microbench
//   --benchmark_filter='Constrained|BuildVocab'
// Vocabularies come from ../shared (override with TANDEM_SHARED_DIR):
//   stories260K (512 SPM tokens), ggml-vocab-llama-spm (Llama-2 / TinyLlama, 32000),
//   ggml-vocab-gpt-2 (50257, byte-level BPE).
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "api/structured/grammar_processor.h"
#include "grammar/gbnf_parser.h"
#include "grammar/json_schema.h"
#include "model/gguf_file.h"
#include "tokenizer/tokenizer.h"

namespace {

using tandem::api::GrammarProcessor;
namespace tg = tandem::grammar;

const char* kVocabs[] = {"models/stories260K/stories260K-f32.gguf",
                         "tokenizers/ggml-vocab-llama-spm.gguf",
                         "tokenizers/ggml-vocab-gpt-2.gguf"};

std::string shared_dir() {
  const char* env = std::getenv("TANDEM_SHARED_DIR");
  return env ? env : "../shared";
}

// The schema of tests/commander/structured_output_test.cc and one answer to it.
const char* kSchema = R"({
  "type": "object",
  "properties": {
    "name": {"type": "string", "minLength": 1, "maxLength": 12},
    "age": {"type": "integer", "minimum": 0, "maximum": 120},
    "mood": {"enum": ["happy", "sad", "sleepy"]},
    "tags": {"type": "array", "items": {"type": "string", "maxLength": 6},
             "minItems": 1, "maxItems": 3}
  },
  "required": ["name", "age", "mood", "tags"]
})";
const std::string kAnswer =
    R"({"name": "Lily the cat", "age": 42, "mood": "sleepy", "tags": ["park", "ball"]})";

struct Fixture {
  std::unique_ptr<tandem::tokenizer::Tokenizer> tok;
  std::shared_ptr<const tg::VocabIndex> index;
  std::shared_ptr<const tg::Grammar> grammar;
  std::vector<int32_t> ids;  // kAnswer as allowed tokens, longest match first
};

// The same schema without maxLength: unbounded strings loop on one automaton state, so the
// mask accepts whole trie subtrees there instead of walking every token.
std::string unbounded_schema() {
  auto j = nlohmann::ordered_json::parse(kSchema);
  j["properties"]["name"].erase("minLength");
  j["properties"]["name"].erase("maxLength");
  j["properties"]["tags"]["items"].erase("maxLength");
  return j.dump();
}

// `which`: vocabulary; `bounded`: the schema as in the test, or without string bounds.
const Fixture& fixture(size_t which, bool bounded = true) {
  static std::vector<std::unique_ptr<Fixture>> cache(2 * std::size(kVocabs));
  auto& f = cache[2 * which + bounded];
  if (f) return *f;
  f = std::make_unique<Fixture>();
  const auto file = tandem::model::GgufFile::open(shared_dir() + "/" + kVocabs[which]);
  f->tok = tandem::tokenizer::Tokenizer::create(tandem::tokenizer::vocab_from_gguf(file));
  f->index = tandem::api::build_vocab_index(*f->tok);
  f->grammar = tg::parse_gbnf_shared(tg::json_schema_to_gbnf(
      nlohmann::ordered_json::parse(bounded ? kSchema : unbounded_schema())));
  GrammarProcessor p(f->grammar, f->index);
  for (size_t pos = 0; pos < kAnswer.size();) {
    int32_t best = -1;
    size_t best_len = 0;
    for (size_t id = 0; id < p.allowed().size(); ++id) {
      if (!p.allowed().test(id) || f->index->is_eog(static_cast<int32_t>(id))) continue;
      const std::string& t = f->index->token(static_cast<int32_t>(id));
      if (t.size() > best_len && kAnswer.compare(pos, t.size(), t) == 0) {
        best = static_cast<int32_t>(id);
        best_len = t.size();
      }
    }
    if (best < 0) throw std::runtime_error("the answer is not reachable in this vocabulary");
    p.accept(best);
    f->ids.push_back(best);
    pos += best_len;
  }
  return *f;
}

// A whole answer per iteration: new processor (cold transition cache), then per token a
// logits copy, apply() and accept() — the scheduler's work for a constrained sequence —
// without and with a token budget (closing distance checks in the mask).
void BM_ConstrainedStep(benchmark::State& state) {
  const Fixture* f = nullptr;
  try {
    f = &fixture(static_cast<size_t>(state.range(0)), state.range(1) != 0);
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
    return;
  }
  const std::vector<float> logits(f->index->size(), 0.5f);
  const int64_t budget_mode = state.range(2);  // 0 none, 1 tight, 2 loose
  std::vector<float> row;
  for (auto _ : state) {
    GrammarProcessor p(f->grammar, f->index);
    // Tight: one token per character still to come plus two, so the limit bites (and prunes)
    // near the end; loose: max_tokens far away, the usual case.
    int64_t left = static_cast<int64_t>(kAnswer.size()) + (budget_mode == 1 ? 2 : 1000);
    for (int32_t id : f->ids) {
      row.assign(logits.begin(), logits.end());
      if (budget_mode != 0) p.set_budget(left);
      p.apply(row);
      p.accept(id);
      --left;  // a token at a time, as the scheduler counts (so no second mask per step)
    }
    benchmark::DoNotOptimize(row.data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(f->ids.size()));
  state.counters["vocab"] = static_cast<double>(f->index->size());
  state.counters["tokens"] = static_cast<double>(f->ids.size());
  state.counters["us_per_token"] = benchmark::Counter(
      static_cast<double>(f->ids.size()),
      benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

// The same answer with one processor reused (transition cache warm): the steady state of a
// long generation whose states repeat.
void BM_ConstrainedStepWarm(benchmark::State& state) {
  const Fixture* f = nullptr;
  try {
    f = &fixture(static_cast<size_t>(state.range(0)), state.range(1) != 0);
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
    return;
  }
  const std::vector<float> logits(f->index->size(), 0.5f);
  std::vector<float> row;
  tg::TokenMask mask(f->grammar, f->index);
  tg::TokenBitset bits(f->index->size());
  for (auto _ : state) {
    tg::Matcher m(f->grammar);
    for (int32_t id : f->ids) {
      mask.compute(m, bits);
      mask.accept_token(m, id);
    }
    benchmark::DoNotOptimize(bits.words().data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(f->ids.size()));
  state.counters["us_per_token"] = benchmark::Counter(
      static_cast<double>(f->ids.size()),
      benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

// Building the shared vocabulary index: once per model, on the first structured request.
void BM_BuildVocabIndex(benchmark::State& state) {
  const Fixture* f = nullptr;
  try {
    f = &fixture(static_cast<size_t>(state.range(0)));
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
    return;
  }
  for (auto _ : state) benchmark::DoNotOptimize(tandem::api::build_vocab_index(*f->tok));
}

}  // namespace

// Args: {vocabulary, 1 = string lengths bounded as in the test / 0 = unbounded,
//        token budget (set_budget before each step, as the scheduler does): 0 none, 1 tight,
//        2 loose}.
BENCHMARK(BM_ConstrainedStep)
    ->ArgsProduct({{0, 1, 2}, {1, 0}, {0, 1, 2}})
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_ConstrainedStepWarm)->ArgsProduct({{0, 1, 2}, {1, 0}})->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_BuildVocabIndex)->DenseRange(0, 2)->Unit(benchmark::kMillisecond);
