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

// Cuts a last given character that is a one-character verb or adverb running on into the
// clause (符倩|家拜年, 韩雪|拉进, 邬霞|先走, 夏侯俊|交一下) after a strong given character:
// a two-character name is the likelier reading there. Listed famous names are left alone.
void trim_verb_tails(std::string_view text, std::vector<Span>& names);

}  // namespace tandem::privacy
