// `tandem quantize`: a GGUF model in, a quantized GGUF out, layer by layer.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "model/ggml_types.h"

namespace tandem::quant {

enum class Method { kRtn, kGptq, kAwq, kAwqGptq };
Method parse_method(const std::string& s);  // rtn | gptq | awq | awq+gptq
const char* method_name(Method m);

struct QuantizeOptions {
  std::string input, output;
  model::GgmlType type = model::GgmlType::Q4_0;
  Method method = Method::kRtn;
  int64_t group = 0;        // 0: the block size (32); must be a multiple of 32
  std::string policy_path;  // empty: every linear at `type`
  // A llama-quantize mix ("Q4_K_M", quant/presets.h), built for the model's layer count;
  // it also names general.file_type. Exclusive with policy_path.
  std::string preset;
  std::string calib_path;   // required for gptq / awq
  int64_t calib_tokens = 16384;
  int32_t calib_ctx = 256;
  double damp = 0.01;
  // Calibration tokens (whole chunks, from the start) for AWQ's block-output scoring: each
  // α candidate is one forward pass over them.
  int64_t awq_search_tokens = 4096;
  int threads = 1;
  // Called once per finished layer (and once for the non-layer tensors).
  std::function<void(int64_t done, int64_t total, const std::string& what)> progress;
  std::function<void(const std::string&)> log;  // one line of detail (AWQ α, GPTQ damping)
};

struct QuantizeReport {
  size_t bytes_in = 0, bytes_out = 0;  // tensor bytes
  std::vector<std::string> fallbacks;  // "tensor: TYPE -> TYPE (why)"
  std::string calib_hash;
  int64_t calib_tokens = 0;
  std::string policy_name;
};

// Throws std::invalid_argument / std::runtime_error / model::ModelFileError / PolicyError
// with a one-line message for bad inputs.
QuantizeReport quantize_model(const QuantizeOptions& opt);

}  // namespace tandem::quant
