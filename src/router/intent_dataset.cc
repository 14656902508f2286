#include "router/intent_dataset.h"

#include <cmath>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

namespace tandem::router {

std::vector<IntentExample> parse_intent_tsv(std::string_view tsv, std::string_view source) {
  std::vector<IntentExample> out;
  size_t line_no = 0;
  for (size_t pos = 0; pos < tsv.size();) {
    size_t eol = tsv.find('\n', pos);
    if (eol == std::string_view::npos) eol = tsv.size();
    std::string_view line = tsv.substr(pos, eol - pos);
    pos = eol + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line.front() == '#') continue;
    const size_t tab = line.find('\t');
    const auto where = std::string(source) + ":" + std::to_string(line_no);
    if (tab == std::string_view::npos)
      throw std::runtime_error(where + ": expected label<TAB>text");
    IntentExample ex{std::string(line.substr(0, tab)), std::string(line.substr(tab + 1))};
    if (ex.label.empty() || ex.text.empty())
      throw std::runtime_error(where + ": empty label or text");
    if (ex.label.find_first_of(" \t") != std::string::npos)
      throw std::runtime_error(where + ": label '" + ex.label + "' contains whitespace");
    out.push_back(std::move(ex));
  }
  return out;
}

std::vector<IntentExample> load_intent_tsv(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw std::runtime_error(path + ": cannot read intent data");
  std::ostringstream ss;
  ss << f.rdbuf();
  auto rows = parse_intent_tsv(ss.str(), path);
  if (rows.empty()) throw std::runtime_error(path + ": no examples");
  return rows;
}

IntentSplit split_holdout(std::vector<IntentExample> all, double holdout, uint64_t seed) {
  if (!(holdout >= 0.0 && holdout < 1.0))
    throw std::invalid_argument("holdout must be in [0, 1), got " + std::to_string(holdout));
  std::mt19937_64 rng(seed);
  // std::shuffle's algorithm is unspecified; this one gives the same split everywhere.
  for (size_t i = all.size(); i > 1; --i) std::swap(all[i - 1], all[rng() % i]);
  const auto n_test = static_cast<size_t>(std::llround(holdout * static_cast<double>(all.size())));
  IntentSplit s;
  s.test.assign(std::make_move_iterator(all.begin()),
                std::make_move_iterator(all.begin() + static_cast<std::ptrdiff_t>(n_test)));
  s.train.assign(std::make_move_iterator(all.begin() + static_cast<std::ptrdiff_t>(n_test)),
                 std::make_move_iterator(all.end()));
  return s;
}

}  // namespace tandem::router
