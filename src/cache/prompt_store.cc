#include "cache/prompt_store.h"

#include <algorithm>
#include <cmath>

namespace tandem::cache {

struct PromptStore::Block {
  uint64_t key = 0, parent = 0;
  std::vector<int32_t> tokens;
  std::vector<double> nll;  // one per position (NaN: unknown)
  std::vector<uint8_t> kv;  // per layer: K rows of these positions, then their V rows
  std::string layout;
  int32_t n_layer = 0;
  uint64_t last_used = 0;
  size_t row_bytes() const { return kv.size() / (2 * tokens.size() * n_layer); }
  uint64_t bytes() const { return kv.size() + tokens.size() * (sizeof(int32_t) + sizeof(double)); }
};

namespace {

uint64_t block_key(uint64_t parent, const std::string& layout, std::span<const int32_t> tokens) {
  uint64_t h = 0xcbf29ce484222325ull ^ parent;
  auto mix = [&](uint64_t v) { h = (h ^ v) * 0x100000001b3ull; };
  if (parent == 0)
    for (unsigned char c : layout) mix(c);
  for (int32_t t : tokens) mix(static_cast<uint32_t>(t));
  mix(tokens.size());
  return h == 0 ? 1 : h;  // 0 is the root
}

// Copies positions [from, from + n) of every layer's K and V rows from a buffer laid out for
// `total` positions into one laid out for `out_total`, starting at position `at`.
void copy_rows(const uint8_t* src, size_t total, size_t from, uint8_t* dst, size_t out_total,
               size_t at, size_t n, int32_t n_layer, size_t row) {
  for (int32_t l = 0; l < n_layer; ++l) {
    const uint8_t* s = src + static_cast<size_t>(l) * 2 * total * row;
    uint8_t* d = dst + static_cast<size_t>(l) * 2 * out_total * row;
    std::copy_n(s + from * row, n * row, d + at * row);                          // K
    std::copy_n(s + (total + from) * row, n * row, d + (out_total + at) * row);  // V
  }
}

}  // namespace

PromptStore::PromptStore(uint64_t budget_bytes, int32_t block)
    : budget_(budget_bytes), block_(std::max(block, 1)) {}

PromptStore::~PromptStore() = default;

PromptStore::Path PromptStore::walk(std::span<const int32_t> prompt,
                                    const std::string& layout) const {
  Path path;
  uint64_t parent = 0;
  size_t pos = 0;
  for (;;) {
    auto kids = children_.find(parent);
    if (kids == children_.end() || pos >= prompt.size()) break;
    const Block* best = nullptr;
    int32_t best_c = 0;
    for (uint64_t k : kids->second) {
      const Block& b = *blocks_.at(k);
      if (b.layout != layout) continue;
      const int32_t c = common_prefix(b.tokens, prompt.subspan(pos));
      if (c > best_c) best = &b, best_c = c;
    }
    if (!best) break;
    path.push_back({best, best_c});
    pos += static_cast<size_t>(best_c);
    if (static_cast<size_t>(best_c) < best->tokens.size()) break;
    parent = best->key;
  }
  return path;
}

std::shared_ptr<KvState> PromptStore::assemble(const Path& p, bool with_kv) const {
  auto s = std::make_shared<KvState>();
  size_t n = 0;
  for (const auto& st : p) n += static_cast<size_t>(st.take);
  for (const auto& st : p) {
    s->tokens.insert(s->tokens.end(), st.block->tokens.begin(), st.block->tokens.begin() + st.take);
    s->nll.insert(s->nll.end(), st.block->nll.begin(), st.block->nll.begin() + st.take);
  }
  if (p.empty()) return s;
  s->layout = p.front().block->layout;
  s->n_layer = p.front().block->n_layer;
  if (!with_kv) return s;
  const size_t row = p.front().block->row_bytes();
  s->kv.resize(n * 2 * static_cast<size_t>(s->n_layer) * row);
  size_t at = 0;
  for (const auto& st : p) {
    copy_rows(st.block->kv.data(), st.block->tokens.size(), 0, s->kv.data(), n, at,
              static_cast<size_t>(st.take), s->n_layer, row);
    at += static_cast<size_t>(st.take);
  }
  return s;
}

StoreMatch PromptStore::match(std::span<const int32_t> prompt, const ReuseRank& usable) const {
  std::lock_guard lock(mu_);
  // One walk per layout present (a server has one; tests may mix).
  std::vector<std::string> layouts;
  if (auto kids = children_.find(0); kids != children_.end())
    for (uint64_t k : kids->second)
      if (std::find(layouts.begin(), layouts.end(), blocks_.at(k)->layout) == layouts.end())
        layouts.push_back(blocks_.at(k)->layout);
  StoreMatch best;
  Path best_path;
  for (const auto& layout : layouts) {
    Path p = walk(prompt, layout);
    if (p.empty()) continue;
    auto head = assemble(p, /*with_kv=*/false);
    const auto c = static_cast<int32_t>(head->tokens.size());
    const int32_t r = usable ? usable(*head, c) : c;
    if (r > best.common) {
      best = {head, r, ""};
      best_path = std::move(p);
    }
  }
  if (!best.state) return best;
  best.state = assemble(best_path, /*with_kv=*/true);
  handed_out_ = best.state.get();
  handed_keys_.clear();
  for (const auto& st : best_path) handed_keys_.push_back(st.block->key);
  return best;
}

void PromptStore::touch(const std::vector<uint64_t>& keys) {
  const uint64_t now = ++clock_;
  for (uint64_t k : keys)
    if (auto it = blocks_.find(k); it != blocks_.end()) it->second->last_used = now;
}

void PromptStore::used(const KvState* state) {
  std::lock_guard lock(mu_);
  if (state != handed_out_) return;
  touch(handed_keys_);
  ++hits_;
}

void PromptStore::put(std::shared_ptr<const KvState> state) {
  if (!state || state->tokens.empty() || state->n_layer <= 0 || state->bytes() > budget_) return;
  const size_t n = state->tokens.size();
  const size_t row = state->kv.size() / (2 * n * static_cast<size_t>(state->n_layer));
  if (row == 0 || state->kv.size() != 2 * n * state->n_layer * row) return;
  std::lock_guard lock(mu_);
  std::vector<uint64_t> path;
  uint64_t parent = 0;
  const uint64_t stamp = clock_ + 1;
  bool added = false;
  for (size_t from = 0; from < n; from += static_cast<size_t>(block_)) {
    const size_t m = std::min(static_cast<size_t>(block_), n - from);
    const std::span<const int32_t> toks(state->tokens.data() + from, m);
    const uint64_t key = block_key(parent, state->layout, toks);
    auto nll_at = [&](size_t i) {
      return from + i < state->nll.size() ? state->nll[from + i] : std::nan("");
    };
    if (auto it = blocks_.find(key); it != blocks_.end()) {
      // Shared: the same tokens after the same prefix have the same KV; keep what NLLs it adds.
      for (size_t i = 0; i < m; ++i)
        if (std::isnan(it->second->nll[i])) it->second->nll[i] = nll_at(i);
      path.push_back(key);
      parent = key;
      continue;
    }
    auto& kids = children_[parent];
    bool covered = false;
    for (size_t i = 0; i < kids.size();) {
      const Block& sib = *blocks_.at(kids[i]);
      const auto c = static_cast<size_t>(common_prefix(sib.tokens, toks));
      if (sib.layout == state->layout && c == m && sib.tokens.size() > m) {
        covered = true;  // a longer block already holds these positions
        break;
      }
      const bool leaf = !children_.count(sib.key) || children_.at(sib.key).empty();
      if (sib.layout == state->layout && leaf && c == sib.tokens.size()) {
        erase(sib.key);  // this block extends a partial leaf: it replaces it
        continue;        // kids shrank
      }
      ++i;
    }
    if (covered) break;
    auto b = std::make_unique<Block>();
    b->key = key;
    b->parent = parent;
    b->tokens.assign(toks.begin(), toks.end());
    for (size_t i = 0; i < m; ++i) b->nll.push_back(nll_at(i));
    b->layout = state->layout;
    b->n_layer = state->n_layer;
    b->kv.resize(2 * m * static_cast<size_t>(state->n_layer) * row);
    copy_rows(state->kv.data(), n, from, b->kv.data(), m, 0, m, state->n_layer, row);
    bytes_ += b->bytes();
    children_[parent].push_back(key);
    blocks_[key] = std::move(b);
    path.push_back(key);
    parent = key;
    added = true;
  }
  touch(path);
  if (added) ++saves_;
  while (bytes_ > budget_ && evict_one(stamp)) {
  }
}

bool PromptStore::evict_one(uint64_t keep_from) {
  // The least recently used leaf, never one of the state just kept (stamped >= keep_from).
  Block* victim = nullptr;
  for (auto& [k, b] : blocks_) {
    if (b->last_used >= keep_from) continue;
    if (auto c = children_.find(k); c != children_.end() && !c->second.empty()) continue;
    if (!victim || b->last_used < victim->last_used) victim = b.get();
  }
  if (!victim) return false;
  erase(victim->key);
  ++evictions_;
  return true;
}

void PromptStore::erase(uint64_t key) {
  auto it = blocks_.find(key);
  if (it == blocks_.end()) return;
  std::erase(children_[it->second->parent], key);  // the entry stays: put() may be iterating it
  children_.erase(key);
  bytes_ -= it->second->bytes();
  blocks_.erase(it);
}

uint64_t PromptStore::clear() {
  std::lock_guard lock(mu_);
  const uint64_t freed = bytes_;
  evictions_ += static_cast<int64_t>(blocks_.size());
  blocks_.clear();
  children_.clear();
  bytes_ = 0;
  handed_out_ = nullptr;
  return freed;
}

PromptStoreStats PromptStore::stats() const {
  std::lock_guard lock(mu_);
  size_t leaves = 0;
  for (const auto& [k, b] : blocks_)
    if (auto c = children_.find(k); c == children_.end() || c->second.empty()) ++leaves;
  return {leaves, blocks_.size(), bytes_, budget_, hits_, saves_, evictions_};
}

}  // namespace tandem::cache
