// UTF-8 helpers shared by the tokenizers.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tandem::tokenizer::unicode {

inline constexpr uint32_t kReplacementChar = 0xFFFD;

// Sequence length announced by a lead byte (1 for ASCII and stray continuation bytes);
// the same lookup llama.cpp uses, so symbol boundaries agree with it.
size_t utf8_len(char lead);

void append_utf8(std::string& out, uint32_t cpt);
std::string to_utf8(uint32_t cpt);

// Lenient decode as llama.cpp does: each malformed byte becomes U+FFFD.
std::vector<uint32_t> decode_utf8(std::string_view text);

// `text` with every malformed byte replaced by U+FFFD (valid input is returned unchanged).
std::string sanitize_utf8(std::string_view text);

// Length of the complete, valid UTF-8 sequence at the start of `s`; 0 if the sequence is
// invalid; std::nullopt if it is a valid but truncated prefix that more bytes could complete.
std::optional<size_t> valid_sequence_length(std::string_view s);

// GPT-2's reversible byte <-> printable-unicode mapping used by byte-level BPE.
const std::array<std::string, 256>& gpt2_byte_to_utf8();
// Returns -1 when `cpt` is not the image of any byte.
int gpt2_utf8_to_byte(uint32_t cpt);

}  // namespace tandem::tokenizer::unicode
