// English and pinyin person names without a cue phrase, from capitalisation, name lists and
// the words around them (see docs/PRIVACY.md, "Names").
#pragma once

#include <string_view>
#include <vector>

#include "privacy/detector_rules.h"

namespace tandem::privacy {

// Spans of likely names ("Alice", "Alice Smith", "Zhang Wei", "call Zora"). One pass over the
// words of the text.
std::vector<Span> find_bare_english_names(std::string_view text);

}  // namespace tandem::privacy
