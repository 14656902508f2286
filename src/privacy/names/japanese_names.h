// Japanese names written in kanji (渡边健一, 村上春树): a listed family name + a given name
// shaped like a Japanese one. The Chinese scorer would cut them (边健一) or miss them.
#pragma once

#include <cstddef>
#include <string_view>

namespace tandem::privacy {

// The byte length of a Japanese name starting at text[pos], or 0.
size_t japanese_name_at(std::string_view text, size_t pos);

}  // namespace tandem::privacy
