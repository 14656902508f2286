// Mixed-precision policies: TOML rules from tensor class and layer range to a type, and the
// fallback rule for rows a block type cannot hold.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "model/ggml_types.h"

namespace tandem::quant {

class PolicyError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class TensorClass {
  kTokenEmbd,
  kAttnQ,
  kAttnK,
  kAttnV,
  kAttnOutput,
  kFfnGate,
  kFfnUp,
  kFfnDown,
  kOutput,
  kOther
};

// "blk.3.attn_q.weight" -> kAttnQ with *layer = 3; "output.weight" -> kOutput (layer -1).
TensorClass classify(const std::string& tensor_name, int64_t* layer);
const char* class_name(TensorClass c);

struct PolicyRule {
  std::vector<TensorClass> classes;
  int64_t first = 0, last = -1;  // layer range, inclusive; negative counts from the end
  bool all_layers = true;
  std::optional<model::GgmlType> type;  // nullopt: the --type given on the command line
};

class Policy {
 public:
  // Every tensor at `base`.
  static Policy uniform(model::GgmlType base);
  // Throws PolicyError("PATH: problem") for unknown keys, classes or types.
  static Policy from_file(const std::string& path, model::GgmlType base);
  static Policy parse(const std::string& toml_text, const std::string& source,
                      model::GgmlType base);

  const std::string& name() const { return name_; }
  const std::string& source_text() const { return text_; }
  // The first matching rule's type, else the default.
  model::GgmlType wanted(TensorClass c, int64_t layer, int64_t n_layer) const;

 private:
  std::string name_ = "uniform";
  std::string text_;
  model::GgmlType base_ = model::GgmlType::Q4_0;
  std::optional<model::GgmlType> default_;
  std::vector<PolicyRule> rules_;
};

// The fallback rule: a row length the wanted type's blocks don't divide gets the next type in
// Q4_K -> Q4_1, Q6_K -> Q8_0, then {Q4_0, Q4_1, Q8_0} -> F16; *why explains (empty when the
// wanted type fits).
model::GgmlType fitting_type(model::GgmlType want, int64_t cols, std::string* why);

}  // namespace tandem::quant
