// `tandem export-hf`: a Llama GGUF (or llama2.c checkpoint) as a Hugging Face model directory.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace tandem::convert {

struct HfExportOptions {
  std::string model;      // .gguf or llama2.c .bin
  std::string tokenizer;  // llama2.c tokenizer (for .bin models)
  std::string out_dir;
  std::string type = "bf16";  // bf16 | f16 | f32
  uint64_t shard_size = 0;    // > 0: model-0000x-of-0000y.safetensors + index
  std::function<void(size_t done, size_t total, const std::string& what)> progress;
};

struct HfExportReport {
  std::vector<std::string> files;  // written, relative to out_dir
  size_t tensor_bytes = 0;
  bool tied = false;
};

// Throws std::runtime_error / model::ModelFileError with a one-line message.
HfExportReport export_hf(const HfExportOptions& opt);

}  // namespace tandem::convert
