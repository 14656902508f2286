#include "privacy/names/name_model.h"

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <map>

#include "privacy/names/chinese_famous_names.h"
#include "privacy/names/chinese_lexicon.h"
#include "privacy/names/name_context.h"
#include "privacy/names/name_model_data.h"
#include "privacy/names/names.h"
#include "privacy/names/non_person_words.h"

namespace tandem::privacy {
namespace {

// A small integer in decimal, without allocating.
class Digits {
 public:
  explicit Digits(int v) {
    char tmp[12];
    size_t k = 0;
    const bool neg = v < 0;
    unsigned u = neg ? 0u - static_cast<unsigned>(v) : static_cast<unsigned>(v);
    do {
      tmp[k++] = static_cast<char>('0' + u % 10);
      u /= 10;
    } while (u != 0);
    if (neg) tmp[k++] = '-';
    for (n_ = 0; n_ < k; ++n_) buf_[n_] = tmp[k - 1 - n_];
  }
  operator std::string_view() const { return {buf_, n_}; }

 private:
  char buf_[12];
  size_t n_ = 0;
};

std::string bucket(int byte, int div) {
  return byte < 0 ? "n" : std::to_string(byte / div);
}

// A dictionary word's cost bucket ("n": no word), for 2-4 Han characters.
std::string word_bucket(std::string_view w) {
  switch (w.size()) {
    case 2 * kHan:
      return bucket(lexicon_cost_byte(LexiconTable::kWords2, w), 4);
    case 3 * kHan:
      return bucket(lexicon_cost_byte(LexiconTable::kWords3, w), 4);
    case 4 * kHan:
      return bucket(lexicon_cost_byte(LexiconTable::kWords4, w), 4);
    default:
      return "n";
  }
}

// The code point of the UTF-8 character of `len` bytes at s[p], or none if it is not one.
bool decode(std::string_view s, size_t p, size_t len, char32_t* cp) {
  const auto b0 = static_cast<unsigned char>(s[p]);
  const size_t want = b0 < 0x80 ? 1 : b0 >= 0xF0 ? 4 : b0 >= 0xE0 ? 3 : b0 >= 0xC0 ? 2 : 0;
  if (want != len) return false;
  char32_t c = len == 1 ? b0 : b0 & (0x7F >> len);
  for (size_t k = 1; k < len; ++k) c = (c << 6) | (static_cast<unsigned char>(s[p + k]) & 0x3F);
  *cp = c;
  return true;
}

// A neighbour as the model sees it: a Han character itself, else its class (D digit, A Latin
// letter, _ space, P anything else; ^ and $ at the text's ends).
struct Neighbour {
  std::string tok;
  bool han = false;
  size_t begin = 0, end = 0;  // its bytes
};

Neighbour classify(std::string_view s, size_t p, size_t len) {
  Neighbour n{"P", false, p, p + len};
  char32_t c = 0;
  if (!decode(s, p, len, &c)) return n;
  if (len == kHan && c >= 0x4000 && c <= 0x9FFF) {
    n.tok = std::string(s.substr(p, len));
    n.han = true;
  } else if ((c >= '0' && c <= '9') || (c >= 0xFF10 && c <= 0xFF19)) {
    n.tok = "D";
  } else if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= 0xFF21 && c <= 0xFF3A) ||
             (c >= 0xFF41 && c <= 0xFF5A)) {
    n.tok = "A";
  } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0x3000) {
    n.tok = "_";
  }
  return n;
}

// The character ending at s[end) (at most 4 bytes back), or the edge token.
Neighbour before(std::string_view s, size_t end) {
  if (end == 0) return {"^", false, 0, 0};
  size_t j = end - 1;
  while (j > 0 && end - j < 4 && (static_cast<unsigned char>(s[j]) & 0xC0) == 0x80) --j;
  return classify(s, j, end - j);
}

// The character starting at s[p], or the edge token.
Neighbour after(std::string_view s, size_t p) {
  if (p >= s.size()) return {"$", false, p, p};
  const auto b0 = static_cast<unsigned char>(s[p]);
  size_t len = b0 < 0x80 ? 1 : b0 >= 0xF0 ? 4 : b0 >= 0xE0 ? 3 : b0 >= 0xC0 ? 2 : 1;
  return classify(s, p, std::min(len, s.size() - p));
}

std::string cls(const Neighbour& n) {
  return n.han ? "H" : n.tok;
}

// FNV-1a continued over `s` from `h`: a feature's hash over its pieces equals its string's.
uint32_t fnv1a(std::string_view s, uint32_t h = 0x811C9DC5u) {
  for (char c : s) h = (h ^ static_cast<unsigned char>(c)) * 0x01000193u;
  return h;
}

// The weights by feature hash in an open-addressing table, built once (a function-local
// static, thread-safe): a multiplicative probe per feature instead of a node-based map.
class WeightTable {
 public:
  WeightTable() {
    const size_t n = name_model_data::kWeightCount;
    size_t cap = 16;
    while (cap < 2 * n) cap *= 2;
    slots_.assign(cap, {0, 0});
    used_.assign(cap, false);
    mask_ = cap - 1;
    for (size_t k = 0; k < n; ++k) {
      const auto& fw = name_model_data::kWeights[k];
      size_t s = slot(fw.hash);
      while (used_[s] && slots_[s].hash != fw.hash) s = (s + 1) & mask_;
      if (!used_[s]) slots_[s] = fw;  // the first of a repeated hash, as the map kept
      used_[s] = true;
    }
  }
  int32_t weight(uint32_t hash) const {
    for (size_t s = slot(hash); used_[s]; s = (s + 1) & mask_)
      if (slots_[s].hash == hash) return slots_[s].weight;
    return 0;
  }

 private:
  size_t slot(uint32_t h) const { return (h * 0x9E3779B1u >> 7) & mask_; }

  std::vector<name_model_data::FeatureWeight> slots_;
  std::vector<bool> used_;
  size_t mask_ = 0;
};

const WeightTable& weights() {
  static const WeightTable table;
  return table;
}

// The surname at text[i] in the lattice's tables, compound first: its byte length, or 0.
size_t model_surname_at(std::string_view text, size_t i, int* cost_byte) {
  if (is_han(text, i) && is_han(text, i + kHan)) {
    const int b = lexicon_cost_byte(LexiconTable::kSurnames2, text.substr(i, 2 * kHan));
    if (b >= 0) {
      *cost_byte = b;
      return 2 * kHan;
    }
  }
  const int b = lexicon_cost_byte(LexiconTable::kSurnames1, text.substr(i, kHan));
  if (b < 0) return 0;
  *cost_byte = b;
  return kHan;
}

// What the rules rule out by construction, whatever the model's score: a surname + a form of
// address (王阿姨, 范医生: the synthetic sentences put titles after full names only), numerals
// as given names (张三), doubled adverbs and ABB adjectives (金灿灿的), places and dishes
// (岳阳楼, 马鞍山), listed brands and foods (杨国福) and brands before a product.
bool ruled_out(std::string_view text, const NameCandidate& c) {
  int cost = 0;
  const size_t sur = model_surname_at(text, c.begin, &cost);
  const std::string_view span = text.substr(c.begin, c.end - c.begin);
  if (title_at(text, c.begin + sur) || colloquial_address_at(text, c.begin + sur)) return true;
  for (size_t g = c.begin + sur; g < c.end; g += kHan)
    if (std::string_view("二三四五六七八九十百千").find(text.substr(g, kHan)) !=
        std::string_view::npos)
      return true;
  return doubled_adverb_or_adjective(text, c.begin, sur) || is_place_like(span) ||
         is_non_person_word(span) || non_person_word_at(text, c.begin) >= span.size() ||
         product_head_at(text, c.end) || inside_book_title(text, c.begin, c.end) ||
         inside_four_character_word(text, c.begin, c.end);
}

// The features of one candidate, each handed to `add` as the pieces of its string: the
// scorer hashes the pieces where they lie, so a candidate costs no allocation, and
// name_candidate_features() joins them for tests. One generator for both keeps them equal.
template <class Add>
void emit_features(std::string_view text, size_t begin, size_t surname_bytes, int given_chars,
                   int sur_byte, Add&& add) {
  const size_t ls = surname_bytes / kHan, lg = static_cast<size_t>(given_chars);
  const size_t gb = begin + surname_bytes, end = gb + lg * kHan;
  const std::string_view s = text.substr(begin, surname_bytes), g = text.substr(gb, end - gb);
  const Digits lgs(static_cast<int>(lg));
  const Neighbour l1 = before(text, begin), r1 = after(text, end);
  const Neighbour l2 = l1.han ? before(text, l1.begin) : Neighbour{"-", false, 0, 0};
  const Neighbour r2 = r1.han ? after(text, r1.end) : Neighbour{"-", false, 0, 0};
  add({"b"});
  add({"sh", Digits(static_cast<int>(ls)), lgs});
  add({"s:", s});
  add({"sc", lgs, ":", Digits(sur_byte / 3)});
  add({"g1:", g.substr(0, kHan)});
  if (lg == 2) {
    add({"g2:", g.substr(kHan)});
    add({"gg:", g});
  } else {
    add({"go:", g});
  }
  char ws[2] = {'-', '-'};
  for (size_t k = 0; k < lg; ++k) {
    const std::string_view c = g.substr(k * kHan, kHan);
    const Digits kd(static_cast<int>(k));
    const Digits w(given_name_char_weight(c));
    ws[k] = static_cast<std::string_view>(w)[0];
    add({"gc", lgs, kd, ":", bucket(lexicon_cost_byte(LexiconTable::kGiven, c), 3)});
    add({"cc", lgs, kd, ":", bucket(lexicon_cost_byte(LexiconTable::kChars, c), 4)});
    add({"gw", lgs, kd, ":", w});
  }
  add({"gws:", std::string_view(ws, 2)});
  add({"l1:", l1.tok});
  add({"r1:", r1.tok});
  add({"l1g", lgs, ":", l1.tok});
  add({"r1g", lgs, ":", r1.tok});
  add({"l2:", l2.tok, l1.tok});
  add({"r2:", r1.tok, r2.tok});
  add({"lc:", cls(l1), cls(r1), lgs});
  if (l1.han) {
    add({"wls:", word_bucket(text.substr(l1.begin, begin + kHan - l1.begin))});
    if (l2.han) add({"wll:", word_bucket(text.substr(l2.begin, l1.end - l2.begin))});
    if (ls + lg + 1 <= 4) add({"wlc:", word_bucket(text.substr(l1.begin, end - l1.begin))});
  }
  add({"wsg:", word_bucket(text.substr(gb - kHan, 2 * kHan))});
  if (lg == 2) add({"wgg:", word_bucket(g)});
  add({"wc:", word_bucket(text.substr(begin, end - begin))});
  if (r1.han) {
    add({"wgr", lgs, ":", word_bucket(text.substr(end - kHan, r1.end - end + kHan))});
    if (r2.han) add({"wrr:", word_bucket(text.substr(r1.begin, r2.end - r1.begin))});
    if (ls + lg + 1 <= 4) add({"wcr:", word_bucket(text.substr(begin, r1.end - begin))});
  }
  if (ls + lg == 3 && is_non_person_word(text.substr(begin, end - begin))) add({"np"});
}

}  // namespace

std::vector<std::string> name_candidate_features(std::string_view text, size_t begin,
                                                 size_t surname_bytes, int given_chars) {
  std::vector<std::string> f;
  int sur_byte = 0;
  if (model_surname_at(text, begin, &sur_byte) != surname_bytes) return f;
  f.reserve(40);
  emit_features(text, begin, surname_bytes, given_chars, sur_byte,
                [&](std::initializer_list<std::string_view> parts) {
                  std::string s;
                  for (std::string_view p : parts) s.append(p);
                  f.push_back(std::move(s));
                });
  return f;
}

void veto_weak_names(std::string_view text, std::vector<Span>& names,
                     const std::vector<NameCandidate>& scored) {
  std::erase_if(names, [&](const Span& n) {
    const auto it = std::lower_bound(
        scored.begin(), scored.end(), n, [](const NameCandidate& c, const Span& s) {
          return c.begin != s.first ? c.begin < s.first : c.end < s.second;
        });
    if (it == scored.end() || it->begin != n.first || it->end != n.second) return false;
    // Public figures' given names are often ordinary characters (苏轼): the list decides.
    if (famous_chinese_name_at(text, n.first) == n.second - n.first) return false;
    return it->score < kNameModelVeto;
  });
}

void shift_name_bounds(std::string_view text, std::vector<Span>& names,
                       const std::vector<NameCandidate>& scored) {
  auto exact = [&](const Span& n) -> const NameCandidate* {
    const auto it = std::lower_bound(
        scored.begin(), scored.end(), n, [](const NameCandidate& c, const Span& s) {
          return c.begin != s.first ? c.begin < s.first : c.end < s.second;
        });
    return it != scored.end() && it->begin == n.first && it->end == n.second ? &*it : nullptr;
  };
  for (size_t k = 0; k < names.size(); ++k) {
    const Span n = names[k];
    const NameCandidate* own = exact(n);
    if (own == nullptr || famous_chinese_name_at(text, n.first) == n.second - n.first) continue;
    // Candidates start at most two characters before the name (a compound surname + one).
    const size_t from = n.first >= 2 * kHan ? n.first - 2 * kHan : 0;
    auto it = std::lower_bound(scored.begin(), scored.end(), from,
                               [](const NameCandidate& c, size_t at) { return c.begin < at; });
    const NameCandidate* best = nullptr;
    for (; it != scored.end() && it->begin < n.second; ++it) {
      // Never a longer span holding the whole name: most training names have three
      // characters, so the model reads a verb after a two-character name as its last given
      // character (吕澈|拉进群) more often than the rules do; it is trusted to cut and to shift.
      if (it->end <= n.first || (it->begin <= n.first && it->end >= n.second)) continue;
      if (it->score < kNameModelShiftFloor || it->score < own->score + kNameModelShift) continue;
      if ((best == nullptr || it->score > best->score) && !ruled_out(text, *it)) best = &*it;
    }
    if (best == nullptr) continue;
    const bool clear = (k == 0 || names[k - 1].second <= best->begin) &&
                       (k + 1 == names.size() || best->end <= names[k + 1].first);
    if (clear) names[k] = {best->begin, best->end};
  }
}

std::vector<Span> confident_model_names(std::string_view text,
                                        const std::vector<NameCandidate>& scored,
                                        const std::vector<Span>& taken) {
  std::vector<const NameCandidate*> best;
  for (const NameCandidate& c : scored)
    if (c.score >= kNameModelAdd && !ruled_out(text, c)) best.push_back(&c);
  std::sort(best.begin(), best.end(), [](const NameCandidate* a, const NameCandidate* b) {
    return a->score != b->score ? a->score > b->score : a->begin < b->begin;
  });
  std::map<size_t, size_t> kept(taken.begin(), taken.end());  // begin -> end, disjoint
  std::vector<Span> out;
  for (const NameCandidate* c : best) {
    auto next = kept.lower_bound(c->end);  // the first span starting at or after c's end
    if (next != kept.begin() && std::prev(next)->second > c->begin) continue;
    kept.emplace(c->begin, c->end);
    out.emplace_back(c->begin, c->end);
  }
  return out;
}

std::vector<NameCandidate> score_name_candidates(std::string_view text) {
  const auto& w = weights();
  std::vector<NameCandidate> out;
  size_t i = 0;
  while (i < text.size()) {
    if (!is_han(text, i)) {
      ++i;
      continue;
    }
    int sur_byte = 0;
    const size_t sur = model_surname_at(text, i, &sur_byte);
    for (int lg = 1; sur > 0 && lg <= 2; ++lg) {
      const size_t c = i + sur + static_cast<size_t>(lg - 1) * kHan;
      if (!is_han(text, c) || is_chinese_name_stop_char(text.substr(c, kHan))) break;
      int score = 0;
      emit_features(text, i, sur, lg, sur_byte, [&](std::initializer_list<std::string_view> parts) {
        uint32_t h = 0x811C9DC5u;
        for (std::string_view p : parts) h = fnv1a(p, h);
        score += w.weight(h);
      });
      out.push_back({i, c + kHan, score});
    }
    i += kHan;
  }
  return out;
}

}  // namespace tandem::privacy
