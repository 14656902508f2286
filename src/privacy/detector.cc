#include "privacy/detector.h"

#include <re2/re2.h>
#include <re2/set.h>

#include <algorithm>
#include <map>
#include <stdexcept>

#include "privacy/detector_rules.h"
#include "privacy/names/chinese_names.h"
#include "privacy/names/english_names.h"
#include "privacy/names/name_model.h"

namespace tandem::privacy {

struct PiiDetector::Impl {
  struct Rule {
    RuleSpec spec;
    std::unique_ptr<re2::RE2> re;
  };
  std::vector<Rule> rules;
  re2::RE2::Set set;
  explicit Impl(const re2::RE2::Options& o) : set(o, re2::RE2::UNANCHORED) {}
};

namespace {

re2::RE2::Options options() {
  re2::RE2::Options o;
  o.set_log_errors(false);
  o.set_encoding(re2::RE2::Options::EncodingUTF8);
  return o;
}

// Lower is more specific: an 18-digit span that is a valid ID is an ID.
int specificity(PiiType t) {
  switch (t) {
    case PiiType::kId:
      return 0;
    case PiiType::kPhone:
      return 1;
    case PiiType::kCard:
      return 2;
    case PiiType::kEmail:
      return 3;
    case PiiType::kIp:
      return 4;
    case PiiType::kAddress:
      return 5;
    case PiiType::kName:
      return 6;
  }
  return 7;
}

// Keeps the longest candidates, then the most specific, then the earliest; drops any that
// overlap one already kept.
std::vector<PiiMatch> resolve_overlaps(std::vector<PiiMatch> cands) {
  std::sort(cands.begin(), cands.end(), [](const PiiMatch& a, const PiiMatch& b) {
    const size_t la = a.end - a.begin, lb = b.end - b.begin;
    if (la != lb) return la > lb;
    if (a.type != b.type) return specificity(a.type) < specificity(b.type);
    return a.begin < b.begin;
  });
  std::map<size_t, size_t> kept;  // begin -> end; disjoint, so also ordered by end
  std::vector<PiiMatch> out;
  for (auto& c : cands) {
    auto next = kept.lower_bound(c.end);  // first kept span starting at or after c.end
    if (next != kept.begin() && std::prev(next)->second > c.begin) continue;
    kept.emplace(c.begin, c.end);
    out.push_back(std::move(c));
  }
  std::sort(out.begin(), out.end(),
            [](const PiiMatch& a, const PiiMatch& b) { return a.begin < b.begin; });
  return out;
}

}  // namespace

PiiDetector::PiiDetector() : impl_(std::make_unique<Impl>(options())) {
  auto& rules_ = impl_->rules;
  auto& set_ = impl_->set;
  for (auto& spec : detection_rules()) {
    auto re = std::make_unique<re2::RE2>(spec.pattern, options());
    if (!re->ok())
      throw std::logic_error("privacy pattern for " + std::string(pii_key(spec.type)) +
                             " does not compile: " + re->error());
    std::string err;
    if (set_.Add(spec.pattern, &err) != static_cast<int>(rules_.size()))
      throw std::logic_error("privacy pattern set: " + err);
    rules_.push_back(Impl::Rule{std::move(spec), std::move(re)});
  }
  if (!set_.Compile()) throw std::logic_error("privacy pattern set does not compile");
}

PiiDetector::~PiiDetector() = default;

const PiiDetector& PiiDetector::shared() {
  static const PiiDetector d;
  return d;
}

std::vector<PiiMatch> PiiDetector::detect(std::string_view text) const {
  // One pass of the set says which rules can match at all; most texts match none.
  const auto& rules_ = impl_->rules;
  std::vector<int> hits;
  re2::RE2::Set::ErrorInfo info{};
  if (!impl_->set.Match(text, &hits, &info) && info.kind != re2::RE2::Set::kNoError) {
    hits.clear();  // the set's DFA gave up (huge input): run every rule on its own
    for (size_t i = 0; i < rules_.size(); ++i) hits.push_back(static_cast<int>(i));
  }
  std::sort(hits.begin(), hits.end());

  std::vector<PiiMatch> cands;
  std::vector<re2::StringPiece> sub;
  std::vector<Span> groups;
  for (int h : hits) {
    const Impl::Rule& rule = rules_[static_cast<size_t>(h)];
    const int n_groups = rule.re->NumberOfCapturingGroups();
    sub.assign(static_cast<size_t>(n_groups) + 1, {});
    size_t pos = 0;
    while (pos < text.size() &&
           rule.re->Match(text, pos, text.size(), re2::RE2::UNANCHORED, sub.data(), n_groups + 1)) {
      groups.clear();
      for (int g = 1; g <= n_groups; ++g)
        groups.emplace_back(static_cast<size_t>(sub[g].data() - text.data()),
                            static_cast<size_t>(sub[g].data() - text.data()) + sub[g].size());
      // Resume at the end of the value, so a boundary character after it can start the next.
      pos = std::max(groups.back().second, pos + 1);
      if (auto span = rule.spec.validate(text, groups))
        cands.push_back({rule.spec.type, span->first, span->second,
                         std::string(text.substr(span->first, span->second - span->first))});
    }
  }
  // Names without a cue come from word-level scanners (lexicons and context, no regex).
  auto add_names = [&](const std::vector<Span>& spans) {
    for (const auto& [b, e] : spans)
      cands.push_back({PiiType::kName, b, e, std::string(text.substr(b, e - b))});
  };
  // The trained model vetoes weak bare Chinese names, moves edges it reads much better, and
  // adds confident ones where nothing else was found (names/name_model.h).
  const std::vector<NameCandidate> scored = score_name_candidates(text);
  std::vector<Span> bare = find_bare_chinese_names(text);
  veto_weak_names(text, bare, scored);
  shift_name_bounds(text, bare, scored);
  trim_verb_tails(text, bare);
  add_names(bare);
  add_names(find_bare_english_names(text));
  std::vector<PiiMatch> found = resolve_overlaps(std::move(cands));
  std::vector<Span> taken;
  taken.reserve(found.size());
  for (const PiiMatch& m : found) taken.emplace_back(m.begin, m.end);
  std::vector<Span> added = confident_model_names(text, scored, taken);
  trim_verb_tails(text, added);
  if (added.empty()) return found;
  for (const auto& [b, e] : added)
    found.push_back({PiiType::kName, b, e, std::string(text.substr(b, e - b))});
  std::sort(found.begin(), found.end(),
            [](const PiiMatch& a, const PiiMatch& b) { return a.begin < b.begin; });
  return found;
}

}  // namespace tandem::privacy
