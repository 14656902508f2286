#include "router/policy.h"

#include <toml++/toml.h>
#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace tandem::router {
namespace {

[[noreturn]] void fail(std::string_view source, const std::string& msg) {
  throw std::invalid_argument(std::string(source) + ": " + msg);
}

double number(const toml::node& n, std::string_view source, std::string_view key) {
  if (auto v = n.value<double>()) return *v;  // integers convert too
  fail(source, "[routing] " + std::string(key) + " must be a number");
}

}  // namespace

bool RoutingPolicy::routes_to_cloud(std::string_view intent) const {
  return std::find(cloud_intents.begin(), cloud_intents.end(), intent) != cloud_intents.end();
}

RoutingPolicy RoutingPolicy::parse(std::string_view toml_text, std::string_view source) {
  toml::table root;
  try {
    root = toml::parse(toml_text, source);
  } catch (const toml::parse_error& e) {
    std::ostringstream msg;
    msg << e.description() << " (line " << e.source().begin.line << ")";
    fail(source, msg.str());
  }
  RoutingPolicy p;
  for (const auto& [key, node] : root)
    if (key.str() != "routing" && key.str() != "privacy")
      fail(source,
           "unknown table or key '" + std::string(key.str()) + "' (known: [routing], [privacy])");
  p.privacy = privacy::PrivacyPolicy::parse(toml_text, source);
  const toml::node* routing = root.get("routing");
  if (!routing) return p;
  const toml::table* tbl = routing->as_table();
  if (!tbl) fail(source, "[routing] must be a table");
  for (const auto& [key, node] : *tbl) {
    const std::string_view k = key.str();
    if (k == "ppl_threshold") {
      const double t = number(node, source, k);
      if (!std::isfinite(t) || t <= 0) fail(source, "[routing] ppl_threshold must be positive");
      p.ppl_threshold = t;
    } else if (k == "intent_min_confidence") {
      p.intent_min_confidence = number(node, source, k);
      if (!(p.intent_min_confidence >= 0 && p.intent_min_confidence <= 1))
        fail(source, "[routing] intent_min_confidence must be in [0, 1]");
    } else if (k == "cloud_intents") {
      const toml::array* arr = node.as_array();
      if (!arr) fail(source, "[routing] cloud_intents must be an array of strings");
      p.cloud_intents.clear();
      for (const auto& item : *arr) {
        auto s = item.value<std::string>();
        if (!s) fail(source, "[routing] cloud_intents must be an array of strings");
        p.cloud_intents.push_back(std::move(*s));
      }
    } else {
      fail(source, "[routing] unknown key '" + std::string(k) +
                       "' (known: ppl_threshold, cloud_intents, intent_min_confidence)");
    }
  }
  return p;
}

RoutingPolicy RoutingPolicy::load(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw std::invalid_argument(path + ": cannot read routing policy");
  std::ostringstream ss;
  ss << f.rdbuf();
  return parse(ss.str(), path);
}

}  // namespace tandem::router
