#include "grammar/vocab_index.h"

#include <algorithm>
#include <stdexcept>

namespace tandem::grammar {

VocabIndex::VocabIndex(std::span<const std::string> tokens, std::span<const int32_t> eog_ids)
    : tokens_(tokens.begin(), tokens.end()), is_eog_(tokens.size(), 0) {
  for (int32_t id : eog_ids) {
    if (id < 0 || static_cast<size_t>(id) >= tokens_.size()) {
      throw std::out_of_range("EOG token id " + std::to_string(id) + " outside vocabulary");
    }
    if (!is_eog_[id]) eog_ids_.push_back(id);
    is_eog_[id] = 1;
  }
  for (size_t i = 0; i < tokens_.size(); ++i) {
    if (is_eog_[i] || tokens_[i].empty()) {
      outside_trie_.push_back(static_cast<int32_t>(i));
    } else {
      by_position_.push_back(static_cast<int32_t>(i));
    }
  }
  // Byte-wise order puts each token right before its extensions: trie preorder.
  std::sort(by_position_.begin(), by_position_.end(), [&](int32_t a, int32_t b) {
    const std::string& x = tokens_[a];
    const std::string& y = tokens_[b];
    const int c = std::char_traits<char>::compare(x.data(), y.data(), std::min(x.size(), y.size()));
    if (c != 0) {
      // compare() on char may be signed; order by unsigned bytes.
      const auto [p, q] = std::mismatch(x.begin(), x.end(), y.begin(), y.end());
      return static_cast<uint8_t>(*p) < static_cast<uint8_t>(*q);
    }
    return x.size() != y.size() ? x.size() < y.size() : a < b;
  });
  build(0, static_cast<uint32_t>(by_position_.size()), 0);
  summarize();
}

uint32_t VocabIndex::build(uint32_t lo, uint32_t hi, size_t depth) {
  const uint32_t id = static_cast<uint32_t>(nodes_.size());
  nodes_.emplace_back();
  uint32_t pos = lo;
  while (pos < hi && tokens_[by_position_[pos]].size() == depth) ++pos;
  nodes_[id].begin = lo;
  nodes_[id].own_end = pos;
  nodes_[id].end = hi;
  std::vector<Edge> children;
  while (pos < hi) {
    const uint8_t byte = static_cast<uint8_t>(tokens_[by_position_[pos]][depth]);
    uint32_t group_end = pos;
    while (group_end < hi &&
           static_cast<uint8_t>(tokens_[by_position_[group_end]][depth]) == byte) {
      ++group_end;
    }
    children.push_back({byte, build(pos, group_end, depth + 1)});
    pos = group_end;
  }
  nodes_[id].first_edge = static_cast<uint32_t>(edges_.size());
  nodes_[id].edge_count = static_cast<uint32_t>(children.size());
  edges_.insert(edges_.end(), children.begin(), children.end());
  return id;
}

void VocabIndex::summarize() {
  // Children have larger ids than parents (preorder), so a reverse sweep is bottom-up.
  for (size_t i = nodes_.size(); i-- > 0;) {
    Node& n = nodes_[i];
    for (const Edge& e : edges(n)) {
      const Node& c = nodes_[e.child];
      n.ascii[0] |= c.ascii[0];
      n.ascii[1] |= c.ascii[1];
      if (e.byte < 128) n.ascii[e.byte >> 6] |= uint64_t{1} << (e.byte & 63);
      n.has_non_ascii = n.has_non_ascii || e.byte >= 128 || c.has_non_ascii;
      n.max_depth =
          static_cast<uint16_t>(std::min<int>(0xFFFF, std::max<int>(n.max_depth, c.max_depth + 1)));
      // At a boundary the byte must be ASCII or a lead byte; owed bytes must be continuations.
      int owed = -1;  // -1: not a valid lead byte
      if (e.byte < 0x80)
        owed = 0;
      else if (e.byte >= 0xC2 && e.byte < 0xE0)
        owed = 1;
      else if (e.byte >= 0xE0 && e.byte < 0xF0)
        owed = 2;
      else if (e.byte >= 0xF0 && e.byte < 0xF8)
        owed = 3;
      // Overlong E0/F0 forms depend on the next byte's value; keep them off the fast path.
      if (owed < 0 || e.byte == 0xE0 || e.byte == 0xF0 || (c.invalid_when_owed >> owed) & 1) {
        n.invalid_when_owed |= 1;
      }
      const bool continuation = (e.byte & 0xC0) == 0x80;
      for (int k = 1; k <= 3; ++k) {
        if (!continuation || ((c.invalid_when_owed >> (k - 1)) & 1)) {
          n.invalid_when_owed |= static_cast<uint8_t>(1 << k);
        }
      }
    }
  }
}

}  // namespace tandem::grammar
