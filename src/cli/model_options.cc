#include "cli/model_options.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <chrono>
#include <thread>

#include "engine/kv_cache.h"

namespace tandem::cli {

void ModelOptions::add_to(CLI::App* cmd, bool with_threads) {
  cmd->add_option("-m,--model", model_path, "Model file: GGUF, or a llama2.c checkpoint")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("-z,--tokenizer", tokenizer_path,
                  "Tokenizer file for a llama2.c checkpoint (e.g. tok512.bin)")
      ->check(CLI::ExistingFile);
  if (with_threads) {
    cmd->add_option("-t,--threads", threads, "Threads (default: all cores)")
        ->check(CLI::Range(0, 1024));
    cmd->add_option("--kv-type", kv_type, "KV cache type: f16, f32 or q8_0")->capture_default_str();
  }
}

model::GgmlType ModelOptions::resolved_kv_type() const {
  return engine::parse_kv_type(kv_type);
}

int32_t server_context(const engine::Model& m, int32_t requested) {
  if (requested > 0) return requested;
  const int64_t train = m.config().n_ctx_train > 0 ? m.config().n_ctx_train : 2048;
  return static_cast<int32_t>(std::min<int64_t>(train, 4096));
}

int ModelOptions::resolved_threads() const {
  if (threads > 0) return threads;
  return std::max(1u, std::thread::hardware_concurrency());
}

std::unique_ptr<engine::Model> ModelOptions::load(bool verbose) const {
  const auto t0 = std::chrono::steady_clock::now();
  auto m = engine::Model::load(model_path, tokenizer_path);
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (verbose) {
    const auto& c = m->config();
    const std::string line = fmt::format(
        "load: {} ({}, {} layers, dim {}, {} heads/{} kv, vocab {}) in {:.1f} ms", model_path,
        c.arch, c.n_layer, c.n_embd, c.n_head, c.n_head_kv, c.n_vocab, s * 1e3);
    if (log_load)
      spdlog::info("{}", line);
    else
      fmt::print(stderr, "{}\n", line);
  }
  return m;
}

}  // namespace tandem::cli
