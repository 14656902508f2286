// Micro-benchmark for grammar-constrained decoding: time to compute the allowed-token mask
// over a synthetic 152k-token vocabulary in typical JSON states.
//
// Build: g++ -std=c++20 -O2 -DNDEBUG -Isrc src/grammar/*.cc bench/grammar_bench.cc
//            -lbenchmark -lpthread -o /tmp/grammar_bench
#include <benchmark/benchmark.h>

#include <memory>
#include <random>
#include <string>
#include <vector>

#include "grammar/gbnf_parser.h"
#include "grammar/json_schema.h"
#include "grammar/token_mask.h"
#include "grammar/utf8.h"

namespace tg = tandem::grammar;

namespace {

constexpr size_t kVocabSize = 152064;

// Deterministic vocabulary with the byte-level shape of a modern BPE vocabulary.
std::vector<std::string> synthetic_vocab() {
  std::mt19937 rng(152064);
  std::vector<std::string> v;
  // Byte fallback tokens: every single byte, including lone UTF-8 lead/continuation bytes.
  for (int b = 0; b < 256; ++b) v.push_back(std::string(1, static_cast<char>(b)));
  const char* words[] = {"the",   "of",    "and",   "to",    "in",     "is",     "that", "for",
                         "it",    "as",    "was",   "with",  "be",     "by",     "on",   "not",
                         "he",    "this",  "are",   "or",    "his",    "from",   "at",   "which",
                         "but",   "have",  "an",    "had",   "they",   "you",    "name", "value",
                         "type",  "id",    "data",  "true",  "false",  "null",   "user", "age",
                         "email", "items", "count", "error", "result", "status", "text"};
  for (const char* w : words) {
    std::string s = w;
    for (const std::string& t : {s, " " + s, "\"" + s, s + "\"", "\"" + s + "\":", "_" + s}) {
      v.push_back(t);
    }
  }
  const char* json_pieces[] = {
      "{\"",    "\":",   "\",",    "\"}", "},",  "[{",  "}]", "\":\"", "\": \"",
      "\", \"", "\":[",  "\": [",  "],",  "]}",  "{}",  "[]", "\\n",   "\\\"",
      "\\u",    ",\n",   "{\n",    "}\n", "\n}", "\n]", ": ", ", ",    "\":{",
      "null,",  "true,", "false}", "0.",  ".0",  "e+",  "E-", "--",    "//"};
  for (const char* p : json_pieces) v.push_back(p);
  for (int n = 0; n < 1000; ++n) v.push_back(std::to_string(n));
  for (int n = 0; n < 100; ++n) v.push_back(" " + std::to_string(n));
  for (int n = 1; n <= 32; ++n) {
    v.push_back(std::string(static_cast<size_t>(n), ' '));
    v.push_back("\n" + std::string(static_cast<size_t>(n), ' '));
    v.push_back(std::string(static_cast<size_t>(n % 8 + 1), '\t'));
  }
  const char* punct = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";
  for (const char* a = punct; *a; ++a) {
    for (const char* b = punct; *b; ++b) v.push_back(std::string{*a, *b});
  }
  // CJK pieces (1-3 ideographs, some with a leading space) and partial sequences.
  std::uniform_int_distribution<uint32_t> cjk(0x4E00, 0x9FFF);
  for (int i = 0; i < 20000; ++i) {
    std::string s = (i % 7 == 0) ? " " : "";
    for (int k = 0, n = 1 + i % 3; k < n; ++k) tg::utf8_append(s, cjk(rng));
    v.push_back(s);
  }
  for (int i = 0; i < 1000; ++i) {
    std::string s;
    tg::utf8_append(s, cjk(rng));
    v.push_back(i % 2 ? s.substr(0, 2) : s.substr(1));  // lead+1 or a continuation tail
  }
  // English-like subwords from syllables, with and without leading space / capital.
  const char* onset[] = {"",  "b", "c", "d", "f", "g",  "h",  "j",  "k",  "l",  "m",  "n",  "p",
                         "r", "s", "t", "v", "w", "st", "tr", "ch", "sh", "th", "pl", "gr", "br"};
  const char* nucleus[] = {"a", "e", "i", "o", "u", "ea", "ou", "ai", "ee", "oo", "y"};
  const char* coda[] = {"", "n", "r", "s", "t", "l", "nd", "ng", "st", "ck", "m", "tion", "ed"};
  std::uniform_int_distribution<int> o(0, 25), nu(0, 10), co(0, 12), syl(1, 3), form(0, 9);
  while (v.size() < kVocabSize - 3) {
    std::string w;
    for (int k = 0, n = syl(rng); k < n; ++k) {
      w += onset[o(rng)];
      w += nucleus[nu(rng)];
      w += coda[co(rng)];
    }
    const int f = form(rng);
    if (f < 5) w = " " + w;
    if (f == 5) w[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(w[0])));
    if (f == 6) w = " " + std::string(1, static_cast<char>(std::toupper(w[0]))) + w.substr(1);
    if (f == 7) w += ".";
    v.push_back(w);
  }
  v.push_back("<|endoftext|>");
  v.push_back("<|im_start|>");
  v.push_back("<|im_end|>");
  return v;
}

struct Fixture {
  std::shared_ptr<const tg::VocabIndex> vocab;
  std::shared_ptr<const tg::Grammar> json;
  std::shared_ptr<const tg::Grammar> schema;
};

const Fixture& fixture() {
  static const Fixture f = [] {
    Fixture x;
    const auto tokens = synthetic_vocab();
    const std::vector<int32_t> eog = {static_cast<int32_t>(tokens.size() - 3),
                                      static_cast<int32_t>(tokens.size() - 1)};
    x.vocab = std::make_shared<const tg::VocabIndex>(tokens, eog);
    x.json = tg::parse_gbnf_shared(tg::json_object_gbnf());
    x.schema = tg::parse_gbnf_shared(tg::json_schema_to_gbnf(nlohmann::ordered_json::parse(R"({
      "type": "object",
      "properties": {
        "name": {"type": "string", "maxLength": 40},
        "age": {"type": "integer", "minimum": 0, "maximum": 150},
        "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 8}
      },
      "required": ["name", "age"]
    })")));
    return x;
  }();
  return f;
}

// JSON prefixes that put the matcher in the states a decoder spends its time in; each is
// valid for both the generic JSON grammar and the benchmark schema.
const char* kJsonStates[] = {
    "",                                                   // 0: before the object
    "{\"",                                                // 1: inside the first key
    "{\"name\": ",                                        // 2: value start
    "{\"name\": \"Jo",                                    // 3: inside a string value
    "{\"name\": \"Jo\", \"age\": 4",                      // 4: inside a number
    "{\"name\": \"Jo\", \"age\": 42",                     // 5: after a number
    "{\"name\": \"Jo\", \"age\": 4, \"tags\": [\"a\", ",  // 6: array element start
    "{\"name\": \"日本",                                  // 7: string with CJK
};

tg::Matcher matcher_at(const std::shared_ptr<const tg::Grammar>& g, const char* prefix) {
  tg::Matcher m(g);
  if (!m.accept_bytes(prefix)) throw std::runtime_error(std::string("bad prefix: ") + prefix);
  return m;
}

void run_warm(benchmark::State& state, const std::shared_ptr<const tg::Grammar>& g) {
  const Fixture& f = fixture();
  const tg::Matcher m = matcher_at(g, kJsonStates[state.range(0)]);
  tg::TokenMask mask(g, f.vocab);
  tg::TokenBitset bits(f.vocab->size());
  mask.compute(m, bits);  // first visit fills the transition cache
  for (auto _ : state) {
    mask.compute(m, bits);
    benchmark::DoNotOptimize(bits.words().data());
  }
  state.counters["allowed"] = static_cast<double>(bits.count());
}

void BM_JsonMaskWarm(benchmark::State& state) {
  run_warm(state, fixture().json);
}
void BM_SchemaMaskWarm(benchmark::State& state) {
  run_warm(state, fixture().schema);
}

// Cold: a fresh transition cache every time (first time a state is ever seen).
void BM_JsonMaskCold(benchmark::State& state) {
  const Fixture& f = fixture();
  const tg::Matcher m = matcher_at(f.json, kJsonStates[state.range(0)]);
  tg::TokenBitset bits(f.vocab->size());
  for (auto _ : state) {
    tg::TokenMask mask(f.json, f.vocab);
    mask.compute(m, bits);
    benchmark::DoNotOptimize(bits.words().data());
  }
}

// A whole decode: mask + accept per token of a document (greedy longest-match tokens
// chosen once up front), so new states and cache hits mix as in real decoding.
void BM_JsonDecodeStep(benchmark::State& state) {
  const Fixture& f = fixture();
  const std::string doc =
      "{\"name\": \"John Smith\", \"age\": 42, \"tags\": [\"alpha\", \"beta\", \"日本語\"], "
      "\"nested\": {\"ok\": true, \"score\": -12.5e3, \"none\": null}, \"count\": 1000}";
  std::vector<int32_t> ids;
  {
    tg::Matcher m(f.json);
    for (size_t pos = 0; pos < doc.size();) {
      int32_t best = -1;
      size_t best_len = 0;
      for (size_t id = 0; id < f.vocab->size(); ++id) {
        const std::string& t = f.vocab->token(static_cast<int32_t>(id));
        if (t.size() > best_len && !t.empty() && doc.compare(pos, t.size(), t) == 0) {
          tg::Matcher probe = m;
          if (!probe.accept_bytes(t)) continue;
          best = static_cast<int32_t>(id);
          best_len = t.size();
        }
      }
      if (best < 0) {
        state.SkipWithError("document not reachable");
        return;
      }
      m.accept_bytes(f.vocab->token(best));
      ids.push_back(best);
      pos += best_len;
    }
  }
  const bool cold = state.range(0) != 0;
  auto mask = std::make_unique<tg::TokenMask>(f.json, f.vocab);
  tg::TokenBitset bits(f.vocab->size());
  for (auto _ : state) {
    if (cold) {
      state.PauseTiming();
      mask = std::make_unique<tg::TokenMask>(f.json, f.vocab);
      state.ResumeTiming();
    }
    tg::Matcher m(f.json);
    for (int32_t id : ids) {
      mask->compute(m, bits);
      if (!bits.test(static_cast<size_t>(id)) || !mask->accept_token(m, id)) {
        state.SkipWithError("mask rejected the document");
        return;
      }
    }
  }
  state.counters["tokens"] = static_cast<double>(ids.size());
  state.counters["us_per_token"] = benchmark::Counter(
      static_cast<double>(ids.size()),
      benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

}  // namespace

BENCHMARK(BM_JsonMaskWarm)->DenseRange(0, 7)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_SchemaMaskWarm)->DenseRange(0, 7)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_JsonMaskCold)->DenseRange(0, 7)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_JsonDecodeStep)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
