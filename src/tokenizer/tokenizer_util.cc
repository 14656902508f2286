#include "tokenizer/tokenizer_util.h"

#include <algorithm>
#include <stdexcept>
#include <unordered_set>

namespace tandem::tokenizer::detail {

namespace {

// Texts llama.cpp recognises as end of generation (llama-vocab.cpp, special_eog_ids).
const std::unordered_set<std::string_view>& eog_texts() {
  static const std::unordered_set<std::string_view> s = {
      "<|eot_id|>",
      "<|im_end|>",
      "<|end|>",
      "<|return|>",
      "<|call|>",
      "<end_of_turn>",
      "<|endoftext|>",
      "</s>",
      "<|eom_id|>",
      "<EOT>",
      "_<EOT>",
      "[EOT]",
      "[EOS]",
      "<|end_of_text|>",
      "<end_of_utterance>",
      "<eos>",
      "<turn|>",
      "<|fim_pad|>",
      "<fim-pad>",
      "<fim_pad>",
      "<PAD>",
      "[PAD]",
      "<|fim_repo|>",
      "<|repo_name|>",
      "<fim-repo>",
      "<REPO>",
      "<reponame>",
      "<|file_sep|>",
      "<\xEF\xBD\x9C"
      "end\xE2\x96\x81"
      "of\xE2\x96\x81"
      "sentence\xEF\xBD\x9C>",
  };
  return s;
}

// FIM markers; llama.cpp forces them to CONTROL so plain text never produces them.
const std::unordered_set<std::string_view>& fim_texts() {
  static const std::unordered_set<std::string_view> s = {
      "<|fim_prefix|>",
      "<fim-prefix>",
      "<fim_prefix>",
      "<PRE>",
      "\xE2\x96\x81<PRE>",
      "<|fim_suffix|>",
      "<fim-suffix>",
      "<fim_suffix>",
      "<SUF>",
      "\xE2\x96\x81<SUF>",
      "<|fim_middle|>",
      "<fim-middle>",
      "<fim_middle>",
      "<MID>",
      "\xE2\x96\x81<MID>",
      "<\xEF\xBD\x9C"
      "fim\xE2\x96\x81"
      "begin\xEF\xBD\x9C>",
      "<\xEF\xBD\x9C"
      "fim\xE2\x96\x81"
      "hole\xEF\xBD\x9C>",
      "<\xEF\xBD\x9C"
      "fim\xE2\x96\x81"
      "end\xEF\xBD\x9C>",
  };
  return s;
}

bool is_byte_token_text(std::string_view t) {
  const auto hex = [](char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F'); };
  return t.size() == 6 && t.substr(0, 3) == "<0x" && hex(t[3]) && hex(t[4]) && t[5] == '>';
}

}  // namespace

bool is_eog_text(std::string_view text) {
  return eog_texts().count(text) > 0;
}

TokenizerVocab normalize_vocab(TokenizerVocab v) {
  const size_t n = v.tokens.size();
  if (n == 0) throw std::invalid_argument("tokenizer vocab has no tokens");
  const auto in_range = [n](TokenId id) { return id >= 0 && static_cast<size_t>(id) < n; };
  for (TokenId* id : {&v.bos, &v.eos, &v.unk, &v.pad}) {
    if (!in_range(*id)) *id = -1;
  }
  if (v.scores.empty()) v.scores.assign(n, 0.0f);
  if (v.scores.size() < n)
    throw std::invalid_argument("tokenizer vocab has fewer scores than tokens");
  v.scores.resize(n);

  if (v.types.empty()) {
    // Vocabs without types (llama2.c) still need byte and special tokens to behave.
    v.types.assign(n, TokenType::NORMAL);
    if (v.model == "llama") {
      for (size_t i = 0; i < n; ++i) {
        if (is_byte_token_text(v.tokens[i])) v.types[i] = TokenType::BYTE;
      }
    }
    if (v.unk >= 0) v.types[v.unk] = TokenType::UNKNOWN;
    if (v.bos >= 0) v.types[v.bos] = TokenType::CONTROL;
    if (v.eos >= 0) v.types[v.eos] = TokenType::CONTROL;
  }
  if (v.types.size() < n)
    throw std::invalid_argument("tokenizer vocab has fewer types than tokens");
  v.types.resize(n);

  for (size_t i = 0; i < n; ++i) {
    auto& text = v.tokens[i];
    if (text.empty()) text = "[EMPTY_" + std::to_string(i) + "]";
    if (is_eog_text(text) || fim_texts().count(text) > 0) v.types[i] = TokenType::CONTROL;
  }
  return v;
}

std::unordered_map<std::string_view, TokenId> build_token_index(const TokenizerVocab& vocab) {
  std::unordered_map<std::string_view, TokenId> index;
  index.reserve(vocab.tokens.size());
  for (size_t i = 0; i < vocab.tokens.size(); ++i) {
    const auto [it, inserted] = index.emplace(vocab.tokens[i], static_cast<TokenId>(i));
    if (!inserted) {
      throw std::invalid_argument("duplicate token in vocabulary: '" + vocab.tokens[i] +
                                  "' has ids " + std::to_string(it->second) + " and " +
                                  std::to_string(i));
    }
  }
  return index;
}

SpecialTokenSplitter::SpecialTokenSplitter(const TokenizerVocab& vocab) {
  for (size_t i = 0; i < vocab.tokens.size(); ++i) {
    const TokenType t = vocab.types[i];
    if (t == TokenType::CONTROL || t == TokenType::UNKNOWN || t == TokenType::USER_DEFINED) {
      specials_.push_back({static_cast<TokenId>(i), vocab.tokens[i], t != TokenType::USER_DEFINED});
    }
  }
  std::stable_sort(specials_.begin(), specials_.end(), [](const Special& a, const Special& b) {
    return a.text.size() > b.text.size();
  });
}

std::vector<Fragment> SpecialTokenSplitter::split(std::string_view text, bool parse_special) const {
  std::vector<Fragment> frags;
  if (text.empty()) return frags;
  frags.push_back({-1, text});
  for (const Special& sp : specials_) {
    if (sp.needs_parse_special && !parse_special) continue;
    std::vector<Fragment> next;
    next.reserve(frags.size());
    for (const Fragment& f : frags) {
      if (f.token >= 0) {
        next.push_back(f);
        continue;
      }
      std::string_view rest = f.text;
      for (size_t pos; (pos = rest.find(sp.text)) != std::string_view::npos;) {
        if (pos > 0) next.push_back({-1, rest.substr(0, pos)});
        next.push_back({sp.id, rest.substr(pos, sp.text.size())});
        rest.remove_prefix(pos + sp.text.size());
      }
      if (!rest.empty()) next.push_back({-1, rest});
    }
    frags = std::move(next);
  }
  return frags;
}

}  // namespace tandem::tokenizer::detail
