#include "privacy/names/chinese_segmenter.h"

#include <algorithm>
#include <limits>
#include <optional>

#include "privacy/names/chinese_lexicon.h"
#include "privacy/names/name_context.h"
#include "privacy/names/names.h"

namespace tandem::privacy {
namespace {

// The price of reading characters as a name rather than words: -log of the share of person
// names among the dictionary's word occurrences (3.3%), plus a margin tuned on the corpora
// (docs/PRIVACY.md) so that a name must be clearly cheaper than ordinary words.
constexpr double kNameCost = 3.4 + 2.0;
// Each point of context evidence (name_context.h) lowers a name's cost by this much.
constexpr double kContextWeight = 1.5;
constexpr size_t kMaxWordChars = 4;
constexpr std::string_view kNumerals = "二三四五六七八九十";
// 百 and 千 start given names (千禾, 千玺) but end placeholders and amounts (张千, 李百).
constexpr std::string_view kLargeNumerals = "百千";
// A name spelled like a dictionary word (周庄, 杨树, 毛峰) pays this much more: the word's own
// frequency already counts the times it names a person.
constexpr double kWordNameMargin = 3.0;
// After a numeral or demonstrative these surnames are measure words: 这张卡, 一支笔, 两双鞋.
constexpr std::string_view kQuantifiers = "这那一两几每哪半整某";
constexpr std::string_view kMeasureSurnames = "张支双条位间包";

struct Edge {
  size_t end = 0;
  double cost = 0;
  bool name = false;
};

// The name edges starting at text[i] (inside the Han run ending at run_end).
void add_name_edges(std::string_view text, size_t i, size_t run_end, std::vector<Edge>& out) {
  // A surname glued to the character before it ends a word (上周, 感谢, 支付宝) and starts no
  // name.
  if (i >= kHan && is_han(text, i - kHan) && chinese_word_cost(text.substr(i - kHan, 2 * kHan)))
    return;
  if (i >= kHan && kQuantifiers.find(text.substr(i - kHan, kHan)) != std::string_view::npos &&
      kMeasureSurnames.find(text.substr(i, kHan)) != std::string_view::npos)
    return;
  for (const size_t sur : {2 * kHan, kHan}) {
    if (i + sur > run_end) continue;
    const std::optional<double> s = surname_cost(text.substr(i, sur));
    // 赵老师, 孙阿姨: a form of address, not a given name (as in the scorer).
    if (!s || title_at(text, i + sur) || colloquial_address_at(text, i + sur)) continue;
    double cost = kNameCost + *s;
    for (size_t g = 1; g <= 2; ++g) {
      const size_t c = i + sur + (g - 1) * kHan, end = c + kHan;
      if (end > run_end) break;
      const std::string_view ch = text.substr(c, kHan);
      // 的 了 是 … end a name; numerals make placeholders (张三, 李四), as in the scorer.
      if (is_chinese_name_stop_char(ch) || kNumerals.find(ch) != std::string_view::npos) break;
      const bool large = kLargeNumerals.find(ch) != std::string_view::npos;
      if (large && g == 2) break;
      // A given name hardly repeats a one-character surname: in 戴琮戴上 the second 戴 is a verb.
      if (g == 2 && sur == kHan && ch == text.substr(i, kHan)) break;
      if (g == 2 && doubled_adverb_or_adjective(text, i, sur)) break;
      cost += given_name_char_cost(ch);
      if (large) continue;
      if (is_place_like(text.substr(i, end - i))) break;
      const int context = left_context(text, i) + right_context(text, end);
      // 韦昊天气: a last character that starts a word with the next one is that word's.
      const bool glued = is_han(text, end) && chinese_word_cost(text.substr(c, 2 * kHan));
      const double as_word =
          (chinese_word_cost(text.substr(i, end - i)) || glued) ? kWordNameMargin : 0;
      out.push_back({end, cost + as_word - kContextWeight * context, true});
    }
  }
}

// Viterbi over one Han run [begin, end): best[k] is the cheapest path to byte begin + k*3.
void segment_run(std::string_view text, size_t begin, size_t end, std::vector<Segment>& out) {
  const size_t n = (end - begin) / kHan;
  std::vector<double> best(n + 1, std::numeric_limits<double>::infinity());
  std::vector<Edge> back(n + 1);  // back[k]: the edge ending at k, with its start in .end
  best[0] = 0;
  std::vector<Edge> edges;
  for (size_t k = 0; k < n; ++k) {
    const size_t i = begin + k * kHan;
    edges.clear();
    edges.push_back({i + kHan, chinese_char_cost(text.substr(i, kHan)), false});
    for (size_t len = 2; len <= kMaxWordChars && i + len * kHan <= end; ++len)
      if (auto c = chinese_word_cost(text.substr(i, len * kHan)))
        edges.push_back({i + len * kHan, *c, false});
    add_name_edges(text, i, end, edges);
    for (const Edge& e : edges) {
      const size_t to = (e.end - begin) / kHan;
      if (best[k] + e.cost < best[to]) {
        best[to] = best[k] + e.cost;
        back[to] = {k, e.cost, e.name};
      }
    }
  }
  const size_t first = out.size();
  for (size_t k = n; k > 0; k = back[k].end)
    out.push_back({begin + back[k].end * kHan, begin + k * kHan, back[k].name});
  std::reverse(out.begin() + static_cast<std::ptrdiff_t>(first), out.end());
}

}  // namespace

std::vector<Segment> segment_chinese(std::string_view text) {
  std::vector<Segment> out;
  size_t i = 0;
  while (i < text.size()) {
    if (!is_han(text, i)) {
      ++i;
      continue;
    }
    size_t j = i;
    while (is_han(text, j)) j += kHan;
    segment_run(text, i, j, out);
    i = j;
  }
  return out;
}

std::vector<Span> find_chinese_names_by_lattice(std::string_view text) {
  std::vector<Span> out;
  for (const Segment& s : segment_chinese(text))
    if (s.name) out.emplace_back(s.begin, s.end);
  return out;
}

}  // namespace tandem::privacy
