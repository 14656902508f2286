#include "tokenizer/spm_tokenizer.h"

#include <cstdio>
#include <queue>
#include <stdexcept>

#include "tokenizer/unicode.h"

namespace tandem::tokenizer {

namespace {

constexpr std::string_view kSpaceMarker = "\xE2\x96\x81";  // U+2581

std::string escape_spaces(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 2);
  for (char c : text) {
    if (c == ' ') {
      out += kSpaceMarker;
    } else {
      out += c;
    }
  }
  return out;
}

std::string unescape_spaces(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    if (text.substr(i, kSpaceMarker.size()) == kSpaceMarker) {
      out += ' ';
      i += kSpaceMarker.size();
    } else {
      out += text[i++];
    }
  }
  return out;
}

struct Symbol {
  int prev;
  int next;
  size_t begin;
  size_t n;  // 0 once merged into its left neighbour
};

struct Bigram {
  int left;
  int right;
  float score;
  size_t size;
};

// Highest score first; ties go to the leftmost pair.
struct BigramOrder {
  bool operator()(const Bigram& a, const Bigram& b) const {
    return a.score < b.score || (a.score == b.score && a.left > b.left);
  }
};

}  // namespace

SpmTokenizer::SpmTokenizer(TokenizerVocab vocab)
    : Tokenizer(detail::normalize_vocab(std::move(vocab))),
      index_(detail::build_token_index(vocab_)),
      specials_(vocab_) {
  for (int b = 0; b < 256; ++b) {
    char hex[8];
    std::snprintf(hex, sizeof(hex), "<0x%02X>", b);
    TokenId id = find(hex);
    const char raw = static_cast<char>(b);
    if (id < 0) id = find(std::string_view(&raw, 1));
    byte_tokens_[b] = id >= 0 ? id : vocab_.unk;
  }
}

TokenId SpmTokenizer::find(std::string_view text) const {
  const auto it = index_.find(text);
  return it == index_.end() ? -1 : it->second;
}

std::vector<TokenId> SpmTokenizer::encode(std::string_view text, bool add_special,
                                          bool parse_special) const {
  std::vector<TokenId> out;
  if (add_special && vocab_.add_bos && vocab_.bos >= 0) out.push_back(vocab_.bos);

  // SentencePiece adds its dummy prefix at the start and after every special token.
  bool prev_special = true;
  for (const auto& frag : specials_.split(text, parse_special)) {
    if (frag.token >= 0) {
      out.push_back(frag.token);
      prev_special = true;
      continue;
    }
    std::string raw;
    if (vocab_.add_space_prefix && prev_special) raw = " ";
    raw += frag.text;
    encode_escaped(escape_spaces(raw), out);
    prev_special = false;
  }

  if (add_special && vocab_.add_eos && vocab_.eos >= 0) out.push_back(vocab_.eos);
  return out;
}

void SpmTokenizer::encode_escaped(std::string_view text, std::vector<TokenId>& out) const {
  // Initial symbols are UTF-8 characters, cut by lead byte alone as llama.cpp does.
  std::vector<Symbol> symbols;
  for (size_t offs = 0; offs < text.size();) {
    const size_t len = std::min(unicode::utf8_len(text[offs]), text.size() - offs);
    const int index = static_cast<int>(symbols.size());
    symbols.push_back({index - 1, offs + len == text.size() ? -1 : index + 1, offs, len});
    offs += len;
  }

  std::priority_queue<Bigram, std::vector<Bigram>, BigramOrder> queue;
  const auto try_add = [&](int left, int right) {
    if (left < 0 || right < 0) return;
    const size_t size = symbols[left].n + symbols[right].n;
    const TokenId id = find(text.substr(symbols[left].begin, size));
    if (id < 0) return;
    queue.push({left, right, vocab_.scores[id], size});
  };
  for (int i = 1; i < static_cast<int>(symbols.size()); ++i) try_add(i - 1, i);

  while (!queue.empty()) {
    const Bigram bg = queue.top();
    queue.pop();
    Symbol& left = symbols[bg.left];
    Symbol& right = symbols[bg.right];
    // Stale entry: one side was merged away since the pair was queued.
    if (left.n == 0 || right.n == 0 || left.n + right.n != bg.size) continue;
    left.n += right.n;
    right.n = 0;
    left.next = right.next;
    if (right.next >= 0) symbols[right.next].prev = bg.left;
    try_add(left.prev, bg.left);
    try_add(bg.left, left.next);
  }

  // A final symbol is a vocab token or (never merged, unknown character) falls back to bytes.
  // llama.cpp's rev_merge re-segmentation cannot trigger: every merged symbol is a token.
  for (int i = symbols.empty() ? -1 : 0; i != -1; i = symbols[i].next) {
    const Symbol& s = symbols[i];
    const std::string_view piece = text.substr(s.begin, s.n);
    if (const TokenId id = find(piece); id >= 0) {
      out.push_back(id);
      continue;
    }
    for (char c : piece) {
      const TokenId id = byte_tokens_[static_cast<uint8_t>(c)];
      if (id >= 0) out.push_back(id);
    }
  }
}

std::string SpmTokenizer::token_to_piece(TokenId id, bool render_special) const {
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
    case TokenType::NORMAL:
      return unescape_spaces(text);
    case TokenType::BYTE:
      if (text.size() == 6 && text.compare(0, 3, "<0x") == 0) {
        return std::string(1, static_cast<char>(std::stoi(text.substr(3, 2), nullptr, 16)));
      }
      return text;
    default:
      return {};  // UNUSED / UNDEFINED render as nothing, as in llama.cpp
  }
}

}  // namespace tandem::tokenizer
