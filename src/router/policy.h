// The routing policy, from TOML:
//   [routing]
//   ppl_threshold = 25.0            # prompts above it go to the cloud (absent: no PPL rule)
//   cloud_intents = ["coding", "math"]
//   intent_min_confidence = 0.0     # the intent rule needs at least this probability
//   [privacy]                       # see privacy/policy.h
//   phone = "local"
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "privacy/policy.h"

namespace tandem::router {

struct RoutingPolicy {
  std::optional<double> ppl_threshold;
  std::vector<std::string> cloud_intents = {"coding", "math"};
  double intent_min_confidence = 0.0;
  privacy::PrivacyPolicy privacy;

  bool routes_to_cloud(std::string_view intent) const;

  // Throws std::invalid_argument naming the source for syntax errors, unknown tables or keys,
  // and values of the wrong type or range.
  static RoutingPolicy parse(std::string_view toml_text, std::string_view source = "<string>");
  static RoutingPolicy load(const std::string& path);
};

}  // namespace tandem::router
