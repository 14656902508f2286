// Byte trie over a vocabulary, built once per vocabulary and shared by every grammar.
// Tokens are numbered in trie preorder ("positions"), so each subtree is a contiguous
// position range and whole subtrees can be accepted or rejected at once.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace tandem::grammar {

class VocabIndex {
 public:
  struct Node {
    uint32_t first_edge = 0;
    uint32_t edge_count = 0;
    uint32_t begin = 0;               // first position in the subtree
    uint32_t own_end = 0;             // [begin, own_end) are tokens ending exactly here
    uint32_t end = 0;                 // one past the last position in the subtree
    std::array<uint64_t, 2> ascii{};  // ASCII bytes below this node
    bool has_non_ascii = false;       // some byte >= 0x80 below this node
    // Bit k: some token below here is not valid UTF-8 when k continuation bytes are still
    // owed on arrival (k = 0: at a code point boundary). Truncation at a token end is fine.
    uint8_t invalid_when_owed = 0;
    uint16_t max_depth = 0;  // longest byte suffix below this node
  };
  struct Edge {
    uint8_t byte;
    uint32_t child;
  };

  // `tokens[i]` are the raw bytes of token id i. End-of-generation ids and empty tokens are
  // kept out of the trie; EOG tokens are allowed exactly when the grammar is complete.
  VocabIndex(std::span<const std::string> tokens, std::span<const int32_t> eog_ids);

  size_t size() const { return tokens_.size(); }
  const std::string& token(int32_t id) const { return tokens_.at(static_cast<size_t>(id)); }
  bool is_eog(int32_t id) const { return is_eog_.at(static_cast<size_t>(id)) != 0; }
  std::span<const int32_t> eog_ids() const { return eog_ids_; }
  std::span<const int32_t> outside_trie() const { return outside_trie_; }

  const Node& node(uint32_t i) const { return nodes_[i]; }
  std::span<const Edge> edges(const Node& n) const {
    return std::span<const Edge>(edges_).subspan(n.first_edge, n.edge_count);
  }
  int32_t id_at(uint32_t position) const { return by_position_[position]; }
  size_t node_count() const { return nodes_.size(); }

 private:
  uint32_t build(uint32_t lo, uint32_t hi, size_t depth);
  void summarize();

  std::vector<std::string> tokens_;
  std::vector<char> is_eog_;
  std::vector<int32_t> eog_ids_;
  std::vector<int32_t> outside_trie_;  // EOG and empty tokens
  std::vector<int32_t> by_position_;
  std::vector<Node> nodes_;
  std::vector<Edge> edges_;
};

}  // namespace tandem::grammar
