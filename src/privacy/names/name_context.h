// The characters around a Chinese name candidate as evidence (docs/PRIVACY.md, "Names"): form
// fields and cue words before it, forms of address, verbs and punctuation after it. Shared by
// the scorer (chinese_names.cc) and the segmentation lattice (chinese_segmenter.cc).
#pragma once

#include <cstddef>
#include <string_view>

namespace tandem::privacy {

inline constexpr size_t kHan = 3;  // bytes of a BMP Han character in UTF-8

// Whether text[i] starts a 3-byte Han character (U+4000..U+9FFF).
bool is_han(std::string_view s, size_t i);

// Whether a form of address (先生, 老师, 经理 …) starts at text[pos].
bool title_at(std::string_view text, size_t pos);

// Whether a one-character colloquial form of address starts at text[pos] (林姐, 马哥, 赵工,
// 王婆): right after a surname it makes a nickname, not a name. Kept apart from title_at,
// which also scores a full name's right context, where 工 would read 工作 as a title.
bool colloquial_address_at(std::string_view text, size_t pos);

// Whether text[begin, end) lies inside a book or film title (《朝花夕拾》, 《白鹿原》): there it
// is a title's words or a place, and the title is no person (listed famous names aside).
bool inside_book_title(std::string_view text, size_t begin, size_t end);

// Whether `word` is a role or kinship word that stands before names (房东, 同事, 表哥): said of
// a person, but no name.
bool is_person_role(std::string_view word);

// Evidence before a name starting at text[begin]: 3 after @ or a form field (收件人, 姓名：),
// 2 in a 、 list, 1 at a start, punctuation or cue character (和 给 问 …), else 0.
int left_context(std::string_view text, size_t begin);

// Evidence after a name ending at text[end]: 3 a form of address, 2 a 、, 1 an end,
// punctuation or a verb/particle (说 是 在 的 …), else 0.
int right_context(std::string_view text, size_t end);

// Whether the surname of `sur` bytes at text[i] is followed by a doubled adverb (老王刚刚到)
// or starts an ABB adjective before 的/地 (金灿灿的, 冷冰冰地): no name either way.
bool doubled_adverb_or_adjective(std::string_view text, size_t i, size_t sur);

}  // namespace tandem::privacy
