// The kinds of personal data the privacy sandbox recognizes, and their names.
#pragma once

#include <array>
#include <optional>
#include <string_view>

namespace tandem::privacy {

enum class PiiType { kPhone, kId, kCard, kEmail, kIp, kName, kAddress };

inline constexpr std::array<PiiType, 7> kAllPiiTypes = {
    PiiType::kPhone, PiiType::kId,   PiiType::kCard,   PiiType::kEmail,
    PiiType::kIp,    PiiType::kName, PiiType::kAddress};

// Lower-case key used in policy files and reports: "phone", "id", "card", "email", "ip", "name",
// "address".
std::string_view pii_key(PiiType t);
// Upper-case tag used in placeholders: "PHONE" -> <PHONE_1>.
std::string_view pii_tag(PiiType t);
std::optional<PiiType> pii_from_key(std::string_view key);
std::optional<PiiType> pii_from_tag(std::string_view tag);

}  // namespace tandem::privacy
