#include "router/intent_features.h"

#include <algorithm>
#include <unordered_set>

namespace tandem::router {
namespace {

size_t utf8_len(unsigned char lead) {
  if (lead < 0x80) return 1;
  if (lead >> 5 == 0x6) return 2;
  if (lead >> 4 == 0xE) return 3;
  if (lead >> 3 == 0x1E) return 4;
  return 1;  // stray continuation or invalid byte: a character of its own
}

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

}  // namespace

std::vector<std::string_view> normalized_chars(std::string_view text, std::string& storage) {
  storage.clear();
  storage.reserve(text.size() + 2);
  storage.push_back(' ');
  for (char c : text) {
    if (is_space(c)) {
      if (storage.back() != ' ') storage.push_back(' ');
    } else {
      storage.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
    }
  }
  if (storage.back() != ' ') storage.push_back(' ');
  std::vector<std::string_view> chars;
  const std::string_view s = storage;
  for (size_t i = 0; i < s.size();) {
    const size_t n = std::min(utf8_len(static_cast<unsigned char>(s[i])), s.size() - i);
    chars.push_back(s.substr(i, n));
    i += n;
  }
  return chars;
}

std::vector<std::string> intent_features(std::string_view text, int min_n, int max_n) {
  std::string storage;
  const auto chars = normalized_chars(text, storage);
  // Deduplicate views into `storage` first: long prompts repeat n-grams a lot, and copying
  // and sorting every occurrence dominated the routing overhead.
  std::unordered_set<std::string_view> seen;
  for (int n = min_n; n <= max_n; ++n) {
    for (size_t i = 0; i + static_cast<size_t>(n) <= chars.size(); ++i) {
      const char* begin = chars[i].data();
      const auto& last = chars[i + static_cast<size_t>(n) - 1];
      const std::string_view g(begin, static_cast<size_t>(last.data() + last.size() - begin));
      if (g != " ") seen.insert(g);
    }
  }
  std::vector<std::string_view> unique(seen.begin(), seen.end());
  std::sort(unique.begin(), unique.end());
  return {unique.begin(), unique.end()};
}

}  // namespace tandem::router
