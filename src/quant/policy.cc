#include "quant/policy.h"

#include <toml++/toml.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "kernels/quant/quant_formats.h"

namespace tandem::quant {
namespace {

using model::GgmlType;

struct ClassName {
  const char* name;
  TensorClass cls;
};
constexpr ClassName kClasses[] = {
    {"token_embd", TensorClass::kTokenEmbd},   {"attn_q", TensorClass::kAttnQ},
    {"attn_k", TensorClass::kAttnK},           {"attn_v", TensorClass::kAttnV},
    {"attn_output", TensorClass::kAttnOutput}, {"ffn_gate", TensorClass::kFfnGate},
    {"ffn_up", TensorClass::kFfnUp},           {"ffn_down", TensorClass::kFfnDown},
    {"output", TensorClass::kOutput},
};

std::string known_classes() {
  std::string s;
  for (const auto& c : kClasses) s += std::string(s.empty() ? "" : ", ") + c.name;
  return s;
}

GgmlType parse_policy_type(const std::string& s, const std::string& where) {
  GgmlType t;
  try {
    t = model::parse_type_name(s);
  } catch (const std::invalid_argument&) {
    throw PolicyError(where + ": unknown type '" + s + "'");
  }
  if (!kernels::can_quantize(t))
    throw PolicyError(
        where + ": Tandem cannot write type '" + s +
        "' (use f32, f16, bf16, q8_0, q4_0, q4_1, q4_k, q6_k, q3_k, q2_k, iq4_xs or base)");
  return t;
}

}  // namespace

TensorClass classify(const std::string& name, int64_t* layer) {
  *layer = -1;
  std::string stem = name;
  if (stem.rfind("blk.", 0) == 0) {
    const auto dot = stem.find('.', 4);
    if (dot == std::string::npos) return TensorClass::kOther;
    *layer = std::stoll(stem.substr(4, dot - 4));
    stem = stem.substr(dot + 1);
  }
  const auto suffix = stem.rfind(".weight");
  if (suffix == std::string::npos || suffix + 7 != stem.size()) return TensorClass::kOther;
  stem.resize(suffix);
  for (const auto& c : kClasses)
    if (stem == c.name) return c.cls;
  return TensorClass::kOther;
}

const char* class_name(TensorClass c) {
  for (const auto& k : kClasses)
    if (k.cls == c) return k.name;
  return "other";
}

Policy Policy::uniform(GgmlType base) {
  Policy p;
  p.base_ = base;
  p.name_ = "uniform";
  return p;
}

Policy Policy::from_file(const std::string& path, GgmlType base) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw PolicyError(path + ": cannot read policy file");
  std::ostringstream ss;
  ss << f.rdbuf();
  return parse(ss.str(), path, base);
}

Policy Policy::parse(const std::string& text, const std::string& src, GgmlType base) {
  toml::table root;
  try {
    root = toml::parse(text, src);
  } catch (const toml::parse_error& e) {
    throw PolicyError(src + ":" + std::to_string(e.source().begin.line) + ": " +
                      std::string(e.description()));
  }
  Policy p;
  p.base_ = base;
  p.text_ = text;
  p.name_ = "unnamed";
  for (const auto& [key, node] : root) {
    const std::string k(key.str());
    if (k == "name") {
      if (!node.is_string()) throw PolicyError(src + ": 'name' must be a string");
      p.name_ = node.value<std::string>().value();
    } else if (k == "description") {
      if (!node.is_string()) throw PolicyError(src + ": 'description' must be a string");
    } else if (k == "default") {
      if (!node.is_string()) throw PolicyError(src + ": 'default' must be a type name");
      const auto v = node.value<std::string>().value();
      if (v != "base") p.default_ = parse_policy_type(v, src + ": default");
    } else if (k == "rules") {
      const auto* arr = node.as_array();
      if (!arr) throw PolicyError(src + ": 'rules' must be an array of tables ([[rules]])");
      for (size_t i = 0; i < arr->size(); ++i) {
        const std::string where = src + ": rules[" + std::to_string(i) + "]";
        const auto* t = (*arr)[i].as_table();
        if (!t) throw PolicyError(where + " is not a table");
        PolicyRule r;
        bool has_type = false, has_tensors = false;
        for (const auto& [rk, rv] : *t) {
          const std::string key2(rk.str());
          if (key2 == "tensors") {
            const auto* ta = rv.as_array();
            if (!ta) throw PolicyError(where + ": 'tensors' must be an array of class names");
            for (const auto& e : *ta) {
              const auto s = e.value<std::string>();
              bool found = false;
              for (const auto& c : kClasses)
                if (s && *s == c.name) r.classes.push_back(c.cls), found = true;
              if (!found)
                throw PolicyError(where + ": unknown tensor class '" + s.value_or("?") +
                                  "' (known: " + known_classes() + ")");
            }
            has_tensors = true;
          } else if (key2 == "layers") {
            const auto* la = rv.as_array();
            if (rv.is_string() && rv.value<std::string>() == "all") continue;
            if (!la || la->size() != 2 || !(*la)[0].is_integer() || !(*la)[1].is_integer())
              throw PolicyError(where + ": 'layers' must be \"all\" or [first, last]");
            r.first = (*la)[0].value<int64_t>().value();
            r.last = (*la)[1].value<int64_t>().value();
            r.all_layers = false;
          } else if (key2 == "type") {
            const auto v = rv.value<std::string>();
            if (!v) throw PolicyError(where + ": 'type' must be a type name");
            if (*v != "base") r.type = parse_policy_type(*v, where);
            has_type = true;
          } else {
            throw PolicyError(where + ": unknown key '" + key2 +
                              "' (known: tensors, layers, type)");
          }
        }
        if (!has_type || !has_tensors)
          throw PolicyError(where + ": needs both 'tensors' and 'type'");
        p.rules_.push_back(std::move(r));
      }
    } else {
      throw PolicyError(src + ": unknown key '" + k +
                        "' (known: name, description, default, rules)");
    }
  }
  return p;
}

GgmlType Policy::wanted(TensorClass c, int64_t layer, int64_t n_layer) const {
  for (const auto& r : rules_) {
    if (std::find(r.classes.begin(), r.classes.end(), c) == r.classes.end()) continue;
    if (!r.all_layers) {
      if (layer < 0) continue;  // layer ranges apply to blk.N tensors only
      const int64_t first = r.first < 0 ? n_layer + r.first : r.first;
      const int64_t last = r.last < 0 ? n_layer + r.last : r.last;
      if (layer < first || layer > last) continue;
    }
    return r.type.value_or(base_);
  }
  return default_.value_or(base_);
}

GgmlType fitting_type(GgmlType want, int64_t cols, std::string* why) {
  GgmlType t = want;
  while (cols % model::traits(t).block_size != 0) {
    switch (t) {
      case GgmlType::Q4_K:
        t = GgmlType::Q4_1;
        break;
      case GgmlType::Q6_K:
        t = GgmlType::Q8_0;
        break;
      case GgmlType::Q2_K:  // llama.cpp's fallback for these three
      case GgmlType::Q3_K:
      case GgmlType::IQ4_XS:
        t = GgmlType::IQ4_NL;
        break;
      default:
        t = GgmlType::F16;
        break;
    }
  }
  if (why) {
    why->clear();
    if (t != want)
      *why = std::string(model::type_name(want)) + " -> " + std::string(model::type_name(t)) +
             " (rows of " + std::to_string(cols) + " are not whole " +
             std::string(model::type_name(want)) + " blocks)";
  }
  return t;
}

}  // namespace tandem::quant
