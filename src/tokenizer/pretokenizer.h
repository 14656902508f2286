// Pre-tokenization for byte-level BPE: splits text into words with the regex cascade that
// llama.cpp associates with each tokenizer.ggml.pre value.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace tandem::tokenizer {

// Per pre-type behaviour beyond the regexes.
struct PreTokenizerTraits {
  bool ignore_merges = false;  // a word that is itself a token skips the merge loop (Llama 3)
  bool add_bos = false;        // default for add_bos when the GGUF does not say
};

class PreTokenizer {
 public:
  static bool is_known(std::string_view pre);
  static PreTokenizerTraits traits(std::string_view pre);  // throws std::invalid_argument

  // Throws std::invalid_argument for an unknown `pre`.
  explicit PreTokenizer(std::string_view pre);
  PreTokenizer(PreTokenizer&&) noexcept;
  PreTokenizer& operator=(PreTokenizer&&) noexcept;
  ~PreTokenizer();

  // Words in order; their concatenation is `text` with malformed UTF-8 bytes replaced by
  // U+FFFD. Each regex refines the pieces left by the previous one: matches and the gaps
  // between them both become pieces, and a regex only ever sees one piece at a time.
  std::vector<std::string> split(std::string_view text) const;

 private:
  struct Regex;
  std::vector<std::unique_ptr<Regex>> regexes_;
};

}  // namespace tandem::tokenizer
