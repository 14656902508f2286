#include "grammar/grammar.h"

#include <algorithm>
#include <functional>

#include "grammar/utf8.h"

namespace tandem::grammar {

CharClass::CharClass(std::vector<CharRange> ranges, bool negated) {
  std::sort(ranges.begin(), ranges.end(),
            [](const CharRange& a, const CharRange& b) { return a.lo < b.lo; });
  for (const CharRange& r : ranges) {
    if (!ranges_.empty() && r.lo <= ranges_.back().hi + 1) {
      ranges_.back().hi = std::max(ranges_.back().hi, r.hi);
    } else {
      ranges_.push_back(r);
    }
  }
  if (negated) {
    std::vector<CharRange> inverted;
    uint32_t next = 0;
    for (const CharRange& r : ranges_) {
      if (r.lo > next) inverted.push_back({next, r.lo - 1});
      next = r.hi + 1;
    }
    if (next <= kMaxCodePoint) inverted.push_back({next, kMaxCodePoint});
    ranges_ = std::move(inverted);
  }
  for (const CharRange& r : ranges_) {
    for (uint32_t c = r.lo; c <= std::min<uint32_t>(r.hi, 127); ++c) {
      ascii_[c >> 6] |= uint64_t{1} << (c & 63);
    }
  }
  const bool all =
      intersects(0x80, 0x80) && std::any_of(ranges_.begin(), ranges_.end(), [](const CharRange& r) {
        return r.lo <= 0x80 && r.hi >= kMaxCodePoint;
      });
  non_ascii_ = all                               ? NonAscii::kAll
               : intersects(0x80, kMaxCodePoint) ? NonAscii::kMixed
                                                 : NonAscii::kNone;
}

bool CharClass::intersects(uint32_t lo, uint32_t hi) const {
  // First range whose end reaches lo; it intersects if it starts by hi.
  auto it = std::lower_bound(ranges_.begin(), ranges_.end(), lo,
                             [](const CharRange& r, uint32_t v) { return r.hi < v; });
  return it != ranges_.end() && it->lo <= hi;
}

bool CharClass::operator==(const CharClass& o) const {
  return std::equal(
      ranges_.begin(), ranges_.end(), o.ranges_.begin(), o.ranges_.end(),
      [](const CharRange& a, const CharRange& b) { return a.lo == b.lo && a.hi == b.hi; });
}

uint32_t GrammarBuilder::named_rule(std::string_view name, SourcePos where) {
  auto [it, inserted] = by_name_.try_emplace(std::string(name), rules_.size());
  if (inserted) {
    if (rules_.size() >= kMaxRules) throw GrammarError("grammar has too many rules");
    rules_.push_back({std::string(name), false, false, where, {}});
  }
  return it->second;
}

uint32_t GrammarBuilder::synthetic_rule(std::string_view base) {
  if (rules_.size() >= kMaxRules) throw GrammarError("grammar has too many rules");
  rules_.push_back({std::string(base) + "_" + std::to_string(rules_.size()), true, false, {}, {}});
  return static_cast<uint32_t>(rules_.size() - 1);
}

void GrammarBuilder::define(uint32_t rule, std::vector<std::vector<Element>> alternatives,
                            SourcePos where) {
  PendingRule& r = rules_.at(rule);
  if (r.defined) {
    throw GrammarError(std::to_string(where.line) + ":" + std::to_string(where.column) +
                       ": rule '" + r.name + "' is defined more than once");
  }
  for (const auto& alt : alternatives) element_total_ += alt.size() + 1;
  if (element_total_ > kMaxElements) {
    throw GrammarError("grammar too large (more than " + std::to_string(kMaxElements) +
                       " elements after expanding repetitions)");
  }
  r.defined = true;
  r.alts = std::move(alternatives);
}

uint32_t GrammarBuilder::add_class(CharClass cls) {
  // Literals make many identical singleton classes; share them.
  for (size_t i = classes_.size(); i-- > 0 && i + 64 >= classes_.size();) {
    if (classes_[i] == cls) return static_cast<uint32_t>(i);
  }
  classes_.push_back(std::move(cls));
  return static_cast<uint32_t>(classes_.size() - 1);
}

void GrammarBuilder::check_left_recursion() const {
  // A rule is nullable if some alternative consists only of nullable references.
  std::vector<char> nullable(rules_.size(), 0);
  for (bool changed = true; changed;) {
    changed = false;
    for (size_t r = 0; r < rules_.size(); ++r) {
      if (nullable[r]) continue;
      for (const auto& alt : rules_[r].alts) {
        if (std::all_of(alt.begin(), alt.end(), [&](const Element& e) {
              return e.kind == ElemKind::kRef && nullable[e.arg];
            })) {
          nullable[r] = changed = true;
          break;
        }
      }
    }
  }
  // Edges r -> s where s can be entered before r consumes any character.
  enum : char { kWhite, kGrey, kBlack };
  std::vector<char> color(rules_.size(), kWhite);
  size_t depth = 0;
  std::function<void(uint32_t)> visit = [&](uint32_t r) {
    // Chains of leading references this long only come from hostile grammars.
    if (++depth > 20000)
      throw GrammarError("grammar has too long a chain of leading rule references");
    color[r] = kGrey;
    for (const auto& alt : rules_[r].alts) {
      for (const Element& e : alt) {
        if (e.kind != ElemKind::kRef) break;
        if (color[e.arg] == kGrey) {
          throw GrammarError("unsupported grammar: left recursion detected in rule '" +
                             rules_[e.arg].name + "'");
        }
        if (color[e.arg] == kWhite) visit(e.arg);
        if (!nullable[e.arg]) break;
      }
    }
    color[r] = kBlack;
    --depth;
  };
  for (uint32_t r = 0; r < rules_.size(); ++r) {
    if (color[r] == kWhite) visit(r);
  }
}

Grammar GrammarBuilder::build(std::string_view root) && {
  for (const PendingRule& r : rules_) {
    if (!r.defined) {
      throw GrammarError(std::to_string(r.first_use.line) + ":" +
                         std::to_string(r.first_use.column) + ": undefined rule '" + r.name + "'");
    }
  }
  auto root_it = by_name_.find(std::string(root));
  if (root_it == by_name_.end()) {
    throw GrammarError("grammar has no '" + std::string(root) + "' rule");
  }
  check_left_recursion();

  Grammar g;
  g.root_ = root_it->second;
  g.classes_ = std::move(classes_);
  g.elements_.reserve(element_total_ + 1);
  for (PendingRule& r : rules_) {
    Grammar::Rule out{std::move(r.name), {}};
    for (const auto& alt : r.alts) {
      out.alts.push_back(static_cast<uint32_t>(g.elements_.size()));
      g.elements_.insert(g.elements_.end(), alt.begin(), alt.end());
      g.elements_.push_back({ElemKind::kEnd, 0});
    }
    g.rules_.push_back(std::move(out));
  }
  return g;
}

}  // namespace tandem::grammar
