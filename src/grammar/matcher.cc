#include "grammar/matcher.h"

#include <stdexcept>

namespace tandem::grammar {

Matcher::Matcher(std::shared_ptr<const Grammar> grammar) : grammar_(std::move(grammar)) {
  if (!grammar_) throw std::invalid_argument("Matcher needs a grammar");
  reset();
}

void Matcher::reset() {
  stacks_ = initial_stacks(*grammar_);
  partial_ = {};
}

bool Matcher::accept_bytes(std::string_view bytes) {
  StackSet stacks = stacks_;
  Utf8Partial partial = partial_;
  for (char c : bytes) {
    uint32_t cp = 0;
    switch (utf8_feed(partial, static_cast<uint8_t>(c), cp)) {
      case Utf8Step::kInvalid:
        return false;
      case Utf8Step::kPending: {
        // Reject early when no stack can take any code point this sequence may become.
        const auto [lo, hi] = utf8_pending_range(partial);
        if (!can_match_range(*grammar_, stacks, lo, hi)) return false;
        break;
      }
      case Utf8Step::kComplete:
        stacks = advance_stacks(*grammar_, stacks, cp);
        if (stacks.empty()) return false;
        break;
    }
  }
  stacks_ = std::move(stacks);
  partial_ = partial;
  return true;
}

bool Matcher::accept_code_point(uint32_t cp) {
  if (partial_.remaining != 0) return false;
  StackSet next = advance_stacks(*grammar_, stacks_, cp);
  if (next.empty()) return false;
  stacks_ = std::move(next);
  return true;
}

bool matches(const std::shared_ptr<const Grammar>& grammar, std::string_view text) {
  Matcher m(grammar);
  return m.accept_bytes(text) && m.is_complete();
}

}  // namespace tandem::grammar
