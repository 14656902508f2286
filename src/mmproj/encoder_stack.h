// The pre-norm transformer encoder shared by the media encoders (llama.cpp's build_vit):
// ViT / SigLIP image encoders ("v") and the Whisper audio encoder ("a").
//
//   [pre_ln] -> per layer:  h = x + out(attn(LN1(x)))        non-causal, all heads
//                           x = h + down(act(up(LN2(h))))    (act(gate) * up with ffn_gate)
//            -> [post_ln]
//
// Tensors, with P the prefix: P.pre_ln.{weight,bias}, P.post_ln.{weight,bias} (optional);
// P.blk.N.ln1/ln2.{weight,bias}; attn_q/attn_k/attn_v/attn_out.{weight,bias} (biases
// optional, attn_k's absent in Whisper); ffn_up/ffn_down.{weight,bias}, ffn_gate optional.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "kernels/thread_pool.h"
#include "kernels/weight_view.h"
#include "mmproj/mmproj_file.h"

namespace tandem::mmproj {

class EncoderStack {
 public:
  // Loads the tensors of prefix P ("v" or "a") for hp.n_layer layers from `file`, which
  // must outlive the stack (weights are read in place). Missing or misshapen tensors throw
  // ModelFileError naming them.
  EncoderStack(const MmprojFile& file, const std::string& prefix, const EncoderHparams& hp);

  const EncoderHparams& hparams() const { return hp_; }
  int64_t n_layer() const { return static_cast<int64_t>(layers_.size()); }
  bool has_pre_norm() const { return !pre_w_.empty(); }
  bool has_post_norm() const { return !post_w_.empty(); }

  struct Options {
    int64_t n_layers = -1;  // layers to run, from the first; -1: all (LLaVA stops one early)
    bool post_norm = true;  // apply P.post_ln when present
  };
  // x: n_tokens rows of n_embd floats, transformed in place: pre_ln when present, the layers,
  // then post_ln when present and asked for.
  void forward(std::span<float> x, int64_t n_tokens, kernels::ThreadPool& pool,
               const Options& opt) const;

  // The steps, for encoders that do something between them (qwen2a pools before post_ln).
  void pre_norm(std::span<float> x, int64_t n_tokens, kernels::ThreadPool& pool) const;
  void run_layer(int64_t il, std::span<float> x, int64_t n_tokens, kernels::ThreadPool& pool) const;
  void post_norm(std::span<float> x, int64_t n_tokens, kernels::ThreadPool& pool) const;

  // Multiply-adds of the layers for n_tokens (2 FLOPs each): matmuls and attention.
  double flops(int64_t n_tokens, int64_t n_layers) const;

 private:
  struct Layer {
    std::vector<float> ln1_w, ln1_b, ln2_w, ln2_b;
    kernels::WeightView q, k, v, o, up, down, gate;
    std::vector<float> q_b, k_b, v_b, o_b, up_b, down_b, gate_b;  // empty: no bias
  };
  void attention(const Layer& l, const float* in, float* out, int64_t n_tokens,
                 kernels::ThreadPool& pool) const;
  void feed_forward(const Layer& l, const float* in, float* out, int64_t n_tokens,
                    kernels::ThreadPool& pool) const;

  EncoderHparams hp_;
  std::vector<Layer> layers_;
  std::vector<float> pre_w_, pre_b_, post_w_, post_b_;
};

// Shared helpers of the encoders and projectors.
// y = W x (+ b) for n_tokens rows: out holds n_tokens * w.rows floats.
void linear(const kernels::WeightView& w, std::span<const float> bias, const float* x,
            int64_t n_tokens, float* out, kernels::ThreadPool& pool);
// Row-wise layer norm of n_tokens rows of n (w, b may be empty), on the pool.
void layer_norm_rows(float* x, int64_t n_tokens, int64_t n, std::span<const float> w,
                     std::span<const float> b, float eps, kernels::ThreadPool& pool);
void apply_activation(FfnActivation act, float* x, int64_t n);

}  // namespace tandem::mmproj
