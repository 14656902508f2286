#include "tokenizer/unicode.h"

#include <unordered_map>

namespace tandem::tokenizer::unicode {

size_t utf8_len(char lead) {
  static constexpr size_t kLookup[16] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 3, 4};
  return kLookup[static_cast<uint8_t>(lead) >> 4];
}

void append_utf8(std::string& out, uint32_t cpt) {
  if (cpt <= 0x7F) {
    out.push_back(static_cast<char>(cpt));
  } else if (cpt <= 0x7FF) {
    out.push_back(static_cast<char>(0xC0 | (cpt >> 6)));
    out.push_back(static_cast<char>(0x80 | (cpt & 0x3F)));
  } else if (cpt <= 0xFFFF) {
    out.push_back(static_cast<char>(0xE0 | (cpt >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cpt >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cpt & 0x3F)));
  } else if (cpt <= 0x10FFFF) {
    out.push_back(static_cast<char>(0xF0 | (cpt >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cpt >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cpt >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cpt & 0x3F)));
  } else {
    append_utf8(out, kReplacementChar);
  }
}

std::string to_utf8(uint32_t cpt) {
  std::string s;
  append_utf8(s, cpt);
  return s;
}

namespace {

// Decodes one code point at `pos` with llama.cpp's rules (lead byte + continuation bytes;
// overlong forms are accepted). Returns false, consuming nothing, on malformed input.
bool decode_one(std::string_view s, size_t& pos, uint32_t& cpt) {
  const auto b = [&](size_t i) { return static_cast<uint8_t>(s[i]); };
  const auto cont = [&](size_t i) { return i < s.size() && (b(i) & 0xC0) == 0x80; };
  const uint8_t c = b(pos);
  if (c < 0x80) {
    cpt = c;
    pos += 1;
    return true;
  }
  if ((c & 0xE0) == 0xC0) {
    if (!cont(pos + 1)) return false;
    cpt = ((c & 0x1F) << 6) | (b(pos + 1) & 0x3F);
    pos += 2;
    return true;
  }
  if ((c & 0xF0) == 0xE0) {
    if (!cont(pos + 1) || !cont(pos + 2)) return false;
    cpt = ((c & 0x0F) << 12) | ((b(pos + 1) & 0x3F) << 6) | (b(pos + 2) & 0x3F);
    pos += 3;
    return true;
  }
  if ((c & 0xF8) == 0xF0) {
    if (!cont(pos + 1) || !cont(pos + 2) || !cont(pos + 3)) return false;
    cpt = ((c & 0x07) << 18) | ((b(pos + 1) & 0x3F) << 12) | ((b(pos + 2) & 0x3F) << 6) |
          (b(pos + 3) & 0x3F);
    pos += 4;
    return true;
  }
  return false;
}

}  // namespace

std::vector<uint32_t> decode_utf8(std::string_view text) {
  std::vector<uint32_t> out;
  out.reserve(text.size());
  size_t pos = 0;
  while (pos < text.size()) {
    uint32_t cpt = 0;
    if (decode_one(text, pos, cpt)) {
      out.push_back(cpt);
    } else {
      out.push_back(kReplacementChar);
      ++pos;
    }
  }
  return out;
}

std::string sanitize_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t start = pos;
    uint32_t cpt = 0;
    // Re-encode rather than copy so overlong forms and surrogates become something a
    // strict UTF-8 consumer (PCRE2) accepts; llama.cpp re-encodes the same way.
    if (decode_one(text, pos, cpt) && cpt <= 0x10FFFF && (cpt < 0xD800 || cpt > 0xDFFF)) {
      if (pos - start == 1 || to_utf8(cpt).size() == pos - start) {
        out.append(text.substr(start, pos - start));
      } else {
        append_utf8(out, cpt);
      }
    } else {
      append_utf8(out, kReplacementChar);
      if (pos == start) ++pos;  // malformed: skip one byte, as llama.cpp does
    }
  }
  return out;
}

std::optional<size_t> valid_sequence_length(std::string_view s) {
  if (s.empty()) return std::nullopt;
  const auto c = static_cast<uint8_t>(s[0]);
  size_t need = 0;
  uint8_t lo = 0x80, hi = 0xBF;  // allowed range of the second byte (strict UTF-8)
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) {
    need = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    need = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    need = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  for (size_t i = 1; i < need; ++i) {
    if (i >= s.size()) return std::nullopt;
    const auto b = static_cast<uint8_t>(s[i]);
    const bool ok = i == 1 ? (b >= lo && b <= hi) : (b & 0xC0) == 0x80;
    if (!ok) return 0;
  }
  return need;
}

namespace {

// GPT-2 keeps printable Latin-1 bytes as themselves and shifts the rest to U+0100 onwards.
std::array<uint32_t, 256> build_byte_to_cpt() {
  std::array<uint32_t, 256> map{};
  std::array<bool, 256> direct{};
  for (int b = 0x21; b <= 0x7E; ++b) direct[b] = true;
  for (int b = 0xA1; b <= 0xAC; ++b) direct[b] = true;
  for (int b = 0xAE; b <= 0xFF; ++b) direct[b] = true;
  uint32_t next = 256;
  for (int b = 0; b < 256; ++b) map[b] = direct[b] ? static_cast<uint32_t>(b) : next++;
  return map;
}

const std::array<uint32_t, 256>& byte_to_cpt() {
  static const auto map = build_byte_to_cpt();
  return map;
}

}  // namespace

const std::array<std::string, 256>& gpt2_byte_to_utf8() {
  static const auto table = [] {
    std::array<std::string, 256> t;
    for (int b = 0; b < 256; ++b) t[b] = to_utf8(byte_to_cpt()[b]);
    return t;
  }();
  return table;
}

int gpt2_utf8_to_byte(uint32_t cpt) {
  static const auto reverse = [] {
    std::unordered_map<uint32_t, int> r;
    for (int b = 0; b < 256; ++b) r.emplace(byte_to_cpt()[b], b);
    return r;
  }();
  const auto it = reverse.find(cpt);
  return it == reverse.end() ? -1 : it->second;
}

}  // namespace tandem::tokenizer::unicode
