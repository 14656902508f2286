#include "privacy/evaluation.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "privacy/text_forms.h"

namespace tandem::privacy {
namespace {

std::invalid_argument corpus_error(std::string_view source, size_t line, const std::string& why) {
  return std::invalid_argument(std::string(source) + ":" + std::to_string(line) + ": " + why);
}

LabelledCase parse_case(const std::string& line, std::string_view source, size_t line_no) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(line);
  } catch (const nlohmann::json::parse_error& e) {
    throw corpus_error(source, line_no, std::string("invalid JSON: ") + e.what());
  }
  if (!j.is_object() || !j.contains("text") || !j["text"].is_string())
    throw corpus_error(source, line_no, "expected an object with a string \"text\"");
  LabelledCase c;
  c.text = j["text"].get<std::string>();
  if (!j.contains("entities")) return c;
  if (!j["entities"].is_array()) throw corpus_error(source, line_no, "\"entities\" must be a list");
  for (const auto& e : j["entities"]) {
    if (!e.is_object() || !e.contains("type") || !e.contains("value") || !e["type"].is_string() ||
        !e["value"].is_string())
      throw corpus_error(source, line_no, "an entity needs string \"type\" and \"value\"");
    const auto type = pii_from_key(e["type"].get<std::string>());
    if (!type)
      throw corpus_error(source, line_no, "unknown type '" + e["type"].get<std::string>() + "'");
    std::string value = e["value"].get<std::string>();
    if (c.text.find(value) == std::string::npos)
      throw corpus_error(source, line_no, "value '" + value + "' does not occur in the text");
    c.entities.push_back({*type, std::move(value)});
  }
  return c;
}

}  // namespace

std::vector<LabelledCase> parse_corpus(std::string_view jsonl, std::string_view source) {
  std::vector<LabelledCase> out;
  std::istringstream in{std::string(jsonl)};
  std::string line;
  for (size_t n = 1; std::getline(in, line); ++n) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    out.push_back(parse_case(line, source, n));
  }
  return out;
}

std::vector<LabelledCase> load_corpus(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw std::invalid_argument(path + ": cannot read corpus");
  std::ostringstream ss;
  ss << f.rdbuf();
  auto corpus = parse_corpus(ss.str(), path);
  if (corpus.empty()) throw std::invalid_argument(path + ": corpus has no cases");
  return corpus;
}

std::string normalised_value(PiiType type, std::string_view value) {
  if (type == PiiType::kPhone || type == PiiType::kId || type == PiiType::kCard)
    return digits_key(value);
  return fold_width(value);
}

EvalReport evaluate(const std::vector<LabelledCase>& corpus, const PiiDetector& detector) {
  EvalReport r;
  r.cases = corpus.size();
  for (const auto& c : corpus) {
    std::vector<std::pair<PiiType, std::string>> gold;
    for (const auto& e : c.entities) gold.emplace_back(e.type, normalised_value(e.type, e.value));
    std::vector<std::pair<PiiType, std::string>> found;  // gold values already matched
    for (const auto& m : detector.detect(c.text)) {
      const auto key = std::make_pair(m.type, normalised_value(m.type, m.value));
      auto it = std::find(gold.begin(), gold.end(), key);
      TypeScore& s = r.by_type[static_cast<size_t>(m.type)];
      if (it != gold.end()) {
        ++s.tp;
        gold.erase(it);
        found.push_back(key);
      } else if (std::find(found.begin(), found.end(), key) != found.end()) {
        // Another mention of a value the labels list once per text: found, not a false alarm.
      } else {
        ++s.fp;
        r.mistakes.push_back("fp " + std::string(pii_key(m.type)) + " '" + m.value +
                             "' in: " + c.text);
      }
    }
    for (const auto& [type, value] : gold) {
      ++r.by_type[static_cast<size_t>(type)].fn;
      r.mistakes.push_back("fn " + std::string(pii_key(type)) + " '" + value + "' in: " + c.text);
    }
  }
  for (const auto& s : r.by_type) {
    r.all.tp += s.tp;
    r.all.fp += s.fp;
    r.all.fn += s.fn;
  }
  return r;
}

}  // namespace tandem::privacy
