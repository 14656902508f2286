// Word lists behind English and pinyin name detection without a cue phrase.
#pragma once

#include <string_view>

namespace tandem::privacy {

enum class FirstName { kNone, kClear, kAmbiguous, kListed };

// A common English given name. kAmbiguous: also an ordinary word or place (Mark, May, Jordan),
// a name only with support from context. kListed: a given name of the generated lists of many
// countries (english_name_lists.h), a name before a family-name-like word, and otherwise a
// capitalised word like any other (some are also places and brands: Florence, Mercedes).
FirstName english_first_name(std::string_view word);
// A frequent English family name (Smith, Johnson).
bool english_family_name(std::string_view word);
// A frequent Chinese surname in pinyin (Wang, Zhang, Ouyang).
bool pinyin_surname(std::string_view word);
// A pair of pinyin-shaped words that is not a name ("Hong Kong", "Feng Shui").
bool pinyin_phrase(std::string_view two_words);
// A word made of one to three pinyin syllables (Wei, Xiaoming), capitalised or not.
bool pinyin_word(std::string_view word);
// Capitalised words that are not names: days, months, places, brands, languages, sentence
// words (Monday, Beijing, Google, Python, The).
bool common_capitalised_word(std::string_view word);
// Words before a name: "with", "call", "ask", "Dear", "Hi" (compared case-insensitively).
bool person_cue_word(std::string_view word);
// Verbs after a name: "said", "wrote", "called".
bool person_verb(std::string_view word);

}  // namespace tandem::privacy
