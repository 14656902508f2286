// Postal addresses: a Chinese administrative/street chain (省 市 区 县 镇 街道 路 号 栋 单元 室,
// at least two levels) and an English street line (123 Main Street, Apt 4B).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "privacy/detector_rules.h"

namespace tandem::privacy {

// RE2 pattern; group 1 is a run of two or more address segments.
std::string chinese_address_pattern();
std::string english_address_pattern();

// Trims words that lead into the address (我住在, 寄到) off the front of the regex match, and
// rejects runs that read as a sentence (的, 和, 了 inside) or keep fewer than two levels.
std::optional<Span> validate_chinese_address(std::string_view text, const std::vector<Span>& g);

}  // namespace tandem::privacy
