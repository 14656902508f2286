#include "engine/model.h"

#include <algorithm>
#include <thread>

#include "kernels/matmul.h"
#include "kernels/thread_pool.h"
#include "model/llama2c.h"

namespace tandem::engine {
namespace {

using model::GgmlType;
using model::GgufFile;
using model::GgufTensorInfo;

std::string shape_string(const std::vector<int64_t>& dims) {
  std::string s = "[";
  for (size_t i = 0; i < dims.size(); ++i) s += (i ? ", " : "") + std::to_string(dims[i]);
  return s + "]";
}

// Looks up tensors by name and checks their shapes against the config.
class Binder {
 public:
  explicit Binder(const GgufFile& f) : f_(f) {}

  const GgufTensorInfo* find(const std::string& name) const { return f_.find_tensor(name); }
  model::ModelFileError error(const std::string& message) const { return f_.error(message); }

  const GgufTensorInfo& require(const std::string& name, std::vector<int64_t> dims) const {
    const auto& t = f_.tensor(name);
    if (t.dims != dims)
      throw f_.error("tensor '" + name + "' has shape " + shape_string(t.dims) + ", expected " +
                     shape_string(dims));
    return t;
  }

  kernels::WeightView matrix(const std::string& name, int64_t n_in, int64_t n_out) const {
    return view(require(name, {n_in, n_out}));
  }

  // A stacked [n_in, n_out, n_expert] tensor as n_expert matrices: expert e's rows are the
  // e-th run of n_out rows, whole rows of whole blocks for every type, so no copy is needed.
  std::vector<kernels::WeightView> experts(const std::string& name, int64_t n_in, int64_t n_out,
                                           int64_t n_expert) const {
    kernels::WeightView all = view(require(name, {n_in, n_out, n_expert}));
    std::vector<kernels::WeightView> out(static_cast<size_t>(n_expert), all);
    for (int64_t e = 0; e < n_expert; ++e) {
      out[static_cast<size_t>(e)].data = all.row(e * n_out);
      out[static_cast<size_t>(e)].rows = n_out;
    }
    return out;
  }

  kernels::WeightView view(const GgufTensorInfo& t) const {
    if (!kernels::matmul_supports(t.type))
      throw f_.error("tensor '" + t.name + "' has type " + std::string(model::type_name(t.type)) +
                     ", which Tandem cannot compute with (supported: F32, F16, BF16, Q8_0, Q4_0, "
                     "Q4_1, Q5_0, Q4_K, Q6_K)");
    kernels::WeightView v;
    v.type = t.type;
    v.cols = t.dims[0];
    v.rows = t.dims.size() > 1 ? t.dims[1] : 1;
    v.data = t.data;
    v.row_bytes = model::row_bytes(t.type, v.cols);
    return v;
  }

  // Norms and biases are F32 vectors in every GGUF llama.cpp writes.
  const float* vector(const std::string& name, int64_t n, bool optional = false) const {
    const auto* t = find(name);
    if (!t) {
      if (optional) return nullptr;
      throw f_.error("missing tensor '" + name + "'");
    }
    if (t->dims != std::vector<int64_t>{n})
      throw f_.error("tensor '" + name + "' has shape " + shape_string(t->dims) + ", expected [" +
                     std::to_string(n) + "]");
    if (t->type != GgmlType::F32)
      throw f_.error("tensor '" + name + "' must be F32, found " +
                     std::string(model::type_name(t->type)));
    if (reinterpret_cast<uintptr_t>(t->data) % alignof(float) != 0)
      throw f_.error("tensor '" + name + "' is not 4-byte aligned");
    return reinterpret_cast<const float*>(t->data);
  }

 private:
  const GgufFile& f_;
};

// Rows [first, first + count) of a matrix: the parts of a fused tensor (attn_qkv, glm4's
// gate+up ffn_up) are row ranges of it, so they run as separate matrices with no copy.
kernels::WeightView row_range(kernels::WeightView v, int64_t first, int64_t count) {
  v.data = v.row(first);
  v.rows = count;
  return v;
}

// Q, K, V: separate matrices, or one fused attn_qkv (rows q, then k, then v), as llama.cpp
// reads either for glm4 and phi3. Biases: required for qwen2, taken when present for glm4.
void bind_attention(const Binder& b, const model::ModelConfig& c, const std::string& p,
                    LayerWeights& L) {
  const bool glm4 = c.arch == "glm4";
  // Phi-3 conversions write attn_qkv; a file with neither layout is refused naming attn_qkv.
  const bool phi3_fused = c.arch == "phi3" && !b.find(p + "attn_q.weight");
  if (phi3_fused || (glm4 && b.find(p + "attn_qkv.weight"))) {
    const auto qkv = b.matrix(p + "attn_qkv.weight", c.n_embd, c.q_dim() + 2 * c.kv_dim());
    L.wq = row_range(qkv, 0, c.q_dim());
    L.wk = row_range(qkv, c.q_dim(), c.kv_dim());
    L.wv = row_range(qkv, c.q_dim() + c.kv_dim(), c.kv_dim());
    if (const float* bias =
            b.vector(p + "attn_qkv.bias", c.q_dim() + 2 * c.kv_dim(), /*optional=*/true)) {
      L.q_bias = bias;
      L.k_bias = bias + c.q_dim();
      L.v_bias = bias + c.q_dim() + c.kv_dim();
    }
  } else {
    L.wq = b.matrix(p + "attn_q.weight", c.n_embd, c.q_dim());
    L.wk = b.matrix(p + "attn_k.weight", c.n_embd, c.kv_dim());
    L.wv = b.matrix(p + "attn_v.weight", c.n_embd, c.kv_dim());
    if (c.qkv_bias || glm4) {
      const bool optional = !c.qkv_bias;
      L.q_bias = b.vector(p + "attn_q.bias", c.q_dim(), optional);
      L.k_bias = b.vector(p + "attn_k.bias", c.kv_dim(), optional);
      L.v_bias = b.vector(p + "attn_v.bias", c.kv_dim(), optional);
      // The forward adds all three or none.
      if ((L.q_bias || L.k_bias || L.v_bias) && !(L.q_bias && L.k_bias && L.v_bias))
        throw b.error(p + "attn_q/k/v.bias: some of the three are present, not all");
    }
  }
  L.wo = b.matrix(p + "attn_output.weight", c.q_dim(), c.n_embd);
  if (c.qk_norm) {
    L.q_norm = b.vector(p + "attn_q_norm.weight", c.head_dim);
    L.k_norm = b.vector(p + "attn_k_norm.weight", c.head_dim);
  }
  if (c.post_norms) L.attn_post_norm = b.vector(p + "post_attention_norm.weight", c.n_embd);
}

void bind_ffn(const Binder& b, const model::ModelConfig& c, const std::string& p, LayerWeights& L) {
  L.ffn_norm = b.vector(p + "ffn_norm.weight", c.n_embd);
  if (c.is_moe()) {
    L.ffn_gate_inp = b.matrix(p + "ffn_gate_inp.weight", c.n_embd, c.n_expert);
    L.gate_exps = b.experts(p + "ffn_gate_exps.weight", c.n_embd, c.n_ff_exp, c.n_expert);
    L.up_exps = b.experts(p + "ffn_up_exps.weight", c.n_embd, c.n_ff_exp, c.n_expert);
    L.down_exps = b.experts(p + "ffn_down_exps.weight", c.n_ff_exp, c.n_embd, c.n_expert);
    if (c.n_ff_shexp > 0) {
      L.shexp_gate_inp = b.vector(p + "ffn_gate_inp_shexp.weight", c.n_embd);
      L.gate_shexp = b.matrix(p + "ffn_gate_shexp.weight", c.n_embd, c.n_ff_shexp);
      L.up_shexp = b.matrix(p + "ffn_up_shexp.weight", c.n_embd, c.n_ff_shexp);
      L.down_shexp = b.matrix(p + "ffn_down_shexp.weight", c.n_ff_shexp, c.n_embd);
    }
    return;
  }
  if (c.fused_gate_up) {
    // llama.cpp's swiglu of the fused product: silu(first half) * second half.
    const auto gate_up = b.matrix(p + "ffn_up.weight", c.n_embd, 2 * c.n_ff);
    L.w_gate = row_range(gate_up, 0, c.n_ff);
    L.w_up = row_range(gate_up, c.n_ff, c.n_ff);
  } else {
    L.w_gate = b.matrix(p + "ffn_gate.weight", c.n_embd, c.n_ff);
    L.w_up = b.matrix(p + "ffn_up.weight", c.n_embd, c.n_ff);
  }
  L.w_down = b.matrix(p + "ffn_down.weight", c.n_ff, c.n_embd);
  if (c.post_norms) L.ffn_post_norm = b.vector(p + "post_ffw_norm.weight", c.n_embd);
}

ModelWeights bind_weights(const GgufFile& f, const model::ModelConfig& c) {
  Binder b(f);
  ModelWeights w;
  w.tok_embd = b.matrix("token_embd.weight", c.n_embd, c.n_vocab);
  w.output_norm = b.vector("output_norm.weight", c.n_embd);
  if (b.find("output.weight")) {
    w.output = b.matrix("output.weight", c.n_embd, c.n_vocab);
  } else {
    w.output = w.tok_embd;
    w.tied_output = true;
  }
  w.rope_factors = b.vector("rope_freqs.weight", c.n_rot / 2, /*optional=*/true);
  if (c.arch == "phi3") {
    w.rope_factors_long = b.vector("rope_factors_long.weight", c.n_rot / 2, /*optional=*/true);
    w.rope_factors_short = b.vector("rope_factors_short.weight", c.n_rot / 2, /*optional=*/true);
    if (!w.rope_factors_long != !w.rope_factors_short)
      throw b.error(std::string(w.rope_factors_long ? "rope_factors_short" : "rope_factors_long") +
                    ".weight is missing (LongRoPE needs both factor sets)");
  }
  for (int64_t l = 0; l < c.n_layer; ++l) {
    const std::string p = "blk." + std::to_string(l) + ".";
    LayerWeights L;
    L.attn_norm = b.vector(p + "attn_norm.weight", c.n_embd);
    bind_attention(b, c, p, L);
    bind_ffn(b, c, p, L);
    w.layers.push_back(L);
  }
  return w;
}

// Repacks the matrices the CPU has a faster packed kernel for (see packed_weights.h), on all
// cores. The file's bytes stay mapped for dequantize_row and the quantizer, but their pages
// are released, so the model is resident once, not twice.
std::vector<kernels::PackedWeights> pack_for_matmul(const model::GgufFile& f,
                                                    std::vector<kernels::WeightView*> views) {
  std::erase_if(views, [](const kernels::WeightView* v) { return !kernels::packing_pays(*v); });
  std::vector<kernels::PackedWeights> packed(views.size());
  if (views.empty()) return packed;
  kernels::ThreadPool pool(static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
  pool.parallel_for(static_cast<int64_t>(views.size()), [&](int64_t begin, int64_t end, int) {
    for (int64_t i = begin; i < end; ++i) {
      const kernels::WeightView& v = *views[static_cast<size_t>(i)];
      packed[static_cast<size_t>(i)] = kernels::PackedWeights::pack(v);
      f.release_pages(v.data, static_cast<size_t>(v.rows) * v.row_bytes);
    }
  });
  for (size_t i = 0; i < views.size(); ++i) views[i]->packed = packed[i].data();
  return packed;
}

}  // namespace

Model::Model(model::GgufFile file)
    : file_(std::move(file)),
      config_(model::ModelConfig::from_gguf(file_)),
      weights_(bind_weights(file_, config_)),
      tokenizer_(tokenizer::Tokenizer::create(tokenizer::vocab_from_gguf(file_))) {
  if (tokenizer_->n_vocab() != config_.n_vocab)
    throw file_.error("tokenizer has " + std::to_string(tokenizer_->n_vocab()) +
                      " tokens but the embedding has " + std::to_string(config_.n_vocab) + " rows");
  std::vector<kernels::WeightView*> matrices;
  for (auto& L : weights_.layers) {
    for (auto* v : {&L.wq, &L.wk, &L.wv, &L.wo, &L.w_gate, &L.w_up, &L.w_down, &L.gate_shexp,
                    &L.up_shexp, &L.down_shexp})
      if (!v->empty()) matrices.push_back(v);
    for (auto* experts : {&L.gate_exps, &L.up_exps, &L.down_exps})
      for (auto& v : *experts) matrices.push_back(&v);
  }
  // A tied output shares the embedding's bytes; packing gives it its own panels.
  matrices.push_back(&weights_.output);
  packed_ = pack_for_matmul(file_, std::move(matrices));
}

std::unique_ptr<Model> Model::from_file(model::GgufFile file) {
  return std::make_unique<Model>(std::move(file));
}

std::unique_ptr<Model> Model::load(const std::string& path, const std::string& tokenizer_path) {
  if (model::looks_like_llama2c(path)) return from_file(model::load_llama2c(path, tokenizer_path));
  if (!tokenizer_path.empty())
    throw model::ModelFileError(path +
                                ": -z/--tokenizer is only for llama2.c checkpoints; a GGUF "
                                "file carries its own tokenizer");
  return from_file(model::GgufFile::open(path));
}

size_t Model::packed_bytes() const {
  size_t n = 0;
  for (const auto& p : packed_) n += p.size();
  return n;
}

size_t Model::weight_bytes() const {
  size_t n = 0;
  for (const auto& t : file_.tensors()) n += t.nbytes;
  return n;
}

}  // namespace tandem::engine
