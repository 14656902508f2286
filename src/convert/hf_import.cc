#include "convert/hf_import.h"

#include <nlohmann/json.hpp>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <stdexcept>

#include "convert/hf_config.h"
#include "convert/hf_tokenizer.h"
#include "convert/safetensors.h"
#include "kernels/quant/quant_formats.h"
#include "model/gguf_file.h"
#include "model/gguf_writer.h"

namespace tandem::convert {
namespace {

using model::GgmlType;

GgmlType matrix_type(const std::string& t) {
  if (t == "f16") return GgmlType::F16;
  if (t == "bf16") return GgmlType::BF16;
  if (t == "f32") return GgmlType::F32;
  throw std::invalid_argument("unknown --type '" + t + "' (want f16, bf16 or f32)");
}

// llama.cpp's general.file_type (LLAMA_FTYPE_ALL_F32 / MOSTLY_F16 / MOSTLY_BF16).
uint32_t file_type(GgmlType t) {
  return t == GgmlType::F32 ? 0 : t == GgmlType::F16 ? 1 : 32;
}

std::string shape_str(const std::vector<int64_t>& s) {
  std::string out = "[";
  for (size_t i = 0; i < s.size(); ++i) out += (i ? ", " : "") + std::to_string(s[i]);
  return out + "]";
}

// The safetensors files of a model directory, single or sharded, and where each tensor is.
class WeightSet {
 public:
  explicit WeightSet(const std::filesystem::path& dir) {
    const auto index = dir / "model.safetensors.index.json";
    if (std::filesystem::exists(index)) {
      std::ifstream f(index);
      nlohmann::json j;
      try {
        j = nlohmann::json::parse(f);
      } catch (const nlohmann::json::exception& e) {
        throw std::runtime_error(index.string() + ": not valid JSON: " + e.what());
      }
      if (!j.contains("weight_map") || !j["weight_map"].is_object())
        throw std::runtime_error(index.string() + ": no \"weight_map\" object");
      std::map<std::string, size_t> file_index;
      for (const auto& [name, file] : j["weight_map"].items()) {
        if (!file.is_string())
          throw std::runtime_error(index.string() + ": weight_map entry for " + name +
                                   " is not a file name");
        const std::string fname = file.get<std::string>();
        if (fname.find('/') != std::string::npos || fname.find("..") != std::string::npos)
          throw std::runtime_error(index.string() + ": shard name '" + fname +
                                   "' is not a plain file name");
        auto [it, added] = file_index.emplace(fname, files_.size());
        if (added) files_.push_back(SafetensorsFile::open((dir / fname).string()));
        const SafeTensor* t = files_[it->second].find(name);
        if (!t)
          throw std::runtime_error((dir / fname).string() + ": has no tensor " + name +
                                   " (model.safetensors.index.json puts it there)");
        where_[name] = t;
        path_[name] = files_[it->second].path();
      }
    } else if (std::filesystem::exists(dir / "model.safetensors")) {
      files_.push_back(SafetensorsFile::open((dir / "model.safetensors").string()));
      for (const auto& t : files_[0].tensors()) {
        where_[t.name] = &t;
        path_[t.name] = files_[0].path();
      }
    } else {
      throw std::runtime_error(dir.string() +
                               ": no model.safetensors or model.safetensors.index.json");
    }
  }
  const SafeTensor* find(const std::string& name) const {
    auto it = where_.find(name);
    return it == where_.end() ? nullptr : it->second;
  }
  const std::string& path_of(const std::string& name) const { return path_.at(name); }
  std::vector<std::string> names() const {
    std::vector<std::string> n;
    for (const auto& [k, v] : where_) n.push_back(k);
    return n;
  }

 private:
  std::vector<SafetensorsFile> files_;  // move-only; pointers into their mappings stay valid
  std::map<std::string, const SafeTensor*> where_;
  std::map<std::string, std::string> path_;
};

}  // namespace

HfImportReport convert_hf(const HfImportOptions& opt) {
  const GgmlType mtype = matrix_type(opt.type);
  const std::filesystem::path dir(opt.dir);
  if (!std::filesystem::is_directory(dir)) throw std::runtime_error(opt.dir + ": not a directory");
  const HfConfig c = read_hf_config((dir / "config.json").string());
  const std::string a = c.gguf_arch() + ".";

  model::GgufWriter w;
  w.set_string("general.architecture", c.gguf_arch());
  std::string name = dir.filename().string();
  if (name.empty()) name = dir.parent_path().filename().string();
  w.set_string("general.name", name);
  w.set_u32("general.file_type", file_type(mtype));
  w.set_u32(a + "vocab_size", static_cast<uint32_t>(c.vocab_size));
  w.set_u32(a + "context_length", static_cast<uint32_t>(c.max_position_embeddings));
  w.set_u32(a + "embedding_length", static_cast<uint32_t>(c.hidden_size));
  w.set_u32(a + "feed_forward_length", static_cast<uint32_t>(c.intermediate_size));
  w.set_u32(a + "attention.head_count", static_cast<uint32_t>(c.num_attention_heads));
  w.set_u32(a + "attention.head_count_kv", static_cast<uint32_t>(c.num_key_value_heads));
  w.set_u32(a + "block_count", static_cast<uint32_t>(c.num_hidden_layers));
  if (c.head_dim * c.num_attention_heads != c.hidden_size) {
    w.set_u32(a + "attention.key_length", static_cast<uint32_t>(c.head_dim));
    w.set_u32(a + "attention.value_length", static_cast<uint32_t>(c.head_dim));
  }
  w.set_u32(a + "rope.dimension_count", static_cast<uint32_t>(c.head_dim));
  w.set_f32(a + "rope.freq_base", static_cast<float>(c.rope_theta));
  w.set_f32(a + "attention.layer_norm_rms_epsilon", static_cast<float>(c.rms_norm_eps));
  add_hf_tokenizer(opt.dir, c, w);

  const WeightSet weights(dir);
  HfImportReport report;
  report.arch = c.gguf_arch();
  std::set<std::string> used;
  struct Job {
    HfTensorName name;
    const SafeTensor* t;
    GgmlType type;
  };
  std::vector<Job> jobs;
  size_t total = 0;
  for (const auto& name : hf_tensor_plan(c)) {
    const SafeTensor* t = weights.find(name.hf);
    if (!t) {
      if (name.is_output && c.tie_word_embeddings) continue;  // llama.cpp reuses token_embd
      throw std::runtime_error(opt.dir + ": missing tensor " + name.hf +
                               (name.is_output ? " (and tie_word_embeddings is false)" : ""));
    }
    if (t->shape != name.shape)
      throw std::runtime_error(weights.path_of(name.hf) + ": tensor " + name.hf + " has shape " +
                               shape_str(t->shape) + ", expected " + shape_str(name.shape) +
                               " from config.json");
    if (t->dtype != "F32" && t->dtype != "F16" && t->dtype != "BF16")
      throw std::runtime_error(weights.path_of(name.hf) + ": tensor " + name.hf + " has dtype " +
                               t->dtype + " (supported: F32, F16, BF16)");
    used.insert(name.hf);
    const GgmlType type = name.shape.size() == 1 ? GgmlType::F32 : mtype;
    jobs.push_back({name, t, type});
    total += model::row_bytes(type, name.shape.back()) *
             static_cast<size_t>(t->n_elements() / name.shape.back());
  }
  for (const auto& n : weights.names())
    if (!used.count(n)) report.ignored.push_back(n);

  size_t done = 0;
  for (const auto& job : jobs) {
    const std::vector<int64_t> dims(job.name.shape.rbegin(), job.name.shape.rend());
    auto fill = [job, &done, total, &opt](std::span<uint8_t> out) {
      const SafeTensor& t = *job.t;
      const int64_t n = t.n_elements();
      const size_t es = model::row_bytes(job.type, 1);
      std::vector<uint8_t> buf(out.size());
      if (t.dtype == "F32" && job.type == GgmlType::F32) {
        std::memcpy(buf.data(), t.data.data(), buf.size());  // exact
      } else if (t.dtype == "F16" && job.type == GgmlType::F16) {
        std::memcpy(buf.data(), t.data.data(), buf.size());
      } else if (t.dtype == "BF16" && job.type == GgmlType::BF16) {
        std::memcpy(buf.data(), t.data.data(), buf.size());
      } else {
        std::vector<float> f(static_cast<size_t>(n));
        to_f32(t, f.data());
        kernels::quantize(job.type, f.data(), buf.data(), n);
      }
      if (job.name.rope_heads > 0)
        permute_rope_rows(buf.data(), out.data(), job.name.shape[0], job.name.shape[1], es,
                          job.name.rope_heads, /*to_gguf=*/true);
      else
        std::memcpy(out.data(), buf.data(), out.size());
      done += out.size();
      if (opt.progress) opt.progress(done, total, job.name.gguf);
    };
    w.add_tensor_lazy(job.name.gguf, job.type, dims, fill);
  }
  w.write(opt.output);
  report.n_tensors = jobs.size();
  report.bytes = total;
  return report;
}

}  // namespace tandem::convert
