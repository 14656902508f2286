#include "grammar/automaton.h"

#include <algorithm>
#include <bit>

namespace tandem::grammar {

size_t Automaton::Hash::operator()(const StackSet& set) const {
  uint64_t h = 0x9E3779B97F4A7C15ull ^ set.size();
  for (const Stack& s : set) {
    h = (h ^ s.size()) * 0x100000001B3ull;
    for (uint32_t v : s) h = (h ^ v) * 0x100000001B3ull;
  }
  return static_cast<size_t>(h ^ (h >> 29));
}

Automaton::Automaton(std::shared_ptr<const Grammar> grammar, size_t max_states)
    : grammar_(std::move(grammar)), closing_(*grammar_), max_states_(max_states) {
  trim();
}

void Automaton::trim() {
  if (!states_.empty() && states_.size() <= max_states_) return;
  interned_.clear();
  states_.clear();
  mixed_.clear();
  intern({});  // id 0 is the dead state
}

int32_t Automaton::intern(const StackSet& stacks) {
  auto [it, inserted] = interned_.try_emplace(stacks, static_cast<int32_t>(states_.size()));
  if (!inserted) return it->second;
  State st;
  st.stacks = &it->first;
  st.accepting = any_complete(stacks);
  st.ascii.fill(-1);
  for (const Stack& s : stacks) {
    if (s.empty()) {
      st.tops.push_back(kNoClass);
      continue;
    }
    const uint32_t cls = grammar_->at(s.back()).arg;
    st.tops.push_back(cls);
    const auto kind = grammar_->char_class(cls).non_ascii();
    st.uniform = st.uniform && kind != CharClass::NonAscii::kMixed;
    st.any_all = st.any_all || kind == CharClass::NonAscii::kAll;
  }
  states_.push_back(std::move(st));
  return it->second;
}

uint64_t Automaton::signature(const State& st, uint32_t cp) const {
  if (st.tops.size() > 63) return kNoSignature;
  uint64_t sig = 0;
  for (size_t i = 0; i < st.tops.size(); ++i) {
    if (st.tops[i] != kNoClass && grammar_->char_class(st.tops[i]).contains(cp)) {
      sig |= uint64_t{1} << i;
    }
  }
  return sig;
}

int32_t Automaton::compute(int32_t s, uint32_t cp) {
  if (s == kDead) return kDead;
  const uint64_t sig = signature(states_[s], cp);
  if (sig == 0) return kDead;
  for (const auto& [known, next] : states_[s].by_signature) {
    if (known == sig) return next;
  }
  int32_t next = kDead;
  try {
    next = intern(advance_stacks(*grammar_, *states_[s].stacks, cp));
  } catch (const StackLimitError&) {
    next = kDead;  // too ambiguous to follow: treat the token as disallowed
  }
  if (sig != kNoSignature) states_[s].by_signature.emplace_back(sig, next);
  return next;
}

int32_t Automaton::next(int32_t s, uint32_t cp) {
  if (cp < 128) {
    if (int32_t cached = states_[s].ascii[cp]; cached >= 0) return cached;
    const int32_t t = compute(s, cp);
    states_[s].ascii[cp] = t;  // index again: compute() may grow states_
    return t;
  }
  if (states_[s].uniform) {
    // Every stack decides the same way for all non-ASCII code points, so one
    // representative transition serves them all.
    if (states_[s].non_ascii_next < 0) {
      const int32_t t = compute(s, 0x80);
      states_[s].non_ascii_next = t;
    }
    return states_[s].non_ascii_next;
  }
  const uint64_t key = (static_cast<uint64_t>(s) << 21) | cp;
  if (auto it = mixed_.find(key); it != mixed_.end()) return it->second;
  const int32_t t = compute(s, cp);
  mixed_.emplace(key, t);
  return t;
}

uint32_t Automaton::distance(int32_t s) {
  if (s == kDead) return ClosingDistance::kInfinite;
  State& st = states_[s];
  if (st.distance == kUnknownDistance) st.distance = closing_.of(*st.stacks);
  return st.distance;
}

bool Automaton::pending_viable(int32_t s, const Utf8Partial& p) const {
  const State& st = states_[s];
  if (st.uniform) return st.any_all;  // pending ranges lie entirely above ASCII
  const auto [lo, hi] = utf8_pending_range(p);
  return can_match_range(*grammar_, *st.stacks, lo, hi);
}

void Automaton::find_dominant(int32_t s) {
  // Group ASCII bytes by signature; the largest accepted group defines the dominant step.
  std::vector<std::pair<uint64_t, std::array<uint64_t, 2>>> groups;
  for (uint32_t b = 0; b < 128; ++b) {
    const uint64_t sig = signature(states_[s], b);
    if (sig == 0 || sig == kNoSignature) continue;
    auto it =
        std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return g.first == sig; });
    if (it == groups.end()) it = groups.insert(groups.end(), {sig, {}});
    it->second[b >> 6] |= uint64_t{1} << (b & 63);
  }
  auto size = [](const std::array<uint64_t, 2>& m) {
    return std::popcount(m[0]) + std::popcount(m[1]);
  };
  const auto best = std::max_element(
      groups.begin(), groups.end(),
      [&](const auto& a, const auto& b) { return size(a.second) < size(b.second); });
  states_[s].dominant_known = true;
  if (best == groups.end()) return;
  const uint64_t sig = best->first;
  const auto bytes = best->second;
  const uint32_t rep = bytes[0] ? __builtin_ctzll(bytes[0]) : 64 + __builtin_ctzll(bytes[1]);
  const int32_t d = next(s, rep);
  State& st = states_[s];
  st.dominant = d;
  st.dominant_bytes = bytes;
  // Non-ASCII joins the group when exactly the stacks whose class takes all of it accept.
  uint64_t non_ascii_sig = 0;
  for (size_t i = 0; i < st.tops.size(); ++i) {
    if (st.tops[i] != kNoClass &&
        grammar_->char_class(st.tops[i]).non_ascii() == CharClass::NonAscii::kAll) {
      non_ascii_sig |= uint64_t{1} << i;
    }
  }
  st.dominant_non_ascii = st.uniform && non_ascii_sig == sig;
}

bool Automaton::accepts_all(int32_t s, const std::array<uint64_t, 2>& ascii, bool non_ascii,
                            uint32_t length, uint32_t max_distance) {
  for (uint32_t step = 0; step < length; ++step) {
    if (!states_[s].dominant_known) find_dominant(s);
    const State& st = states_[s];
    if (st.dominant == kDead || (ascii[0] & ~st.dominant_bytes[0]) ||
        (ascii[1] & ~st.dominant_bytes[1]) || (non_ascii && !st.dominant_non_ascii)) {
      return false;
    }
    if (st.dominant == s) return true;  // self-loop: any length works
    s = st.dominant;
    if (distance(s) > max_distance) return false;
  }
  return true;
}

}  // namespace tandem::grammar
