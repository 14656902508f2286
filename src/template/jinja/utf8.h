// UTF-8 helpers: Python strings index, slice and count by code point, not by byte.
#pragma once

#include <string>
#include <string_view>

namespace tandem::templates {

std::u32string utf8_decode(std::string_view s);
std::string utf8_encode(std::u32string_view s);
void utf8_append(std::string& out, char32_t cp);
std::size_t utf8_length(std::string_view s);

}  // namespace tandem::templates
