// Translation of JSON Schema `pattern` regexes (a documented subset) into GBNF.
#pragma once

#include <string>
#include <string_view>

namespace tandem::grammar {

// Returns a GBNF expression matching the *JSON-encoded* body (between the quotes) of every
// string the anchored regex `pattern` matches fully. Supported: ^...$ anchors (required),
// literals, escapes (\d \w \s \D \W \S and escaped punctuation, \n \t \r), `.`, classes with
// ranges and negation, groups ( ) and (?: ), alternation, quantifiers * + ? {m} {m,} {m,n}
// (lazy `?` suffix accepted: it does not change a full match). Anything else (backrefs,
// lookaround, \b, unanchored patterns) throws GrammarError naming the construct.
std::string pattern_to_gbnf(std::string_view pattern);

}  // namespace tandem::grammar
