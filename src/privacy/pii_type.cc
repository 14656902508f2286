#include "privacy/pii_type.h"

namespace tandem::privacy {
namespace {
struct Names {
  std::string_view key, tag;
};
constexpr std::array<Names, 7> kNames = {{{"phone", "PHONE"},
                                          {"id", "ID"},
                                          {"card", "CARD"},
                                          {"email", "EMAIL"},
                                          {"ip", "IP"},
                                          {"name", "NAME"},
                                          {"address", "ADDRESS"}}};
}  // namespace

std::string_view pii_key(PiiType t) {
  return kNames[static_cast<size_t>(t)].key;
}
std::string_view pii_tag(PiiType t) {
  return kNames[static_cast<size_t>(t)].tag;
}

std::optional<PiiType> pii_from_key(std::string_view key) {
  for (PiiType t : kAllPiiTypes)
    if (pii_key(t) == key) return t;
  return std::nullopt;
}

std::optional<PiiType> pii_from_tag(std::string_view tag) {
  for (PiiType t : kAllPiiTypes)
    if (pii_tag(t) == tag) return t;
  return std::nullopt;
}

}  // namespace tandem::privacy
