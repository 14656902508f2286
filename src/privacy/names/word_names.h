// Names spelled like ordinary words (安然, 白云, 江河, 冷风): the scorer and the lattice
// leave them as words, so they are taken only where the words around them speak of a person.
#pragma once

#include <string_view>
#include <vector>

#include "privacy/detector_rules.h"

namespace tandem::privacy {

// Spans of a surname + 1-2 given-name characters whose context marks a person: the subject of
// 说/告诉/请假… at a clause start, X的妈妈/生日, 叫X at a clause end, X和我, or a partner of a
// name already found (`found`, sorted and disjoint: 周敏和周全).
std::vector<Span> find_word_names(std::string_view text, const std::vector<Span>& found);

}  // namespace tandem::privacy
