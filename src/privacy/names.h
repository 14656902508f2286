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

// Capitalized English words that follow "I am" / "I'm" / "my name is" but are not names
// ("I am Happy", "I'm Chinese", "I am Going").
bool is_common_english_word(std::string_view word);

}  // namespace tandem::privacy
