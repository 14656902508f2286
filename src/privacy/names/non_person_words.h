// Words spelled like a surname + a given name that name things: brands, shops, foods and
// fruits, medicines, weather (杨国福, 周大福, 黄焖鸡, 石榴, 暴雨). Listed by hand from general
// knowledge; a name candidate that is one of them, or starts one, is no name.
#pragma once

#include <cstddef>
#include <string_view>

namespace tandem::privacy {

// The byte length of a listed non-person word starting at text[pos], or 0.
size_t non_person_word_at(std::string_view text, size_t pos);

// Whether the character at text[pos] heads a product or a dish after a name-shaped brand
// (周记|鸭, 张氏|面): 鸭 面 粉 茶 饼 …, unless it starts a word with the next one (面试, 茶水).
bool product_head_at(std::string_view text, size_t pos);

}  // namespace tandem::privacy
