#include "convert/hf_export.h"

#include <nlohmann/json.hpp>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "convert/hf_config.h"
#include "convert/hf_tokenizer.h"
#include "convert/safetensors.h"
#include "kernels/quant/quant_formats.h"
#include "model/gguf_file.h"
#include "model/llama2c.h"
#include "model/model_config.h"

namespace tandem::convert {
namespace {

struct OutType {
  std::string st_dtype, torch;
  size_t size;
};

OutType out_type(const std::string& t) {
  if (t == "bf16") return {"BF16", "bfloat16", 2};
  if (t == "f16") return {"F16", "float16", 2};
  if (t == "f32") return {"F32", "float32", 4};
  throw std::invalid_argument("unknown --type '" + t + "' (want bf16, f16 or f32)");
}

// A GGUF tensor as HF bytes of the output dtype, with q/k rows in HF's rope layout.
std::vector<uint8_t> hf_bytes(const model::GgufTensorInfo& t, const HfTensorName& name,
                              const OutType& ot) {
  const int64_t n = t.n_elements();
  std::vector<uint8_t> out(static_cast<size_t>(n) * ot.size);
  if (t.type == model::GgmlType::F32 && ot.st_dtype == "F32") {
    std::memcpy(out.data(), t.data, out.size());  // exact, no float round trip
  } else {
    std::vector<float> f(static_cast<size_t>(n));
    kernels::dequantize(t.type, t.data, f.data(), n);
    for (int64_t i = 0; i < n; ++i) {
      if (ot.st_dtype == "F32") {
        std::memcpy(out.data() + 4 * i, &f[static_cast<size_t>(i)], 4);
        continue;
      }
      const uint16_t h = ot.st_dtype == "BF16" ? kernels::f32_to_bf16(f[static_cast<size_t>(i)])
                                               : kernels::f32_to_fp16(f[static_cast<size_t>(i)]);
      std::memcpy(out.data() + 2 * i, &h, 2);
    }
  }
  if (name.rope_heads > 0) {
    std::vector<uint8_t> permuted(out.size());
    permute_rope_rows(out.data(), permuted.data(), t.n_rows(), t.row_length(), ot.size,
                      name.rope_heads, /*to_gguf=*/false);
    out.swap(permuted);
  }
  return out;
}

std::string shard_name(size_t i, size_t n) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "model-%05zu-of-%05zu.safetensors", i + 1, n);
  return buf;
}

}  // namespace

HfExportReport export_hf(const HfExportOptions& opt) {
  const OutType ot = out_type(opt.type);
  const model::GgufFile g = model::looks_like_llama2c(opt.model)
                                ? model::load_llama2c(opt.model, opt.tokenizer)
                                : model::GgufFile::open(opt.model);
  const auto mc = model::ModelConfig::from_gguf(g);
  if (mc.arch != "llama")
    throw g.error("export-hf writes Llama models only (this one is " + mc.arch + ")");
  if (mc.n_rot != mc.head_dim) throw g.error("partial rotary embeddings are not supported");
  if (mc.rope_freq_scale != 1.0f) throw g.error("rope scaling is not supported by export-hf");

  HfConfig c;
  c.architecture = "LlamaForCausalLM";
  c.hidden_size = mc.n_embd;
  c.intermediate_size = mc.n_ff;
  c.num_hidden_layers = mc.n_layer;
  c.num_attention_heads = mc.n_head;
  c.num_key_value_heads = mc.n_head_kv;
  c.head_dim = mc.head_dim;
  c.vocab_size = mc.n_vocab;
  c.max_position_embeddings = mc.n_ctx_train;
  c.rms_norm_eps = mc.rms_eps;
  c.rope_theta = mc.rope_freq_base;
  c.torch_dtype = ot.torch;
  c.bos_token_id = g.get_int("tokenizer.ggml.bos_token_id", 1);
  c.eos_token_id = g.get_int("tokenizer.ggml.eos_token_id", 2);
  const auto* embd = g.find_tensor("token_embd.weight");
  const auto* output = g.find_tensor("output.weight");
  c.tie_word_embeddings =
      output == nullptr || (embd && output->type == embd->type && output->nbytes == embd->nbytes &&
                            std::memcmp(output->data, embd->data, embd->nbytes) == 0);

  // Plan: every tensor with its shape checked, then shards of at most shard_size bytes.
  struct Item {
    HfTensorName name;
    const model::GgufTensorInfo* t;
    size_t bytes;
  };
  std::vector<Item> items;
  size_t total = 0;
  for (const auto& name : hf_tensor_plan(c)) {
    if (name.is_output && c.tie_word_embeddings) continue;
    const auto& t = g.tensor(name.gguf);
    const std::vector<int64_t> want(name.shape.rbegin(), name.shape.rend());
    if (t.dims != want)
      throw g.error("tensor " + name.gguf + " has an unexpected shape for this config");
    const size_t bytes = static_cast<size_t>(t.n_elements()) * ot.size;
    items.push_back({name, &t, bytes});
    total += bytes;
  }
  std::vector<size_t> shard_of(items.size(), 0);
  size_t n_shards = 1, in_shard = 0;
  for (size_t i = 0; i < items.size(); ++i) {
    if (opt.shard_size > 0 && in_shard > 0 && in_shard + items[i].bytes > opt.shard_size) {
      ++n_shards;
      in_shard = 0;
    }
    shard_of[i] = n_shards - 1;
    in_shard += items[i].bytes;
  }
  const bool sharded = opt.shard_size > 0 && n_shards > 1;

  std::filesystem::create_directories(opt.out_dir);
  const std::filesystem::path dir(opt.out_dir);
  HfExportReport report;
  report.tied = c.tie_word_embeddings;
  report.tensor_bytes = total;
  write_hf_config(c, (dir / "config.json").string());
  write_hf_tokenizer(g, opt.out_dir);
  report.files = {"config.json", "tokenizer.json", "tokenizer_config.json"};

  nlohmann::ordered_json weight_map = nlohmann::ordered_json::object();
  size_t done = 0, next = 0;
  for (size_t s = 0; s < n_shards; ++s) {
    SafetensorsWriter w;
    w.set_metadata("format", "pt");
    const std::string file = sharded ? shard_name(s, n_shards) : "model.safetensors";
    for (; next < items.size() && shard_of[next] == s; ++next) {
      const auto& it = items[next];
      w.add(it.name.hf, ot.st_dtype, it.name.shape, hf_bytes(*it.t, it.name, ot));
      weight_map[it.name.hf] = file;
      done += it.bytes;
      if (opt.progress) opt.progress(done, total, it.name.hf);
    }
    w.write((dir / file).string());
    report.files.push_back(file);
  }
  if (!sharded) std::filesystem::remove(dir / "model.safetensors.index.json");  // stale
  if (sharded) {
    nlohmann::ordered_json index = {{"metadata", {{"total_size", total}}},
                                    {"weight_map", weight_map}};
    const std::string path = (dir / "model.safetensors.index.json").string();
    std::ofstream f(path);
    f << index.dump(2) << "\n";
    if (!f) throw std::runtime_error(path + ": write failed");
    report.files.push_back("model.safetensors.index.json");
  }
  return report;
}

}  // namespace tandem::convert
