// Emitting GBNF text from the JSON Schema converter: escaped literals and class characters,
// and the "any key except these" rule that keeps additionalProperties from repeating a
// declared property name.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tandem::grammar {

// "..." literal matching the raw bytes (UTF-8 passes through; controls become \xHH).
std::string gbnf_literal(std::string_view raw);
// One code point, escaped for use inside [...].
std::string gbnf_class_char(uint32_t cp);
// Quoted JSON string (followed by `space`) whose decoded value is none of `names`, using
// the `char` and `space` rules. Escape sequences always count as differing from the names.
std::string json_key_excluding_gbnf(const std::vector<std::string>& names);

}  // namespace tandem::grammar
