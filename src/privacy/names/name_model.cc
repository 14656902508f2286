#include "privacy/names/name_model.h"

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <map>
#include <unordered_map>

#include "privacy/names/chinese_famous_names.h"
#include "privacy/names/chinese_lexicon.h"
#include "privacy/names/chinese_lexicon_data.h"
#include "privacy/names/name_context.h"
#include "privacy/names/name_model_data.h"
#include "privacy/names/names.h"
#include "privacy/names/non_person_words.h"

namespace tandem::privacy {
namespace {

// The quantised cost byte of `key` in a lexicon table (entries of key.size() bytes + one cost
// byte, sorted), or -1: the raw byte, as the training script reads it.
int table_byte(std::string_view table, std::string_view key) {
  const size_t w = key.size() + 1;
  size_t lo = 0, hi = table.size() / w;
  while (lo < hi) {
    const size_t mid = (lo + hi) / 2;
    const std::string_view e = table.substr(mid * w, key.size());
    if (e == key) return static_cast<unsigned char>(table[mid * w + key.size()]);
    if (e < key)
      lo = mid + 1;
    else
      hi = mid;
  }
  return -1;
}

std::string bucket(int byte, int div) {
  return byte < 0 ? "n" : std::to_string(byte / div);
}

// A dictionary word's cost bucket ("n": no word), for 2-4 Han characters.
std::string word_bucket(std::string_view w) {
  switch (w.size()) {
    case 2 * kHan:
      return bucket(table_byte(lexicon_data::kWords2, w), 4);
    case 3 * kHan:
      return bucket(table_byte(lexicon_data::kWords3, w), 4);
    case 4 * kHan:
      return bucket(table_byte(lexicon_data::kWords4, w), 4);
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

uint32_t fnv1a(std::string_view s) {
  uint32_t h = 0x811C9DC5u;
  for (char c : s) h = (h ^ static_cast<unsigned char>(c)) * 0x01000193u;
  return h;
}

const std::unordered_map<uint32_t, int32_t>& weights() {
  // Built once, thread-safe (a function-local static): a hash lookup per feature.
  static const std::unordered_map<uint32_t, int32_t> table = [] {
    std::unordered_map<uint32_t, int32_t> m;
    m.reserve(name_model_data::kWeightCount);
    for (size_t k = 0; k < name_model_data::kWeightCount; ++k)
      m.emplace(name_model_data::kWeights[k].hash, name_model_data::kWeights[k].weight);
    return m;
  }();
  return table;
}

// The surname at text[i] in the lattice's tables, compound first: its byte length, or 0.
size_t model_surname_at(std::string_view text, size_t i, int* cost_byte) {
  if (is_han(text, i) && is_han(text, i + kHan)) {
    const int b = table_byte(lexicon_data::kSurnames2, text.substr(i, 2 * kHan));
    if (b >= 0) {
      *cost_byte = b;
      return 2 * kHan;
    }
  }
  const int b = table_byte(lexicon_data::kSurnames1, text.substr(i, kHan));
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
  if (title_at(text, c.begin + sur)) return true;
  for (size_t g = c.begin + sur; g < c.end; g += kHan)
    if (std::string_view("二三四五六七八九十百千").find(text.substr(g, kHan)) !=
        std::string_view::npos)
      return true;
  return doubled_adverb_or_adjective(text, c.begin, sur) || is_place_like(span) ||
         is_non_person_word(span) || non_person_word_at(text, c.begin) >= span.size() ||
         product_head_at(text, c.end);
}

}  // namespace

std::vector<std::string> name_candidate_features(std::string_view text, size_t begin,
                                                 size_t surname_bytes, int given_chars) {
  int sur_byte = 0;
  if (model_surname_at(text, begin, &sur_byte) != surname_bytes) return {};
  const size_t ls = surname_bytes / kHan, lg = static_cast<size_t>(given_chars);
  const size_t gb = begin + surname_bytes, end = gb + lg * kHan;
  const std::string_view s = text.substr(begin, surname_bytes), g = text.substr(gb, end - gb);
  const std::string lgs = std::to_string(lg);
  const Neighbour l1 = before(text, begin), r1 = after(text, end);
  const Neighbour l2 = l1.han ? before(text, l1.begin) : Neighbour{"-", false, 0, 0};
  const Neighbour r2 = r1.han ? after(text, r1.end) : Neighbour{"-", false, 0, 0};
  std::vector<std::string> f;
  f.reserve(40);
  auto add = [&](std::string a, std::string_view b = {}) { f.push_back(a.append(b)); };
  add("b");
  add("sh" + std::to_string(ls) + lgs);
  add("s:", s);
  add("sc" + lgs + ":" + std::to_string(sur_byte / 3));
  add("g1:", g.substr(0, kHan));
  if (lg == 2) {
    add("g2:", g.substr(kHan));
    add("gg:", g);
  } else {
    add("go:", g);
  }
  std::string ws;
  for (size_t k = 0; k < lg; ++k) {
    const std::string_view c = g.substr(k * kHan, kHan);
    const std::string key = lgs + std::to_string(k) + ":";
    const std::string w = std::to_string(given_name_char_weight(c));
    add("gc" + key + bucket(table_byte(lexicon_data::kGiven, c), 3));
    add("cc" + key + bucket(table_byte(lexicon_data::kChars, c), 4));
    add("gw" + key + w);
    ws += w;
  }
  add("gws:" + ws + (lg == 2 ? "" : "-"));
  add("l1:" + l1.tok);
  add("r1:" + r1.tok);
  add("l1g" + lgs + ":" + l1.tok);
  add("r1g" + lgs + ":" + r1.tok);
  add("l2:" + l2.tok + l1.tok);
  add("r2:" + r1.tok + r2.tok);
  add("lc:" + cls(l1) + cls(r1) + lgs);
  const std::string_view last = g.substr(g.size() - kHan);
  if (l1.han) {
    add("wls:" + word_bucket(l1.tok + std::string(s.substr(0, kHan))));
    if (l2.han) add("wll:" + word_bucket(l2.tok + l1.tok));
    if (ls + lg + 1 <= 4) add("wlc:" + word_bucket(text.substr(l1.begin, end - l1.begin)));
  }
  add("wsg:" + word_bucket(text.substr(gb - kHan, 2 * kHan)));
  if (lg == 2) add("wgg:" + word_bucket(g));
  add("wc:" + word_bucket(text.substr(begin, end - begin)));
  if (r1.han) {
    add("wgr" + lgs + ":" + word_bucket(std::string(last) + r1.tok));
    if (r2.han) add("wrr:" + word_bucket(r1.tok + r2.tok));
    if (ls + lg + 1 <= 4) add("wcr:" + word_bucket(text.substr(begin, r1.end - begin)));
  }
  if (ls + lg == 3 && is_non_person_word(text.substr(begin, end - begin))) add("np");
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
      for (const std::string& feature : name_candidate_features(text, i, sur, lg)) {
        const auto it = w.find(fnv1a(feature));
        if (it != w.end()) score += it->second;
      }
      out.push_back({i, c + kHan, score});
    }
    i += kHan;
  }
  return out;
}

}  // namespace tandem::privacy
