// tandem export-hf: a Llama GGUF / llama2.c checkpoint as a Hugging Face model directory.
#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/progress_bar.h"
#include "convert/hf_export.h"

namespace tandem::cli {

CommandAction register_export_hf(CLI::App& app) {
  auto opt = std::make_shared<convert::HfExportOptions>();
  auto* cmd = app.add_subcommand(
      "export-hf",
      "Write a Llama model as a Hugging Face directory (config.json, safetensors, "
      "tokenizer.json)");
  cmd->add_option("-m,--model", opt->model, "Model (.gguf, or llama2.c .bin with -z)")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("-z,--tokenizer", opt->tokenizer, "llama2.c tokenizer (tok512.bin)")
      ->check(CLI::ExistingFile);
  cmd->add_option("-o,--output", opt->out_dir, "Output directory")->required();
  cmd->add_option("--type", opt->type, "bf16|f16|f32")
      ->capture_default_str()
      ->check(CLI::IsMember({"bf16", "f16", "f32"}));
  cmd->add_option("--shard-size", opt->shard_size,
                  "Split the weights into safetensors shards of at most this many bytes");
  return [opt]() {
    ProgressBar bar("export-hf " + opt->out_dir);
    opt->progress = [&bar](size_t done, size_t total, const std::string& what) {
      bar.update(done, total, what);
    };
    const auto r = convert::export_hf(*opt);
    bar.finish();
    fmt::print("wrote {} ({} tensor bytes, {}{}):", opt->out_dir, r.tensor_bytes, opt->type,
               r.tied ? ", tied embeddings" : "");
    for (const auto& f : r.files) fmt::print(" {}", f);
    fmt::print("\n");
    return 0;
  };
}

}  // namespace tandem::cli
