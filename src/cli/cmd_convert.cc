// tandem convert: a Hugging Face Llama / Qwen2 directory as a GGUF model.
#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/progress_bar.h"
#include "convert/hf_import.h"

namespace tandem::cli {

CommandAction register_convert(CLI::App& app) {
  auto opt = std::make_shared<convert::HfImportOptions>();
  auto* cmd = app.add_subcommand("convert",
                                 "Convert a Hugging Face model directory (Llama, Qwen2) to GGUF");
  cmd->add_option("dir", opt->dir, "HF directory (config.json, *.safetensors, tokenizer.json)")
      ->required()
      ->check(CLI::ExistingDirectory);
  cmd->add_option("-o,--output", opt->output, "Output GGUF path")->required();
  cmd->add_option("--type", opt->type, "f16|bf16|f32 (matrices; 1-D tensors stay F32)")
      ->capture_default_str()
      ->check(CLI::IsMember({"f16", "bf16", "f32"}));
  return [opt]() {
    ProgressBar bar("convert " + opt->output);
    opt->progress = [&bar](size_t done, size_t total, const std::string& what) {
      bar.update(done, total, what);
    };
    const auto r = convert::convert_hf(*opt);
    bar.finish();
    for (const auto& n : r.ignored) fmt::print(stderr, "note: ignored tensor {}\n", n);
    fmt::print("wrote {}: {} {} tensors, {} bytes ({})\n", opt->output, r.arch, r.n_tensors,
               r.bytes, opt->type);
    return 0;
  };
}

}  // namespace tandem::cli
