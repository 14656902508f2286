#include "privacy/policy.h"

#include <toml++/toml.h>
#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace tandem::privacy {
namespace {

std::string known_keys() {
  std::string s;
  for (PiiType t : kAllPiiTypes) s += (s.empty() ? "" : ", ") + std::string(pii_key(t));
  return s;
}

}  // namespace

std::string_view action_name(PolicyAction a) {
  return a == PolicyAction::kLocal ? "local" : "mask";
}

std::vector<PiiType> PrivacyPolicy::local_types(std::span<const PiiType> found) const {
  std::vector<PiiType> out;
  for (PiiType t : kAllPiiTypes)
    if (action_for(t) == PolicyAction::kLocal &&
        std::find(found.begin(), found.end(), t) != found.end())
      out.push_back(t);
  return out;
}

bool PrivacyPolicy::requires_local(std::string_view text, const PiiDetector& d) const {
  if (std::none_of(actions.begin(), actions.end(),
                   [](PolicyAction a) { return a == PolicyAction::kLocal; }))
    return false;  // nothing to look for
  for (const auto& m : d.detect(text))
    if (action_for(m.type) == PolicyAction::kLocal) return true;
  return false;
}

bool PrivacyPolicy::requires_local(std::span<const std::string> messages,
                                   const PiiDetector& d) const {
  return std::any_of(messages.begin(), messages.end(),
                     [&](const std::string& m) { return requires_local(m, d); });
}

PrivacyPolicy PrivacyPolicy::parse(std::string_view toml_text, std::string_view source) {
  toml::table root;
  try {
    root = toml::parse(toml_text, source);
  } catch (const toml::parse_error& e) {
    std::ostringstream msg;
    msg << source << ": " << e.description() << " (line " << e.source().begin.line << ")";
    throw std::invalid_argument(msg.str());
  }
  PrivacyPolicy p;
  const toml::node* node = root.get("privacy");
  if (!node) return p;
  const toml::table* tbl = node->as_table();
  if (!tbl) throw std::invalid_argument(std::string(source) + ": [privacy] must be a table");
  for (const auto& [key, value] : *tbl) {
    const auto type = pii_from_key(key.str());
    if (!type)
      throw std::invalid_argument(std::string(source) + ": [privacy] unknown key '" +
                                  std::string(key.str()) + "' (known: " + known_keys() + ")");
    const auto action = value.value<std::string>();
    if (action == "mask")
      p.set(*type, PolicyAction::kMask);
    else if (action == "local")
      p.set(*type, PolicyAction::kLocal);
    else
      throw std::invalid_argument(std::string(source) + ": [privacy] " + std::string(key.str()) +
                                  " must be \"mask\" or \"local\"");
  }
  return p;
}

PrivacyPolicy PrivacyPolicy::load(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw std::invalid_argument(path + ": cannot read privacy policy");
  std::ostringstream ss;
  ss << f.rdbuf();
  return parse(ss.str(), path);
}

}  // namespace tandem::privacy
