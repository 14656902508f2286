// tandem bench: prefill / decode speed in llama-bench's table shape, memory bandwidth,
// and the cost of verifying drafted tokens.
#include <fmt/format.h>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>
#include <random>
#include <sstream>

#include "cli/commands.h"
#include "cli/gpu_layers_option.h"
#include "cli/kv_budget_option.h"
#include "cli/model_options.h"
#include "engine/transformer.h"
#include "kernels/memory_bandwidth.h"
#include "kernels/simd_target.h"
#include "model/file_type.h"

namespace tandem::cli {
namespace {

struct BenchOptions {
  ModelOptions model;
  std::string prompts = "128,512";
  std::string gens = "32";
  int reps = 3;
  bool membw = false;
  bool verify = false;
  int32_t verify_ctx = 512;
  int32_t verify_tokens = 8;
  std::string target;  // empty: the best this CPU runs
  std::string depths = "0";
  KvBudgetOption budget;
};

std::vector<int> parse_list(const std::string& s, const char* what) {
  std::vector<int> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ',')) {
    if (item.empty()) continue;
    try {
      size_t used = 0;
      const int v = std::stoi(item, &used);
      if (used != item.size() || v < 0) throw std::invalid_argument(item);
      if (v > 0) out.push_back(v);
    } catch (const std::exception&) {
      throw std::invalid_argument(std::string("bad ") + what + " list '" + s + "'");
    }
  }
  return out;
}

double now_s() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

std::vector<tokenizer::TokenId> random_tokens(int n, int64_t n_vocab, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<tokenizer::TokenId> t(static_cast<size_t>(n));
  for (auto& x : t) x = static_cast<tokenizer::TokenId>(rng() % static_cast<uint32_t>(n_vocab));
  return t;
}

// Seconds to prefill n tokens from an empty cache in one batch.
double time_prefill(engine::Transformer& tf, engine::KvCache& cache, int n) {
  cache.clear(0);
  const auto toks = random_tokens(n, tf.model().config().n_vocab, 1);
  const double t0 = now_s();
  tf.forward(engine::Batch::sequence(toks, 0, 0, false), cache);
  return now_s() - t0;
}

// Seconds to decode n tokens one at a time (llama-bench's tg) after `depth` tokens of
// context (llama-bench's -d). The context is prefilled once per depth, in chunks of 512, not
// timed; each run rolls back to it.
double time_decode(engine::Transformer& tf, engine::KvCache& cache, int n, int depth = 0) {
  static int filled = -1;  // the depth the cache holds
  if (depth == 0 || filled != depth || cache.seq_len(0) < depth) {
    cache.clear(0);
    const auto ctx = random_tokens(depth, tf.model().config().n_vocab, 5);
    for (int at = 0; at < depth; at += 512) {
      const auto chunk = std::span(ctx).subspan(static_cast<size_t>(at),
                                                static_cast<size_t>(std::min(512, depth - at)));
      tf.forward(engine::Batch::sequence(chunk, at, 0, false), cache);
    }
    filled = depth;
  }
  cache.truncate(0, depth);
  const auto toks = random_tokens(n, tf.model().config().n_vocab, 2);
  const double t0 = now_s();
  for (int i = 0; i < n; ++i) {
    engine::Batch b;
    b.add(toks[static_cast<size_t>(i)], depth + i, 0, true);
    tf.forward(b, cache);
  }
  return now_s() - t0;
}

struct Stat {
  double mean = 0, sd = 0;
};
Stat stats(const std::vector<double>& v) {
  Stat s;
  s.mean = std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
  for (double x : v) s.sd += (x - s.mean) * (x - s.mean);
  s.sd = v.size() > 1 ? std::sqrt(s.sd / static_cast<double>(v.size() - 1)) : 0.0;
  return s;
}

// llama-bench's label: the quantization the file says it is (general.file_type, so a
// Q4_K_M file reads Q4_K_M although it also holds Q6_K matrices), else the first layer's type.
std::string model_label(const engine::Model& m) {
  const auto& c = m.config();
  const double b = static_cast<double>(c.n_params(m.weights().tied_output)) / 1e9;
  const std::string size = b >= 1      ? fmt::format("{:.0f}B", b)
                           : b >= 1e-3 ? fmt::format("{:.0f}M", b * 1e3)
                                       : fmt::format("{:.0f}K", b * 1e6);
  std::string type = model::file_type_name(m.file().get_int("general.file_type", -1));
  if (type.empty()) {
    const auto& w = m.weights();
    type = model::type_name(w.layers.empty()              ? w.output.type
                            : w.layers[0].up_exps.empty() ? w.layers[0].w_gate.type
                                                          : w.layers[0].up_exps[0].type);
  }
  return fmt::format("{} {} {}", c.arch, size, type);
}

int run_bench(const BenchOptions& o) {
  if (!o.target.empty()) kernels::limit_simd_target(o.target);  // before loading: packing
  fmt::print(stderr, "simd: {}\n", kernels::simd_target_name());
  const int threads = o.model.resolved_threads();
  if (o.membw) {
    kernels::ThreadPool pool(threads);
    const double bw = kernels::measure_read_bandwidth(pool);
    fmt::print("read bandwidth: {:.1f} GB/s ({} threads, 1 GiB buffer, best of 5)\n", bw / 1e9,
               threads);
    if (o.model.model_path.empty()) return 0;
  }
  if (o.model.model_path.empty()) throw std::invalid_argument("-m MODEL is required (or --membw)");
  if (o.reps < 1) throw std::invalid_argument("-r must be at least 1");
  const auto pp = parse_list(o.prompts, "-p");
  const auto tg = parse_list(o.gens, "-n");
  auto ds = parse_list(o.depths, "-d");
  if (ds.empty()) ds.push_back(0);
  auto m = o.model.load();
  engine::Transformer tf(*m, threads);
  int max_ctx = 16;
  for (int p : pp) max_ctx = std::max(max_ctx, p);
  for (int n : tg)
    for (int d : ds) max_ctx = std::max(max_ctx, n + d);
  if (o.verify) max_ctx = std::max(max_ctx, o.verify_ctx + o.verify_tokens);
  const auto budget = o.budget.resolve();
  auto cache = tf.make_cache(max_ctx, 1, o.model.resolved_kv_type(), budget);
  if (budget.enabled())
    fmt::print(stderr, "KV budget {} ({}), {} entries of {} positions\n", budget.tokens,
               engine::kv_policy_name(budget.policy), cache.capacity(), max_ctx);

  const std::string label = model_label(*m);
  fmt::print("weights: {}\n", model::type_mix(m->file()));
  const double size_mib = static_cast<double>(m->weight_bytes()) / (1 << 20);
  const double n_params = static_cast<double>(m->config().n_params(m->weights().tied_output));
  const std::string params = n_params >= 1e9   ? fmt::format("{:.2f} B", n_params / 1e9)
                             : n_params >= 1e6 ? fmt::format("{:.2f} M", n_params / 1e6)
                                               : fmt::format("{:.2f} K", n_params / 1e3);
  fmt::print("| {:<30} | {:>10} | {:>10} | {:<7} | {:>7} | {:>13} | {:>20} |\n", "model", "size",
             "params", "backend", "threads", "test", "t/s");
  fmt::print("| {:-<30} | {:->10} | {:->10} | {:-<7} | {:->7} | {:->13} | {:->20} |\n", "", "", "",
             "", "", "", "");
  auto row = [&](const std::string& test, const std::vector<double>& tps) {
    const auto s = stats(tps);
    fmt::print("| {:<30} | {:>6.2f} MiB | {:>10} | {:<7} | {:>7} | {:>13} | {:>20} |\n", label,
               size_mib, params, "CPU", threads, test,
               fmt::format("{:.2f} ± {:.2f}", s.mean, s.sd));
    std::fflush(stdout);
  };
  for (int p : pp) {
    time_prefill(tf, cache, p);  // warm-up
    std::vector<double> tps;
    for (int r = 0; r < o.reps; ++r) tps.push_back(p / time_prefill(tf, cache, p));
    row("pp" + std::to_string(p), tps);
  }
  for (int d : ds)
    for (int n : tg) {
      time_decode(tf, cache, std::min(n, 4), d);  // warm-up
      std::vector<double> tps;
      for (int r = 0; r < o.reps; ++r) tps.push_back(n / time_decode(tf, cache, n, d));
      row("tg" + std::to_string(n) + (d > 0 ? "@d" + std::to_string(d) : ""), tps);
    }
  if (o.verify) {
    // Speculative verification: K new tokens after a long context vs one token after it.
    const auto ctx_toks = random_tokens(o.verify_ctx, m->config().n_vocab, 3);
    const auto new_toks = random_tokens(o.verify_tokens, m->config().n_vocab, 4);
    auto timed_step = [&](int k) {
      cache.truncate(0, o.verify_ctx);
      const double t0 = now_s();
      tf.forward(engine::Batch::sequence(std::span(new_toks).first(static_cast<size_t>(k)),
                                         o.verify_ctx, 0, true),
                 cache);
      return now_s() - t0;
    };
    cache.clear(0);
    tf.forward(engine::Batch::sequence(ctx_toks, 0, 0, false), cache);
    timed_step(1);
    timed_step(o.verify_tokens);
    // Steps alternate, and each pair's ratio is taken within the pair: on a shared machine
    // the speed drifts between seconds, and a median of paired ratios ignores the drift.
    std::vector<double> one, many, ratios;
    for (int r = 0; r < std::max(o.reps, 5); ++r) {
      one.push_back(timed_step(1));
      many.push_back(timed_step(o.verify_tokens));
      ratios.push_back(many.back() / one.back());
    }
    const double a = stats(one).mean, b = stats(many).mean;
    std::sort(ratios.begin(), ratios.end());
    const double median = ratios.size() % 2
                              ? ratios[ratios.size() / 2]
                              : (ratios[ratios.size() / 2 - 1] + ratios[ratios.size() / 2]) / 2;
    fmt::print(
        "\nverify: {} tokens after {} of context: {:.2f} ms; 1 token: {:.2f} ms; ratio {:.2f}x "
        "(median of {} paired ratios {:.2f}x)\n",
        o.verify_tokens, o.verify_ctx, b * 1e3, a * 1e3, b / a, ratios.size(), median);
  }
  if (o.membw || !tg.empty()) {
    kernels::ThreadPool pool(threads);
    const double bw = kernels::measure_read_bandwidth(pool, size_t{1} << 29, 3);
    // Per decoded token every weight is read once (the tied embedding only as the output).
    const double bytes =
        static_cast<double>(m->weight_bytes()) -
        (m->weights().tied_output
             ? 0.0
             : static_cast<double>(m->weights().tok_embd.row_bytes * m->weights().tok_embd.rows));
    fmt::print("\nroofline: {:.1f} MiB of weights read per token / {:.1f} GB/s = {:.1f} t/s max\n",
               bytes / (1 << 20), bw / 1e9, bw / bytes);
  }
  return 0;
}

}  // namespace

CommandAction register_bench(CLI::App& app) {
  auto o = std::make_shared<BenchOptions>();
  auto* cmd = app.add_subcommand("bench", "Measure prefill/decode speed (llama-bench table)");
  cmd->add_option("-m,--model", o->model.model_path, "Model file")->check(CLI::ExistingFile);
  cmd->add_option("-z,--tokenizer", o->model.tokenizer_path, "Tokenizer for llama2.c models");
  cmd->add_option("-t,--threads", o->model.threads, "Threads (default: all cores)");
  cmd->add_option("--kv-type", o->model.kv_type, "KV cache type: f16, f32 or q8_0")
      ->capture_default_str();
  cmd->add_option("-p,--n-prompt", o->prompts, "Prompt lengths to test, comma-separated")
      ->capture_default_str();
  cmd->add_option("-n,--n-gen", o->gens, "Generation lengths to test, comma-separated")
      ->capture_default_str();
  cmd->add_option("-r,--repetitions", o->reps, "Repetitions per test")->capture_default_str();
  cmd->add_option("-d,--depth", o->depths,
                  "Context before each generation test, comma-separated (llama-bench's -d)")
      ->capture_default_str();
  o->budget.add_to(cmd);
  cmd->add_flag("--membw", o->membw, "Measure the machine's read bandwidth");
  cmd->add_option("--target", o->target,
                  "Hold the kernels to one SIMD target (e.g. AVX2, SSE4) to see how other CPUs "
                  "run; the target in use is printed to stderr");
  cmd->add_flag("--verify", o->verify, "Measure verifying K drafted tokens vs one token");
  cmd->add_option("--verify-ctx", o->verify_ctx, "Context before the drafted tokens")
      ->capture_default_str();
  cmd->add_option("--verify-tokens", o->verify_tokens, "Drafted tokens per verification")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  add_gpu_layers_option(cmd);
  return [o]() { return run_bench(*o); };
}

}  // namespace tandem::cli
