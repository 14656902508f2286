#include "tokenizer/tokenizer.h"

#include <cstdio>
#include <stdexcept>

#include "model/gguf_file.h"
#include "tokenizer/bpe_tokenizer.h"
#include "tokenizer/pretokenizer.h"
#include "tokenizer/spm_tokenizer.h"
#include "tokenizer/tokenizer_util.h"
#include "tokenizer/unicode.h"

namespace tandem::tokenizer {

namespace {

std::vector<float> read_scores(const model::GgufFile& file, const model::GgufValue& v) {
  try {
    return v.as_float_list();
  } catch (const std::invalid_argument& e) {
    throw file.error("tokenizer.ggml.scores: " + std::string(e.what()));
  }
}

std::vector<TokenType> read_types(const model::GgufFile& file, const model::GgufValue& v) {
  std::vector<int64_t> raw;
  try {
    raw = v.as_int_list();
  } catch (const std::invalid_argument& e) {
    throw file.error("tokenizer.ggml.token_type: " + std::string(e.what()));
  }
  std::vector<TokenType> types;
  types.reserve(raw.size());
  for (int64_t t : raw) {
    // Unknown kinds behave like UNDEFINED (never rendered), as in llama.cpp.
    types.push_back(t >= 0 && t <= 6 ? static_cast<TokenType>(t) : TokenType::UNDEFINED);
  }
  return types;
}

std::vector<std::string> read_strings(const model::GgufFile& file, std::string_view key) {
  const model::GgufValue* v = file.find(key);
  if (v == nullptr) throw file.error("missing " + std::string(key));
  try {
    return v->as_string_list();
  } catch (const std::invalid_argument& e) {
    throw file.error(std::string(key) + " must be an array of strings: " + e.what());
  }
}

}  // namespace

TokenizerVocab vocab_from_gguf(const model::GgufFile& file) {
  TokenizerVocab v;
  v.model = file.get_string("tokenizer.ggml.model");
  const bool spm = v.model == "llama";
  if (!spm && v.model != "gpt2") {
    throw file.error("unsupported tokenizer model '" + v.model + "' (want llama or gpt2)");
  }
  // llama.cpp ignores the pre-tokenizer of SentencePiece vocabs.
  v.pre = spm ? "default" : file.get_string("tokenizer.ggml.pre", "default");
  if (v.pre.empty()) v.pre = "default";
  if (!spm && !PreTokenizer::is_known(v.pre)) {
    throw file.error("unknown pre-tokenizer type '" + v.pre + "' (tokenizer.ggml.pre)");
  }

  v.tokens = read_strings(file, "tokenizer.ggml.tokens");
  const size_t n = v.tokens.size();
  if (n == 0) throw file.error("tokenizer.ggml.tokens is empty");
  if (const auto* s = file.find("tokenizer.ggml.scores")) {
    v.scores = read_scores(file, *s);
    if (v.scores.size() < n) throw file.error("tokenizer.ggml.scores is shorter than the vocab");
    v.scores.resize(n);
  }
  if (const auto* t = file.find("tokenizer.ggml.token_type")) {
    v.types = read_types(file, *t);
    if (v.types.size() < n) {
      throw file.error("tokenizer.ggml.token_type is shorter than the vocab");
    }
    v.types.resize(n);
  }
  if (!spm) v.merges = read_strings(file, "tokenizer.ggml.merges");

  // Defaults follow llama.cpp; gpt2 gets no implicit special ids (llama.cpp's 11 is a
  // GPT-NeoX leftover that is wrong for most byte-level vocabs).
  v.bos = spm ? 1 : -1;
  v.eos = spm ? 2 : -1;
  v.unk = spm ? 0 : -1;
  v.pad = -1;
  v.add_bos = spm || PreTokenizer::traits(v.pre).add_bos;
  v.add_eos = false;
  v.add_space_prefix = spm;

  const auto in_range = [n](int64_t id) { return id >= 0 && static_cast<uint64_t>(id) < n; };
  // BOS and EOS drive encoding and stopping, so an id outside the vocabulary is refused.
  // llama.cpp warns and ignores bad ids; we do that only for UNK and padding, which the
  // engine never emits.
  const auto read_id = [&](std::string_view key, TokenId& id, bool required_valid) {
    if (!file.has(key)) return;
    const int64_t value = file.get_int(key);
    if (value == -1 || value == 0xFFFFFFFF) return;  // -1 as int32 or uint32: "no such token"
    if (in_range(value)) {
      id = static_cast<TokenId>(value);
    } else if (required_valid) {
      throw file.error(std::string(key) + " = " + std::to_string(value) +
                       " is outside the vocabulary of " + std::to_string(n) + " tokens");
    } else {
      std::fprintf(stderr, "warning: %s: %.*s = %lld is outside the vocabulary; ignored\n",
                   file.path().c_str(), static_cast<int>(key.size()), key.data(),
                   static_cast<long long>(value));
    }
  };
  read_id("tokenizer.ggml.bos_token_id", v.bos, true);
  read_id("tokenizer.ggml.eos_token_id", v.eos, true);
  read_id("tokenizer.ggml.unknown_token_id", v.unk, false);
  read_id("tokenizer.ggml.padding_token_id", v.pad, false);
  for (TokenId* id : {&v.bos, &v.eos, &v.unk, &v.pad}) {
    if (!in_range(*id)) *id = -1;
  }

  v.add_bos = file.get_bool("tokenizer.ggml.add_bos_token", v.add_bos);
  v.add_eos = file.get_bool("tokenizer.ggml.add_eos_token", v.add_eos);
  v.add_space_prefix = file.get_bool("tokenizer.ggml.add_space_prefix", v.add_space_prefix);
  if (v.add_bos && v.bos < 0) {
    throw file.error("tokenizer.ggml.add_bos_token is true, but there is no bos_token_id");
  }
  if (v.add_eos && v.eos < 0) {
    throw file.error("tokenizer.ggml.add_eos_token is true, but there is no eos_token_id");
  }
  return v;
}

std::unique_ptr<Tokenizer> Tokenizer::create(TokenizerVocab vocab) {
  if (vocab.model == "llama") return std::make_unique<SpmTokenizer>(std::move(vocab));
  if (vocab.model == "gpt2") return std::make_unique<BpeTokenizer>(std::move(vocab));
  throw std::invalid_argument("unsupported tokenizer model '" + vocab.model + "'");
}

bool Tokenizer::is_eog(TokenId id) const {
  if (id < 0 || id >= n_vocab()) return false;
  return id == vocab_.eos || detail::is_eog_text(vocab_.tokens[id]);
}

std::string Tokenizer::decode(const std::vector<TokenId>& ids, bool render_special) const {
  std::string out;
  // SentencePiece's dummy prefix: drop the space that encode() put before the first word.
  bool strip_space = vocab_.model == "llama" && vocab_.add_space_prefix;
  for (TokenId id : ids) {
    std::string piece = token_to_piece(id, render_special);
    const bool control = !vocab_.types.empty() && vocab_.types[id] == TokenType::CONTROL;
    if (strip_space && !control) {
      if (!piece.empty() && piece.front() == ' ') piece.erase(0, 1);
      strip_space = false;
    }
    out += piece;
  }
  return out;
}

std::string Utf8StreamDecoder::push(std::string_view piece) {
  pending_.append(piece);
  std::string out;
  size_t pos = 0;
  while (pos < pending_.size()) {
    const auto len = unicode::valid_sequence_length(std::string_view(pending_).substr(pos));
    if (!len) break;  // incomplete: wait for the next piece
    if (*len == 0) {
      unicode::append_utf8(out, unicode::kReplacementChar);
      ++pos;
    } else {
      out.append(pending_, pos, *len);
      pos += *len;
    }
  }
  pending_.erase(0, pos);
  return out;
}

std::string Utf8StreamDecoder::flush() {
  std::string out = push({});
  // Whatever is still held is a truncated sequence that will never complete.
  if (!pending_.empty()) unicode::append_utf8(out, unicode::kReplacementChar);
  pending_.clear();
  return out;
}

}  // namespace tandem::tokenizer
