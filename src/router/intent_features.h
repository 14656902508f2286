// Character n-gram features for intent classification: UTF-8 aware (a Chinese character is
// one character), ASCII lower-cased, whitespace runs collapsed to one space, and the text
// padded with a space on each side so that n-grams see word starts and ends.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace tandem::router {

// The normalized text as a sequence of characters (each one UTF-8 encoded code point).
std::vector<std::string_view> normalized_chars(std::string_view text, std::string& storage);

// The distinct n-grams (min_n <= n <= max_n) of the normalized text, sorted; a lone space is
// not a feature. Presence, not counts: short requests are classified better that way.
std::vector<std::string> intent_features(std::string_view text, int min_n, int max_n);

}  // namespace tandem::router
