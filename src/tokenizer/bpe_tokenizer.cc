#include "tokenizer/bpe_tokenizer.h"

#include <queue>
#include <stdexcept>

#include "tokenizer/unicode.h"

namespace tandem::tokenizer {

namespace {

struct Symbol {
  int prev;
  int next;
  size_t begin;
  size_t n;  // 0 once merged into its left neighbour
};

struct Bigram {
  int left;
  int right;
  int rank;
  std::string text;  // left + right when queued, to detect stale entries
};

// Lowest rank first; ties go to the leftmost pair.
struct BigramOrder {
  bool operator()(const Bigram& a, const Bigram& b) const {
    return a.rank > b.rank || (a.rank == b.rank && a.left > b.left);
  }
};

}  // namespace

BpeTokenizer::BpeTokenizer(TokenizerVocab vocab)
    : Tokenizer(detail::normalize_vocab(std::move(vocab))),
      pre_(vocab_.pre),
      ignore_merges_(PreTokenizer::traits(vocab_.pre).ignore_merges),
      index_(detail::build_token_index(vocab_)),
      specials_(vocab_) {
  ranks_.reserve(vocab_.merges.size());
  for (size_t i = 0; i < vocab_.merges.size(); ++i) {
    const std::string& m = vocab_.merges[i];
    // Split at the first space after the first byte, so a merge of " " itself would parse.
    const size_t pos = m.find(' ', 1);
    if (pos == std::string::npos) continue;
    ranks_.emplace(m, static_cast<int>(i));  // first occurrence wins, as in llama.cpp
  }
}

TokenId BpeTokenizer::find(std::string_view text) const {
  const auto it = index_.find(text);
  return it == index_.end() ? -1 : it->second;
}

int BpeTokenizer::rank(std::string_view left, std::string_view right) const {
  std::string key;
  key.reserve(left.size() + right.size() + 1);
  key.append(left).append(" ").append(right);
  const auto it = ranks_.find(key);
  return it == ranks_.end() ? -1 : it->second;
}

std::vector<TokenId> BpeTokenizer::encode(std::string_view text, bool add_special,
                                          bool parse_special) const {
  std::vector<TokenId> out;
  if (add_special && vocab_.add_bos && vocab_.bos >= 0) out.push_back(vocab_.bos);
  for (const auto& frag : specials_.split(text, parse_special)) {
    if (frag.token >= 0) {
      out.push_back(frag.token);
    } else {
      encode_text(frag.text, out);
    }
  }
  if (add_special && vocab_.add_eos && vocab_.eos >= 0) out.push_back(vocab_.eos);
  return out;
}

void BpeTokenizer::encode_text(std::string_view text, std::vector<TokenId>& out) const {
  const auto& byte_map = unicode::gpt2_byte_to_utf8();
  for (const std::string& word : pre_.split(text)) {
    std::string encoded;
    encoded.reserve(word.size() * 2);
    for (char c : word) encoded += byte_map[static_cast<uint8_t>(c)];
    encode_word(encoded, out);
  }
}

void BpeTokenizer::encode_word(const std::string& word, std::vector<TokenId>& out) const {
  if (ignore_merges_) {
    if (const TokenId id = find(word); id >= 0) {
      out.push_back(id);
      return;
    }
  }

  std::vector<Symbol> symbols;
  for (size_t offs = 0; offs < word.size();) {
    const size_t len = std::min(unicode::utf8_len(word[offs]), word.size() - offs);
    const int index = static_cast<int>(symbols.size());
    symbols.push_back({index - 1, offs + len == word.size() ? -1 : index + 1, offs, len});
    offs += len;
  }
  const auto text_of = [&](const Symbol& s) { return std::string_view(word).substr(s.begin, s.n); };

  std::priority_queue<Bigram, std::vector<Bigram>, BigramOrder> queue;
  const auto try_add = [&](int left, int right) {
    if (left < 0 || right < 0) return;
    const std::string_view l = text_of(symbols[left]), r = text_of(symbols[right]);
    const int rk = rank(l, r);
    if (rk < 0) return;
    std::string joined;
    joined.reserve(l.size() + r.size());
    joined.append(l).append(r);
    queue.push({left, right, rk, std::move(joined)});
  };
  for (int i = 1; i < static_cast<int>(symbols.size()); ++i) try_add(i - 1, i);

  while (!queue.empty()) {
    const Bigram bg = queue.top();
    queue.pop();
    Symbol& left = symbols[bg.left];
    Symbol& right = symbols[bg.right];
    if (left.n == 0 || right.n == 0) continue;
    // Stale entry: a neighbour changed since the pair was queued.
    if (left.n + right.n != bg.text.size() ||
        std::string_view(word).substr(left.begin, left.n + right.n) != bg.text) {
      continue;
    }
    left.n += right.n;
    right.n = 0;
    left.next = right.next;
    if (right.next >= 0) symbols[right.next].prev = bg.left;
    try_add(left.prev, bg.left);
    try_add(bg.left, left.next);
  }

  for (int i = symbols.empty() ? -1 : 0; i != -1; i = symbols[i].next) {
    const std::string_view piece = text_of(symbols[i]);
    if (const TokenId id = find(piece); id >= 0) {
      out.push_back(id);
      continue;
    }
    // No token for the merged text: llama.cpp looks up each raw byte of it on its own
    // (and silently drops bytes that have no token).
    for (char c : piece) {
      if (const TokenId id = find(std::string_view(&c, 1)); id >= 0) out.push_back(id);
    }
  }
}

std::string BpeTokenizer::token_to_piece(TokenId id, bool render_special) const {
  if (id < 0 || id >= n_vocab()) {
    throw std::out_of_range("token id " + std::to_string(id) + " outside the vocab of " +
                            std::to_string(n_vocab()));
  }
  const std::string& text = vocab_.tokens[id];
  switch (vocab_.types[id]) {
    case TokenType::CONTROL:
    case TokenType::UNKNOWN:
      return render_special ? text : std::string();
    case TokenType::USER_DEFINED:
      return text;
    case TokenType::NORMAL: {
      std::string out;
      out.reserve(text.size());
      for (uint32_t cpt : unicode::decode_utf8(text)) {
        const int b = unicode::gpt2_utf8_to_byte(cpt);
        // A character outside the byte map cannot come from byte-level BPE; keep it as is.
        if (b >= 0) {
          out += static_cast<char>(b);
        } else {
          unicode::append_utf8(out, cpt);
        }
      }
      return out;
    }
    case TokenType::BYTE:
      if (text.size() == 6 && text.compare(0, 3, "<0x") == 0) {
        return std::string(1, static_cast<char>(std::stoi(text.substr(3, 2), nullptr, 16)));
      }
      return text;
    default:
      return {};
  }
}

}  // namespace tandem::tokenizer
