// What to do with each type of personal data: mask it before the cloud sees it (default),
// or keep the whole request on the edge ("local").
#pragma once

#include <array>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "privacy/detector.h"

namespace tandem::privacy {

enum class PolicyAction { kMask, kLocal };

std::string_view action_name(PolicyAction a);

struct PrivacyPolicy {
  std::array<PolicyAction, kAllPiiTypes.size()> actions{};  // all kMask

  PolicyAction action_for(PiiType t) const { return actions[static_cast<size_t>(t)]; }
  void set(PiiType t, PolicyAction a) { actions[static_cast<size_t>(t)] = a; }

  // The types among `found` whose action is local, each once, in kAllPiiTypes order.
  std::vector<PiiType> local_types(std::span<const PiiType> found) const;
  // Whether any PII in the text / messages has a local action.
  bool requires_local(std::string_view text, const PiiDetector& d = PiiDetector::shared()) const;
  bool requires_local(std::span<const std::string> messages,
                      const PiiDetector& d = PiiDetector::shared()) const;

  // From TOML: a [privacy] table with phone/id/card/email/ip/name = "mask" | "local"; missing
  // keys (or a missing table) mean mask. Other tables are ignored: the routing policy shares
  // the file. Throws std::invalid_argument naming the source for TOML syntax errors, unknown
  // keys and unknown actions.
  static PrivacyPolicy parse(std::string_view toml_text, std::string_view source = "<string>");
  static PrivacyPolicy load(const std::string& path);
};

}  // namespace tandem::privacy
