// Scaled dot-product attention over a cached key/value head, for a block of queries.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "model/ggml_types.h"

namespace tandem::kernels {

// One KV head's keys and values over positions 0..n: position j's head_dim elements start
// at k + j * stride (likewise v), stored as F32, F16 or Q8_0 (then head_dim % 32 == 0).
struct KvHeadView {
  model::GgmlType type = model::GgmlType::F32;
  const uint8_t* k = nullptr;
  const uint8_t* v = nullptr;
  size_t stride = 0;  // bytes between positions
};

// Optional masking and score shaping of attend_block (Gemma 2/3).
struct AttendOptions {
  // Per query: the first key it sees (a sliding window's start); empty: every query from 0.
  std::span<const int32_t> first;
  // > 0: each scaled score s becomes softcap * tanh(s / softcap) before the softmax (Gemma 2's
  // attention logit soft-capping).
  float softcap = 0.0f;
};

// For each query i: out[i] = sum_j softmax_j(scale * q[i] . k_j) v_j over j < n_kv[i]
// (causal limits may differ per query). Keys/values are read once for the whole block,
// which is what makes prefill and GQA decode cheap: all heads of a group and a run of
// tokens share one pass (online softmax, as in flash attention). opt: keys before first[i]
// are masked too, and scores may be soft-capped.
void attend_block(std::span<const float* const> q, std::span<float* const> out,
                  std::span<const int32_t> n_kv, const KvHeadView& kv, int64_t head_dim,
                  float scale, const AttendOptions& opt = {});

// The softmax weights one query gives keys [0, n_kv): what attend_block weighs the values
// with, for KV budget policies that keep the keys attended to most (written to w[0..n_kv)).
// Keys before `first` get weight 0; softcap as in AttendOptions.
void attention_weights(const float* q, int32_t n_kv, const KvHeadView& kv, int64_t head_dim,
                       float scale, float* w, int32_t first = 0, float softcap = 0.0f);

// The scalar definition attend_block must match (tests): keys [first, n_kv).
void attend_reference(const float* q, float* out, int32_t n_kv, const KvHeadView& kv,
                      int64_t head_dim, float scale, int32_t first = 0, float softcap = 0.0f);

}  // namespace tandem::kernels
