// Compiled grammar: rules as flat element arrays, the shape llama.cpp's matcher walks.
// Produced by GrammarBuilder (used by the GBNF parser), which also rejects undefined
// rules and left recursion so that the matcher's stack expansion always terminates.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace tandem::grammar {

class GrammarError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct CharRange {
  uint32_t lo;
  uint32_t hi;  // inclusive
};

// A set of code points; negation is resolved at construction against [0, kMaxCodePoint].
class CharClass {
 public:
  enum class NonAscii : uint8_t { kNone, kAll, kMixed };

  CharClass(std::vector<CharRange> ranges, bool negated);

  bool contains(uint32_t cp) const {
    if (cp < 128) return (ascii_[cp >> 6] >> (cp & 63)) & 1;
    return intersects(cp, cp);
  }
  bool intersects(uint32_t lo, uint32_t hi) const;
  // Whether all code points >= 0x80 are treated alike (lets the token mask skip subtrees).
  NonAscii non_ascii() const { return non_ascii_; }
  std::span<const CharRange> ranges() const { return ranges_; }
  bool operator==(const CharClass& o) const;

 private:
  std::vector<CharRange> ranges_;  // sorted, disjoint, non-adjacent
  std::array<uint64_t, 2> ascii_{};
  NonAscii non_ascii_ = NonAscii::kNone;
};

enum class ElemKind : uint8_t { kEnd, kChar, kRef };

struct Element {
  ElemKind kind;
  uint32_t arg;  // kChar: class id; kRef: rule id
};

class Grammar {
 public:
  const Element& at(uint32_t pos) const { return elements_[pos]; }
  // Start offsets (into the element array) of each alternative of `rule`; each ends at kEnd.
  std::span<const uint32_t> alternatives(uint32_t rule) const { return rules_[rule].alts; }
  const CharClass& char_class(uint32_t id) const { return classes_[id]; }
  uint32_t root() const { return root_; }
  size_t rule_count() const { return rules_.size(); }
  size_t element_count() const { return elements_.size(); }
  const std::string& rule_name(uint32_t rule) const { return rules_[rule].name; }

 private:
  friend class GrammarBuilder;
  struct Rule {
    std::string name;
    std::vector<uint32_t> alts;
  };
  std::vector<Element> elements_;
  std::vector<Rule> rules_;
  std::vector<CharClass> classes_;
  uint32_t root_ = 0;
};

// Where a rule was first referenced, for "undefined rule" messages.
struct SourcePos {
  int line = 0;
  int column = 0;
};

class GrammarBuilder {
 public:
  // Caps keep hostile grammars from exhausting memory.
  static constexpr size_t kMaxElements = 1 << 22;
  static constexpr size_t kMaxRules = 1 << 17;

  // Named rule, created on first use (forward references are fine).
  uint32_t named_rule(std::string_view name, SourcePos where);
  // Anonymous rule for a group or repetition; never found by name lookup.
  uint32_t synthetic_rule(std::string_view base);
  // Throws if `rule` is a named rule already defined.
  void define(uint32_t rule, std::vector<std::vector<Element>> alternatives, SourcePos where);
  uint32_t add_class(CharClass cls);
  // Validates (undefined references, missing root, left recursion) and compiles.
  Grammar build(std::string_view root = "root") &&;

 private:
  struct PendingRule {
    std::string name;
    bool synthetic = false;
    bool defined = false;
    SourcePos first_use;
    std::vector<std::vector<Element>> alts;
  };
  void check_left_recursion() const;

  std::vector<PendingRule> rules_;
  std::unordered_map<std::string, uint32_t> by_name_;
  std::vector<CharClass> classes_;
  size_t element_total_ = 0;
};

}  // namespace tandem::grammar
