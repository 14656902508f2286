#include "router/intent_classifier.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>

#include "router/intent_features.h"

namespace tandem::router {
namespace {

// Reads the model text line by line, with errors that say where.
class LineReader {
 public:
  LineReader(std::string_view text, std::string_view source) : text_(text), source_(source) {}
  bool next(std::string_view& line) {
    if (pos_ >= text_.size()) return false;
    size_t eol = text_.find('\n', pos_);
    if (eol == std::string_view::npos) eol = text_.size();
    line = text_.substr(pos_, eol - pos_);
    pos_ = eol + 1;
    ++line_no_;
    return true;
  }
  std::string_view expect(std::string_view what) {
    std::string_view line;
    if (!next(line)) fail("truncated: expected " + std::string(what));
    return line;
  }
  [[noreturn]] void fail(const std::string& msg) const {
    throw std::runtime_error(std::string(source_) + ":" + std::to_string(line_no_) +
                             ": invalid intent model: " + msg);
  }

 private:
  std::string_view text_, source_;
  size_t pos_ = 0, line_no_ = 0;
};

std::vector<std::string_view> split_spaces(std::string_view s) {
  std::vector<std::string_view> out;
  for (size_t i = 0; i < s.size();) {
    const size_t j = std::min(s.find(' ', i), s.size());
    if (j > i) out.push_back(s.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

template <typename T>
T number(std::string_view s, const LineReader& r, std::string_view what) {
  T v{};
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size())
    r.fail("bad " + std::string(what) + " '" + std::string(s) + "'");
  return v;
}

// "key v1 v2 ..." -> the values, checking the key.
std::vector<std::string_view> keyed(LineReader& r, std::string_view key) {
  auto parts = split_spaces(r.expect(key));
  if (parts.empty() || parts.front() != key) r.fail("expected '" + std::string(key) + "'");
  parts.erase(parts.begin());
  return parts;
}

void validate(const IntentTrainOptions& o) {
  if (o.min_n < 1 || o.max_n < o.min_n || o.max_n > 8)
    throw std::invalid_argument("n-gram range must satisfy 1 <= min_n <= max_n <= 8");
  if (!(o.alpha > 0)) throw std::invalid_argument("smoothing alpha must be positive");
}

}  // namespace

IntentClassifier IntentClassifier::train(std::span<const IntentExample> examples,
                                         const IntentTrainOptions& options) {
  validate(options);
  if (examples.empty()) throw std::invalid_argument("no training examples");
  IntentClassifier c;
  c.options_ = options;
  std::set<std::string> labels;
  for (const auto& e : examples) labels.insert(e.label);
  c.classes_.assign(labels.begin(), labels.end());
  const size_t k = c.classes_.size();
  c.docs_.assign(k, 0);
  for (const auto& e : examples) {
    const size_t y = static_cast<size_t>(
        std::lower_bound(c.classes_.begin(), c.classes_.end(), e.label) - c.classes_.begin());
    ++c.docs_[y];
    for (auto& f : intent_features(e.text, options.min_n, options.max_n)) {
      auto& v = c.counts_[std::move(f)];
      if (v.empty()) v.assign(k, 0);
      ++v[y];
    }
  }
  if (options.min_count > 1)
    std::erase_if(c.counts_, [&](const auto& kv) {
      uint32_t total = 0;
      for (uint32_t n : kv.second) total += n;
      return total < options.min_count;
    });
  c.prepare();
  return c;
}

void IntentClassifier::prepare() {
  const size_t k = classes_.size();
  std::vector<double> totals(k, 0.0);
  for (const auto& [f, v] : counts_)
    for (size_t y = 0; y < k; ++y) totals[y] += v[y];
  double n_docs = 0;
  for (uint32_t d : docs_) n_docs += d;
  log_prior_.resize(k);
  for (size_t y = 0; y < k; ++y)
    log_prior_[y] = std::log((docs_[y] + 1.0) / (n_docs + static_cast<double>(k)));
  const double a = options_.alpha, vocab = static_cast<double>(counts_.size());
  row_.clear();
  log_likelihood_.assign(counts_.size() * k, 0.0);
  size_t r = 0;
  for (const auto& [f, v] : counts_) {
    row_.emplace(f, r);
    for (size_t y = 0; y < k; ++y)
      log_likelihood_[r * k + y] = std::log((v[y] + a) / (totals[y] + a * vocab));
    ++r;
  }
}

IntentResult IntentClassifier::classify(std::string_view text) const {
  const size_t k = classes_.size();
  std::vector<double> score = log_prior_;
  for (const auto& f : intent_features(text, options_.min_n, options_.max_n)) {
    auto it = row_.find(f);
    if (it == row_.end()) continue;  // unseen features carry no evidence
    for (size_t y = 0; y < k; ++y) score[y] += log_likelihood_[it->second * k + y];
  }
  const double mx = *std::max_element(score.begin(), score.end());
  double z = 0;
  for (double s : score) z += std::exp(s - mx);
  IntentResult r;
  size_t best = 0;
  for (size_t y = 0; y < k; ++y) {
    r.scores.push_back({classes_[y], std::exp(score[y] - mx) / z});
    if (score[y] > score[best]) best = y;
  }
  r.label = classes_[best];
  return r;
}

std::string IntentClassifier::serialize() const {
  std::ostringstream o;
  o << kMagic << ' ' << kVersion << '\n';
  o << "ngrams " << options_.min_n << ' ' << options_.max_n << '\n';
  char alpha[32];
  const auto end = std::to_chars(alpha, alpha + sizeof alpha, options_.alpha).ptr;  // shortest
  o << "alpha " << std::string_view(alpha, static_cast<size_t>(end - alpha)) << '\n';
  o << "classes " << classes_.size();
  for (const auto& c : classes_) o << ' ' << c;
  o << "\ndocs";
  for (uint32_t d : docs_) o << ' ' << d;
  o << "\nfeatures " << counts_.size() << '\n';
  // Sorted so that the same data always gives the same file.
  std::map<std::string_view, const std::vector<uint32_t>*> sorted;
  for (const auto& [f, v] : counts_) sorted.emplace(f, &v);
  for (const auto& [f, v] : sorted) {
    for (size_t y = 0; y < v->size(); ++y) o << (y ? " " : "") << (*v)[y];
    o << '\t' << f << '\n';
  }
  o << "end\n";
  return o.str();
}

IntentClassifier IntentClassifier::parse(std::string_view text, std::string_view source) {
  LineReader r(text, source);
  IntentClassifier c;
  const auto head = split_spaces(r.expect("header"));
  if (head.size() != 2 || head[0] != kMagic)
    r.fail("not a Tandem intent model (expected '" + std::string(kMagic) + " " +
           std::to_string(kVersion) + "')");
  if (number<int>(head[1], r, "version") != kVersion)
    r.fail("unsupported version " + std::string(head[1]) + " (this build reads " +
           std::to_string(kVersion) + ")");
  const auto ng = keyed(r, "ngrams");
  if (ng.size() != 2) r.fail("ngrams needs two numbers");
  c.options_.min_n = number<int>(ng[0], r, "min_n");
  c.options_.max_n = number<int>(ng[1], r, "max_n");
  const auto al = keyed(r, "alpha");
  if (al.size() != 1) r.fail("alpha needs one number");
  c.options_.alpha = number<double>(al[0], r, "alpha");
  try {
    validate(c.options_);
  } catch (const std::invalid_argument& e) {
    r.fail(e.what());
  }
  const auto cl = keyed(r, "classes");
  if (cl.empty()) r.fail("classes needs a count");
  const auto k = number<size_t>(cl[0], r, "class count");
  if (k == 0 || cl.size() != k + 1) r.fail("class count does not match the class names");
  for (size_t i = 1; i < cl.size(); ++i) c.classes_.emplace_back(cl[i]);
  if (!std::is_sorted(c.classes_.begin(), c.classes_.end()) ||
      std::adjacent_find(c.classes_.begin(), c.classes_.end()) != c.classes_.end())
    r.fail("class names must be distinct and sorted");
  const auto dc = keyed(r, "docs");
  if (dc.size() != k) r.fail("docs needs one count per class");
  for (auto d : dc) c.docs_.push_back(number<uint32_t>(d, r, "doc count"));
  const auto fc = keyed(r, "features");
  if (fc.size() != 1) r.fail("features needs a count");
  const auto n = number<size_t>(fc[0], r, "feature count");
  c.counts_.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    const std::string_view line = r.expect("feature line");
    const size_t tab = line.find('\t');
    if (tab == std::string_view::npos || tab + 1 == line.size())
      r.fail("feature line needs counts<TAB>feature");
    const auto nums = split_spaces(line.substr(0, tab));
    if (nums.size() != k) r.fail("feature line needs one count per class");
    std::vector<uint32_t> v;
    for (auto x : nums) v.push_back(number<uint32_t>(x, r, "feature count"));
    if (!c.counts_.emplace(std::string(line.substr(tab + 1)), std::move(v)).second)
      r.fail("duplicate feature");
  }
  if (r.expect("end") != "end") r.fail("expected 'end' after the features");
  c.prepare();
  return c;
}

IntentClassifier IntentClassifier::load(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw std::runtime_error(path + ": cannot read intent model");
  std::ostringstream ss;
  ss << f.rdbuf();
  return parse(ss.str(), path);
}

void IntentClassifier::save(const std::string& path) const {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  if (!f) throw std::runtime_error(path + ": cannot write intent model");
  f << serialize();
  if (!f.flush()) throw std::runtime_error(path + ": write failed");
}

}  // namespace tandem::router
