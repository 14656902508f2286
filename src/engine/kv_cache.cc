#include "engine/kv_cache.h"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "kernels/quant_formats.h"

namespace tandem::engine {

using model::GgmlType;

KvCache::KvCache(const model::ModelConfig& c, int32_t n_ctx, int32_t n_seq, GgmlType type)
    : n_ctx_(n_ctx),
      n_seq_(n_seq),
      n_layer_(c.n_layer),
      head_dim_(c.head_dim),
      kv_dim_(c.kv_dim()),
      type_(type),
      row_bytes_(0),
      lens_(static_cast<size_t>(std::max(n_seq, 0)), 0) {
  if (n_ctx <= 0 || n_seq <= 0)
    throw std::invalid_argument("KV cache needs a positive context and sequence count");
  if (type != GgmlType::F16 && type != GgmlType::F32 && type != GgmlType::Q8_0)
    throw std::invalid_argument("KV cache type must be f16, f32 or q8_0");
  if (type == GgmlType::Q8_0 && head_dim_ % 32 != 0)
    throw std::invalid_argument(
        "a q8_0 KV cache needs a head size that is a multiple of 32 (this "
        "model's is " +
        std::to_string(head_dim_) + "); use f16");
  row_bytes_ = model::row_bytes(type, kv_dim_);
  const size_t n = static_cast<size_t>(c.n_layer) * n_seq * n_ctx * row_bytes_;
  k_.assign(n, 0);
  v_.assign(n, 0);
}

void KvCache::truncate(int32_t seq, int32_t len) {
  auto& l = lens_.at(static_cast<size_t>(seq));
  if (len < 0 || len > l)
    throw std::out_of_range("cannot truncate sequence " + std::to_string(seq) + " of length " +
                            std::to_string(l) + " to " + std::to_string(len));
  l = len;
}

void KvCache::mark_filled(int32_t seq, int32_t len) {
  auto& l = lens_.at(static_cast<size_t>(seq));
  if (len > n_ctx_) throw std::out_of_range("sequence longer than the KV cache");
  if (len > l) l = len;
}

void KvCache::store(int64_t layer, int32_t seq, int32_t pos, const float* k, const float* v) {
  const size_t off = offset(layer, seq, pos);
  kernels::quantize(type_, k, k_.data() + off, kv_dim_);
  kernels::quantize(type_, v, v_.data() + off, kv_dim_);
}

kernels::KvHeadView KvCache::head(int64_t layer, int32_t seq, int64_t kv_head) const {
  const size_t off = offset(layer, seq, 0) + model::row_bytes(type_, kv_head * head_dim_);
  return {type_, k_.data() + off, v_.data() + off, row_bytes_};
}

std::vector<uint8_t> KvCache::save(int32_t seq, int32_t n) const {
  if (n < 0 || n > seq_len(seq))
    throw std::out_of_range("cannot save " + std::to_string(n) + " positions of a sequence of " +
                            std::to_string(seq_len(seq)));
  const size_t span = static_cast<size_t>(n) * row_bytes_;
  std::vector<uint8_t> out(static_cast<size_t>(n) * position_bytes());
  uint8_t* dst = out.data();
  for (int64_t l = 0; l < n_layer_; ++l) {
    const size_t off = offset(l, seq, 0);
    std::copy_n(k_.data() + off, span, dst);
    std::copy_n(v_.data() + off, span, dst + span);
    dst += 2 * span;
  }
  return out;
}

void KvCache::load(int32_t seq, std::span<const uint8_t> rows, int32_t n) {
  if (n < 0 || n > n_ctx_ || rows.size() != static_cast<size_t>(n) * position_bytes())
    throw std::invalid_argument("saved KV of " + std::to_string(rows.size()) +
                                " bytes does not hold " + std::to_string(n) +
                                " positions of this cache (" + layout() + ")");
  const size_t span = static_cast<size_t>(n) * row_bytes_;
  const uint8_t* src = rows.data();
  for (int64_t l = 0; l < n_layer_; ++l) {
    const size_t off = offset(l, seq, 0);
    std::copy_n(src, span, k_.data() + off);
    std::copy_n(src + span, span, v_.data() + off);
    src += 2 * span;
  }
  lens_.at(static_cast<size_t>(seq)) = n;
}

std::string KvCache::layout() const {
  return std::string(model::type_name(type_)) + ":" + std::to_string(n_layer_) + "x" +
         std::to_string(kv_dim_);
}

model::GgmlType parse_kv_type(const std::string& name) {
  std::string s;
  for (char c : name) s += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (s == "f16") return GgmlType::F16;
  if (s == "f32") return GgmlType::F32;
  if (s == "q8_0") return GgmlType::Q8_0;
  throw std::invalid_argument("unknown KV cache type '" + name + "' (f16, f32, q8_0)");
}

}  // namespace tandem::engine
