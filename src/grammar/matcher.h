// Incremental recognizer: feeds bytes (UTF-8, possibly split mid code point) or code points
// into the grammar's parse stacks and reports prefix validity and completeness.
#pragma once

#include <memory>
#include <string_view>

#include "grammar/grammar.h"
#include "grammar/stacks.h"
#include "grammar/utf8.h"

namespace tandem::grammar {

class Matcher {
 public:
  explicit Matcher(std::shared_ptr<const Grammar> grammar);

  // Consumes `bytes` if the result is still a valid prefix; otherwise returns false and
  // leaves the state unchanged. Throws StackLimitError if the grammar is too ambiguous.
  bool accept_bytes(std::string_view bytes);
  bool accept_code_point(uint32_t cp);

  // Input so far can still be extended to a sentence (always true between calls, since
  // rejected input is never committed; kept for API clarity).
  bool is_valid_prefix() const { return !stacks_.empty(); }
  // Input so far is a complete sentence (and does not end mid code point).
  bool is_complete() const { return partial_.remaining == 0 && any_complete(stacks_); }

  void reset();

  const Grammar& grammar() const { return *grammar_; }
  const std::shared_ptr<const Grammar>& grammar_ptr() const { return grammar_; }
  const StackSet& stacks() const { return stacks_; }
  const Utf8Partial& partial() const { return partial_; }

 private:
  std::shared_ptr<const Grammar> grammar_;
  StackSet stacks_;
  Utf8Partial partial_;
};

// Convenience: whether `text` is a complete sentence of `grammar`.
bool matches(const std::shared_ptr<const Grammar>& grammar, std::string_view text);

}  // namespace tandem::grammar
