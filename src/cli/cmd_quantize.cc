// tandem quantize: RTN / GPTQ / AWQ post-training quantization of a GGUF model.
#include <fmt/format.h>

#include <fstream>
#include <sstream>
#include <thread>

#include "cli/commands.h"
#include "cli/progress_bar.h"
#include "cli/quant_type_names.h"
#include "cli/text_file.h"
#include "engine/perplexity.h"
#include "quant/quantize_model.h"

namespace tandem::cli {
namespace {

struct QuantizeCli {
  quant::QuantizeOptions opt;
  std::string type = "q4_0";    // --type
  std::string type_positional;  // llama-quantize's third positional argument
  std::string method = "rtn";
  std::string eval_file;
  int32_t eval_ctx = 128;
  int threads = 0;
};

double eval_ppl(const std::string& model_path, const std::string& text, int32_t ctx, int threads) {
  auto m = engine::Model::load(model_path);
  const auto tokens = m->tokenizer().encode(text, /*add_special=*/true, false);
  engine::Transformer tf(*m, threads);
  return engine::perplexity(tf, tokens, ctx).ppl;
}

int run_quantize(QuantizeCli& q, bool type_flag_given) {
  if (!q.type_positional.empty() && type_flag_given)
    throw std::invalid_argument("the type is given twice (positional " + q.type_positional +
                                " and --type " + q.type + "); give it once");
  const std::string type_name = q.type_positional.empty() ? q.type : q.type_positional;
  const QuantTarget target = parse_quant_type(type_name);
  if (!target.note.empty()) fmt::print(stderr, "note: {}\n", target.note);
  q.opt.type = target.type;
  q.opt.preset = target.preset;
  q.opt.method = quant::parse_method(q.method);
  q.opt.threads = q.threads > 0
                      ? q.threads
                      : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::string eval_text;
  double ppl_before = 0;
  if (!q.eval_file.empty()) {
    eval_text = read_text_file(q.eval_file);
    ppl_before = eval_ppl(q.opt.input, eval_text, q.eval_ctx, q.opt.threads);
  }
  ProgressBar bar("quantize " + q.opt.output);
  q.opt.progress = [&bar](int64_t done, int64_t total, const std::string& what) {
    bar.update(static_cast<size_t>(done), static_cast<size_t>(total), what);
  };
  std::vector<std::string> notes;
  q.opt.log = [&notes](const std::string& line) { notes.push_back(line); };
  const auto r = quant::quantize_model(q.opt);
  bar.finish();
  for (const auto& n : notes) fmt::print(stderr, "{}\n", n);
  for (const auto& f : r.fallbacks) fmt::print(stderr, "fallback: {}\n", f);
  fmt::print(stderr, "method {} type {} group {} policy {}{}\n", q.method,
             model::type_name(q.opt.type), q.opt.group > 0 ? q.opt.group : 32, r.policy_name,
             r.calib_hash.empty()
                 ? ""
                 : fmt::format(" calibration {} tokens {}", r.calib_tokens, r.calib_hash));
  fmt::print(
      "size: {:.3f} MiB -> {:.3f} MiB of tensors ({:.2f}x)\n",
      static_cast<double>(r.bytes_in) / (1 << 20), static_cast<double>(r.bytes_out) / (1 << 20),
      static_cast<double>(r.bytes_in) / static_cast<double>(std::max<size_t>(1, r.bytes_out)));
  if (!q.eval_file.empty()) {
    const double after = eval_ppl(q.opt.output, eval_text, q.eval_ctx, q.opt.threads);
    fmt::print("perplexity ({}, ctx {}): before {:.4f} after {:.4f}\n", q.eval_file, q.eval_ctx,
               ppl_before, after);
  }
  return 0;
}

}  // namespace

CommandAction register_quantize(CLI::App& app) {
  auto q = std::make_shared<QuantizeCli>();
  auto* cmd = app.add_subcommand(
      "quantize",
      "Quantize a GGUF model (RTN, GPTQ, AWQ; mixed-precision policies). Also takes "
      "llama-quantize's form: tandem quantize IN OUT TYPE [NTHREADS]");
  cmd->add_option("input", q->opt.input, "Input GGUF model")->required()->check(CLI::ExistingFile);
  cmd->add_option("output", q->opt.output, "Output GGUF path")->required();
  const std::string types = supported_quant_types();
  cmd->add_option("type", q->type_positional,
                  "Type, as llama-quantize names it (" + types + ", or the llama_ftype number)");
  cmd->add_option("nthreads", q->threads, "Threads, as llama-quantize's 4th argument")
      ->check(CLI::Range(0, 1024));
  cmd->add_option("--type", q->type,
                  "Base type of the linears: q4_0|q4_1|q8_0|q4_k|q6_k (any name the TYPE "
                  "argument takes)")
      ->capture_default_str();
  cmd->add_option("--method", q->method, "rtn|gptq|awq|awq+gptq")->capture_default_str();
  cmd->add_option("--calib", q->opt.calib_path, "Calibration text (gptq, awq)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--calib-tokens", q->opt.calib_tokens,
                  "Calibration tokens to use (the text must have at least this many)")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{2}, int64_t{1} << 30));
  cmd->add_option("--calib-ctx", q->opt.calib_ctx, "Tokens per calibration chunk")
      ->capture_default_str()
      ->check(CLI::Range(2, 1 << 20));
  cmd->add_option("--group", q->opt.group, "Group size (multiple of 32; default 32)");
  cmd->add_option("--policy", q->opt.policy_path, "Mixed-precision policy (TOML)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--awq-search-tokens", q->opt.awq_search_tokens,
                  "AWQ: calibration tokens scored per scale candidate (block output)")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{2}, int64_t{1} << 30));
  cmd->add_option("--damp", q->opt.damp, "GPTQ dampening, fraction of mean(diag H)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 10.0));
  cmd->add_option("--eval", q->eval_file, "Text file: print perplexity before and after")
      ->check(CLI::ExistingFile);
  cmd->add_option("--eval-ctx", q->eval_ctx, "Chunk size for --eval")
      ->capture_default_str()
      ->check(CLI::Range(4, 1 << 20));
  cmd->add_option("-t,--threads", q->threads, "Threads (default: all)")->check(CLI::Range(0, 1024));
  return [q, cmd]() { return run_quantize(*q, cmd->count("--type") > 0); };
}

}  // namespace tandem::cli
