#include "engine/kv_cache.h"

#include <algorithm>
#include <cstring>

#include <sys/mman.h>
#include <unistd.h>
#include <stdexcept>
#include <string>

#include "kernels/quant/quant_formats.h"

namespace tandem::engine {

using model::GgmlType;

KvCache::KvCache(const model::ModelConfig& c, int32_t n_ctx, int32_t n_seq, GgmlType type,
                 KvBudget budget)
    : n_ctx_(n_ctx),
      n_seq_(n_seq),
      capacity_(n_ctx),
      n_layer_(c.n_layer),
      n_head_kv_(c.n_head_kv),
      head_dim_(c.head_dim),
      kv_dim_(c.kv_dim()),
      type_(type),
      row_bytes_(0),
      budget_(budget),
      budget_tokens_(budget.tokens),
      seqs_(static_cast<size_t>(std::max(n_seq, 0))) {
  if (n_ctx <= 0 || n_seq <= 0)
    throw std::invalid_argument("KV cache needs a positive context and sequence count");
  if (type != GgmlType::F16 && type != GgmlType::F32 && type != GgmlType::Q8_0)
    throw std::invalid_argument("KV cache type must be f16, f32 or q8_0");
  if (type == GgmlType::Q8_0 && head_dim_ % 32 != 0)
    throw std::invalid_argument(
        "a q8_0 KV cache needs a head size that is a multiple of 32 (this "
        "model's is " +
        std::to_string(head_dim_) + "); use f16");
  budget_.validate();
  if (budget_.enabled())
    capacity_ = static_cast<int32_t>(
        std::min<int64_t>(n_ctx, static_cast<int64_t>(budget_.tokens) + budget_.headroom));
  if (budget_.enabled() && budget_.tokens >= n_ctx) {  // never reached: no budget at all
    budget_ = {};
    budget_tokens_ = 0;
  }
  row_bytes_ = model::row_bytes(type, kv_dim_);
  const size_t n = static_cast<size_t>(c.n_layer) * n_seq * capacity_ * row_bytes_;
  k_.assign(n, 0);
  v_.assign(n, 0);
  if (budget_.enabled() && budget_.scores()) {
    score_rows_ = budget_.policy == KvPolicy::kSnapKv ? budget_.window : 1;
    score_.assign(static_cast<size_t>(n_seq) * c.n_layer * c.n_head_kv * score_rows_ * capacity_,
                  0.0f);
  }
}

uint64_t KvCache::set_budget_tokens(int32_t tokens) {
  if (!budget_.enabled()) return 0;
  const int32_t before = budget_tokens_;
  budget_tokens_ = std::clamp(tokens, std::min(8, budget_.tokens), budget_.tokens);
  if (budget_tokens_ >= before) return 0;
  // Cells past the new budget + headroom are never touched again (a later raise would write
  // them before reading): their whole pages can go. The next forward evicts the rest.
  const int32_t used = std::min(capacity_, budget_tokens_ + budget_.headroom);
  const auto page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  uint64_t freed = 0;
  for (auto* buf : {&k_, &v_})
    for (int64_t l = 0; l < n_layer_; ++l)
      for (int32_t s = 0; s < n_seq_; ++s) {
        auto lo = reinterpret_cast<uintptr_t>(buf->data() + offset(l, s, used));
        auto hi = reinterpret_cast<uintptr_t>(buf->data() + offset(l, s, 0) +
                                              static_cast<size_t>(capacity_) * row_bytes_);
        lo = (lo + page - 1) / page * page;
        hi = hi / page * page;
        if (hi > lo && madvise(reinterpret_cast<void*>(lo), hi - lo, MADV_DONTNEED) == 0)
          freed += hi - lo;
      }
  return freed;
}

void KvCache::reset(int32_t seq, int32_t cells) {
  auto& s = seqs_.at(static_cast<size_t>(seq));
  s = SeqState{};
  s.cells = cells;
}

void KvCache::truncate(int32_t seq, int32_t len) {
  const auto& s = st(seq);
  const int32_t n = seq_len(seq);
  if (len < 0 || len > n)
    throw std::out_of_range("cannot truncate sequence " + std::to_string(seq) + " of length " +
                            std::to_string(n) + " to " + std::to_string(len));
  if (s.shift == 0) {
    seqs_[static_cast<size_t>(seq)].cells = len;
  } else if (len >= s.floor) {
    seqs_[static_cast<size_t>(seq)].cells = len - s.shift;
  } else if (len <= s.intact) {
    reset(seq, len);  // the cells below `intact` are positions 0..intact-1 as prefilled
  } else {
    throw std::out_of_range("cannot truncate sequence " + std::to_string(seq) + " to " +
                            std::to_string(len) + ": positions " + std::to_string(s.intact) + ".." +
                            std::to_string(s.floor) + " were partly evicted");
  }
}

void KvCache::mark_filled(int32_t seq, int32_t len) {
  auto& s = seqs_.at(static_cast<size_t>(seq));
  if (len > n_ctx_ || len - s.shift > capacity_)
    throw std::out_of_range("sequence longer than the KV cache");
  if (len - s.shift > s.cells) s.cells = len - s.shift;
}

void KvCache::store(int64_t layer, int32_t seq, int32_t cell, const float* k, const float* v) {
  const size_t off = offset(layer, seq, cell);
  kernels::quantize(type_, k, k_.data() + off, kv_dim_);
  kernels::quantize(type_, v, v_.data() + off, kv_dim_);
  // A cell written again (after a rollback) starts with no attention of its own.
  for (int64_t h = 0; h < n_head_kv_ && !score_.empty(); ++h)
    for (int32_t r = 0; r < score_rows_; ++r)
      score_[score_row(layer, seq, h) + static_cast<size_t>(r) * capacity_ + cell] = 0.0f;
}

kernels::KvHeadView KvCache::head(int64_t layer, int32_t seq, int64_t kv_head) const {
  const size_t off = offset(layer, seq, 0) + model::row_bytes(type_, kv_head * head_dim_);
  return {type_, k_.data() + off, v_.data() + off, row_bytes_};
}

size_t KvCache::score_row(int64_t layer, int32_t seq, int64_t kv_head) const {
  return (((static_cast<size_t>(seq) * n_layer_ + layer) * n_head_kv_ + kv_head) * score_rows_) *
         capacity_;
}

float* KvCache::h2o_scores(int64_t layer, int32_t seq, int64_t kv_head) {
  if (score_.empty() || budget_.policy != KvPolicy::kH2o) return nullptr;
  return score_.data() + score_row(layer, seq, kv_head);
}

float* KvCache::snap_scores(int64_t layer, int32_t seq, int64_t kv_head, int32_t pos) {
  if (score_.empty() || budget_.policy != KvPolicy::kSnapKv) return nullptr;
  return score_.data() + score_row(layer, seq, kv_head) +
         static_cast<size_t>(pos % score_rows_) * capacity_;
}

void KvCache::compact(int64_t layer, int32_t seq, int64_t h0, int64_t h1,
                      std::span<const int32_t> keep) {
  const size_t lo = model::row_bytes(type_, h0 * head_dim_);
  const size_t len = model::row_bytes(type_, (h1 - h0) * head_dim_);
  uint8_t* k = k_.data() + offset(layer, seq, 0) + lo;
  uint8_t* v = v_.data() + offset(layer, seq, 0) + lo;
  // Runs of consecutive kept cells move with one memmove per row span (whole rows when the
  // policy keeps the same cells in every head).
  const bool whole = len == row_bytes_;
  for (size_t i = 0; i < keep.size();) {
    size_t j = i + 1;
    while (j < keep.size() && keep[j] == keep[j - 1] + 1) ++j;
    const auto from = static_cast<size_t>(keep[i]), to = i, n = j - i;
    if (from != to) {
      if (whole) {
        std::memmove(k + to * row_bytes_, k + from * row_bytes_, n * row_bytes_);
        std::memmove(v + to * row_bytes_, v + from * row_bytes_, n * row_bytes_);
      } else {
        for (size_t r = 0; r < n; ++r) {
          std::memmove(k + (to + r) * row_bytes_, k + (from + r) * row_bytes_, len);
          std::memmove(v + (to + r) * row_bytes_, v + (from + r) * row_bytes_, len);
        }
      }
      for (int64_t h = h0; h < h1 && !score_.empty(); ++h)
        for (int32_t row = 0; row < score_rows_; ++row) {
          float* sc =
              score_.data() + score_row(layer, seq, h) + static_cast<size_t>(row) * capacity_;
          std::memmove(sc + to, sc + from, n * sizeof(float));
        }
    }
    i = j;
  }
}

int32_t KvCache::evict_to(int32_t seq, int32_t keep_n) {
  auto& s = seqs_.at(static_cast<size_t>(seq));
  if (!budget_.enabled() || s.cells <= keep_n) return 0;
  KvBudget b = budget_;
  b.tokens = std::max(keep_n, 1);
  const int32_t n = s.cells;
  int32_t first_gone = n;
  std::vector<float> summed;
  // The first cell a keep list moves (or drops): every cell below it stayed in place.
  auto note_kept = [&](const std::vector<int32_t>& keep) {
    for (int32_t i = 0; i < static_cast<int32_t>(keep.size()); ++i)
      if (keep[static_cast<size_t>(i)] != i) {
        first_gone = std::min(first_gone, i);
        return;
      }
  };
  for (int64_t l = 0; l < n_layer_; ++l) {
    if (!b.scores()) {
      const auto keep = select_kept(b, n, {});
      compact(l, seq, 0, n_head_kv_, keep);
      note_kept(keep);
      continue;
    }
    for (int64_t h = 0; h < n_head_kv_; ++h) {
      const float* rows = score_.data() + score_row(l, seq, h);
      std::span<const float> score(rows, static_cast<size_t>(n));
      if (score_rows_ > 1) {  // snapkv: the observation window's weight, summed
        summed.assign(static_cast<size_t>(n), 0.0f);
        for (int32_t r = 0; r < score_rows_; ++r)
          for (int32_t i = 0; i < n; ++i)
            summed[static_cast<size_t>(i)] += rows[static_cast<size_t>(r) * capacity_ + i];
        score = summed;
      }
      const auto keep = select_kept(b, n, score);
      compact(l, seq, h, h + 1, keep);
      note_kept(keep);
    }
  }
  const int32_t gone = n - b.tokens;
  const int32_t len = s.cells + s.shift;
  // Cells below first_gone stayed in place everywhere; below the old `intact` they are
  // positions 0.. as prefilled.
  s.intact = std::min(s.intact, first_gone);
  s.cells = b.tokens;
  s.shift += gone;
  s.floor = len - std::min(b.recent(), b.tokens);
  evicted_ += gone;
  return gone;
}

std::vector<uint8_t> KvCache::save(int32_t seq, int32_t n) const {
  if (n < 0 || n > exact_len(seq))
    throw std::out_of_range("cannot save " + std::to_string(n) + " positions of a sequence of " +
                            std::to_string(exact_len(seq)) + " intact ones");
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
  if (n < 0 || n > capacity_ || rows.size() != static_cast<size_t>(n) * position_bytes())
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
  reset(seq, n);
  for (int64_t l = 0; l < n_layer_ && !score_.empty(); ++l)
    for (int64_t h = 0; h < n_head_kv_; ++h)
      std::fill_n(score_.data() + score_row(l, seq, h),
                  static_cast<size_t>(score_rows_) * capacity_, 0.0f);
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
