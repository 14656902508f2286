// `tandem convert`: a Hugging Face Llama / Qwen2 directory as a GGUF file llama.cpp loads.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace tandem::convert {

struct HfImportOptions {
  std::string dir;  // config.json, model.safetensors (or sharded + index), tokenizer.json, ...
  std::string output;
  std::string type = "f16";  // f16 | bf16 | f32 for matrices; 1-D tensors stay F32
  std::function<void(size_t done, size_t total, const std::string& what)> progress;
};

struct HfImportReport {
  std::string arch;
  size_t n_tensors = 0;
  size_t bytes = 0;
  std::vector<std::string> ignored;  // safetensors entries the model does not use
};

// Throws std::runtime_error / model::ModelFileError with a one-line message naming the file.
HfImportReport convert_hf(const HfImportOptions& opt);

}  // namespace tandem::convert
