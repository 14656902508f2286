// Chinese person names without a cue phrase: surname lexicon × given-name character model ×
// context (see docs/PRIVACY.md, "Names").
#pragma once

#include <string_view>
#include <vector>

#include "privacy/detector_rules.h"

namespace tandem::privacy {

// Spans of likely names (surname + 1-2 given-name characters) anywhere in the text. One pass,
// constant work per character.
std::vector<Span> find_bare_chinese_names(std::string_view text);

}  // namespace tandem::privacy
