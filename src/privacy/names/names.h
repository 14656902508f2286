// Word lists behind person-name detection: Chinese surnames and the English words that
// follow "I am" without being names.
#pragma once

#include <string>
#include <string_view>

namespace tandem::privacy {

// RE2 alternation of the built-in Chinese surnames, compound ones first so that 欧阳 wins
// over 欧 (RE2 alternation is leftmost-first).
std::string chinese_surname_alternation();

// A character that ends a Chinese given name rather than belonging to it (particles,
// pronouns, 人 in 江西人...): 我是王的 is not a name.
bool is_chinese_name_stop_char(std::string_view utf8_char);

// Ordinary words that start with a surname character (我是高中生, 我是江西人).
bool is_common_chinese_word(std::string_view utf8);

// The surname starting at text[pos] (compound surnames first): its byte length, or 0. `prior`
// receives how likely the characters are to be a surname rather than the start of a word:
// 3 compound, 2 among the ~40 most frequent, 1 others.
size_t chinese_surname_at(std::string_view text, size_t pos, int* prior);

// How typical a character is in given names: 2 (mostly seen in names: 芳 娜 伟 婷), 1 (common
// in names and in words: 明 华 国 海), 0 (not a given-name character).
int given_name_char_weight(std::string_view utf8_char);

// Two characters that form an ordinary word although the first may end a given name: 张伟明天
// is 张伟 + 明天.
bool is_common_bigram(std::string_view two_chars);

// Exact ordinary words made of a surname and a given-name character (王国, 黄金, 高峰).
bool is_ordinary_surname_word(std::string_view utf8);

// Capitalized English words that follow "I am" / "I'm" / "my name is" but are not names
// ("I am Happy", "I'm Chinese", "I am Going").
bool is_common_english_word(std::string_view word);

}  // namespace tandem::privacy
