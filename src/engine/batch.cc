#include "engine/batch.h"

namespace tandem::engine {

size_t Batch::n_logits() const {
  size_t n = 0;
  for (auto w : want_logits) n += w;
  return n;
}

size_t Batch::n_hidden() const {
  size_t n = 0;
  for (auto w : want_hidden) n += w;
  return n;
}

void Batch::clear() {
  tokens.clear();
  positions.clear();
  seq_ids.clear();
  want_logits.clear();
  want_hidden.clear();
  embeds.clear();
}

Batch Batch::sequence(std::span<const TokenId> toks, int32_t start_pos, int32_t seq,
                      bool all_logits) {
  Batch b;
  for (size_t i = 0; i < toks.size(); ++i)
    b.add(toks[i], start_pos + static_cast<int32_t>(i), seq, all_logits || i + 1 == toks.size());
  return b;
}

}  // namespace tandem::engine
