#include "grammar/token_mask.h"

#include <stdexcept>

namespace tandem::grammar {

TokenMask::TokenMask(std::shared_ptr<const Grammar> grammar,
                     std::shared_ptr<const VocabIndex> vocab)
    : grammar_(std::move(grammar)), vocab_(std::move(vocab)), automaton_(grammar_) {
  if (!grammar_ || !vocab_) throw std::invalid_argument("TokenMask needs a grammar and vocab");
}

void TokenMask::add(std::vector<Range>& ranges, uint32_t begin, uint32_t end) {
  if (begin == end) return;
  if (!ranges.empty() && ranges.back().second == begin) {
    ranges.back().second = end;
  } else {
    ranges.emplace_back(begin, end);
  }
}

void TokenMask::visit(uint32_t node_id, int32_t state, Utf8Partial partial) {
  const VocabIndex::Node& node = vocab_->node(node_id);
  // Whole-subtree acceptance: all bytes below are well-formed UTF-8 (given what is owed)
  // and every step keeps the automaton alive. Pending E0/F0 sequences (value 0) are left to
  // the byte walk, which rejects their overlong forms.
  // Tokens ending here leave the parse in `state` (a pending code point still owes its
  // character, which the distance counts).
  const bool own_within = within(state);
  if (own_within && !((node.invalid_when_owed >> partial.remaining) & 1) &&
      (partial.remaining == 0 || partial.value != 0) &&
      automaton_.accepts_all(state, node.ascii, node.has_non_ascii, node.max_depth,
                             max_distance_)) {
    add(accepted_, node.begin, node.end);
    return;
  }
  // We only get here in a live state, so only the budget can reject these.
  add(own_within ? accepted_ : rejected_, node.begin, node.own_end);
  for (const VocabIndex::Edge& e : vocab_->edges(node)) {
    const VocabIndex::Node& child = vocab_->node(e.child);
    Utf8Partial p = partial;
    uint32_t cp = 0;
    int32_t next = Automaton::kDead;
    switch (utf8_feed(p, e.byte, cp)) {
      case Utf8Step::kInvalid:
        break;
      case Utf8Step::kPending:
        if (automaton_.pending_viable(state, p)) next = state;
        break;
      case Utf8Step::kComplete:
        next = automaton_.next(state, cp);
        break;
    }
    if (next == Automaton::kDead) {
      add(rejected_, child.begin, child.end);
    } else {
      visit(e.child, next, p);
    }
  }
}

void TokenMask::compute(const Matcher& matcher, TokenBitset& out, uint32_t max_distance) {
  if (matcher.grammar_ptr() != grammar_) {
    throw std::invalid_argument("TokenMask used with a matcher of another grammar");
  }
  if (out.size() != vocab_->size()) out = TokenBitset(vocab_->size());
  automaton_.trim();
  accepted_.clear();
  rejected_.clear();
  max_distance_ = max_distance;
  const int32_t start = automaton_.intern(matcher.stacks());
  if (start != Automaton::kDead) visit(0, start, matcher.partial());

  // Write whichever side is smaller into a bitset pre-filled with the other.
  size_t n_accepted = 0;
  for (const Range& r : accepted_) n_accepted += r.second - r.first;
  const size_t n_trie = vocab_->size() - vocab_->outside_trie().size();
  const bool mostly_accepted = 2 * n_accepted > n_trie;
  out.fill(mostly_accepted);
  if (mostly_accepted) {
    // Positions never added to either list (none today) would stay accepted; the visit
    // classifies every position, so the rejected list is complete.
    for (const Range& r : rejected_) {
      for (uint32_t p = r.first; p < r.second; ++p) out.reset(vocab_->id_at(p));
    }
    for (int32_t id : vocab_->outside_trie()) out.reset(id);
  } else {
    for (const Range& r : accepted_) {
      for (uint32_t p = r.first; p < r.second; ++p) out.set(vocab_->id_at(p));
    }
  }
  if (matcher.is_complete()) {
    for (int32_t id : vocab_->eog_ids()) out.set(id);
  }
}

bool TokenMask::accept_token(Matcher& matcher, int32_t id) const {
  if (id < 0 || static_cast<size_t>(id) >= vocab_->size()) return false;
  if (vocab_->is_eog(id)) return matcher.is_complete();
  const std::string& bytes = vocab_->token(id);
  return !bytes.empty() && matcher.accept_bytes(bytes);
}

}  // namespace tandem::grammar
