// Normal forms of text used to compare values written differently: full-width characters
// folded to ASCII, and the bare digit string of a phone, ID or card number.
#pragma once

#include <string>
#include <string_view>

namespace tandem::privacy {

// Full-width ASCII variants (U+FF01..U+FF5E: "１３８", "＠", "．") folded to ASCII; every
// other byte is kept as is.
std::string fold_width(std::string_view text);

// The digits of a number as it would be dialled or keyed in: widths folded, separators and
// brackets dropped, an upper-case X kept (ID check character), and an international prefix
// (+86, 0086) removed — "+86 138.0013.8000" and "１３８００１３８０００" both give
// "13800138000"; "+86 10 1234 5678" gives "01012345678".
std::string digits_key(std::string_view text);

// Whether the byte at text[i] starts a UTF-8 encoded full-width digit (３ bytes each).
bool is_fullwidth_digit_at(std::string_view text, size_t i);

}  // namespace tandem::privacy
