#include "registry/model_limits.h"

#include <cctype>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

namespace tandem::registry {
namespace {

// Ten years: past it a value is a mistake (or an attack on the arithmetic), not a wish.
constexpr double kMaxSeconds = 10.0 * 365 * 24 * 3600;

// Reads a non-negative decimal number at the front of `s` ("1", "1.5"); false if none.
bool read_number(std::string_view& s, double& out) {
  size_t i = 0;
  bool digits = false, dot = false;
  while (i < s.size() &&
         (std::isdigit(static_cast<unsigned char>(s[i])) || (s[i] == '.' && !dot))) {
    if (s[i] == '.')
      dot = true;
    else
      digits = true;
    ++i;
  }
  if (!digits || i > 32) return false;
  out = std::stod(std::string(s.substr(0, i)));
  s.remove_prefix(i);
  return true;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

uint64_t parse_byte_size(std::string_view text) {
  const auto bad = [&] {
    return std::invalid_argument(fmt::format(
        "'{}' is not a byte size (a number with an optional K, M, G or T suffix, e.g. 500M)",
        text));
  };
  std::string_view s = text;
  double n = 0;
  if (!read_number(s, n)) throw bad();
  const std::string unit = lower(s);
  double mult = 1;
  if (unit.empty() || unit == "b")
    mult = 1;
  else if (unit == "k" || unit == "kb" || unit == "kib")
    mult = 1024.0;
  else if (unit == "m" || unit == "mb" || unit == "mib")
    mult = 1024.0 * 1024;
  else if (unit == "g" || unit == "gb" || unit == "gib")
    mult = 1024.0 * 1024 * 1024;
  else if (unit == "t" || unit == "tb" || unit == "tib")
    mult = 1024.0 * 1024 * 1024 * 1024;
  else
    throw bad();
  const double bytes = n * mult;
  if (!std::isfinite(bytes) || bytes >= 9.0e18) throw bad();
  return static_cast<uint64_t>(bytes);
}

KeepAlive parse_keep_alive(std::string_view text) {
  const auto bad = [&] {
    return std::invalid_argument(fmt::format(
        "'{}' is not a keep-alive duration (e.g. 5m, 30s, 1h30m, 0 to unload at once, -1 to "
        "keep forever)",
        text));
  };
  std::string_view s = text;
  bool negative = false;
  if (!s.empty() && s.front() == '-') {
    negative = true;
    s.remove_prefix(1);
  }
  if (s.empty()) throw bad();
  double seconds = 0;
  for (int parts = 0; !s.empty(); ++parts) {
    double n = 0;
    if (parts >= 8 || !read_number(s, n)) throw bad();
    size_t u = 0;
    while (u < s.size() && std::isalpha(static_cast<unsigned char>(s[u]))) ++u;
    const std::string unit = lower(s.substr(0, u));
    s.remove_prefix(u);
    if (unit.empty() && parts == 0 && s.empty())
      seconds += n;  // a bare number: seconds
    else if (unit == "ms")
      seconds += n / 1000;
    else if (unit == "s")
      seconds += n;
    else if (unit == "m")
      seconds += n * 60;
    else if (unit == "h")
      seconds += n * 3600;
    else
      throw bad();
  }
  if (!std::isfinite(seconds) || seconds > kMaxSeconds) throw bad();
  if (negative) return seconds > 0 ? kKeepForever : KeepAlive{0};
  return KeepAlive{static_cast<int64_t>(std::llround(seconds * 1000))};
}

KeepAlive keep_alive_from_json(const nlohmann::json& value) {
  if (value.is_string()) return parse_keep_alive(value.get<std::string>());
  if (value.is_number()) {
    const double seconds = value.get<double>();
    if (!std::isfinite(seconds) || std::fabs(seconds) > kMaxSeconds)
      throw std::invalid_argument(fmt::format("keep_alive {} is out of range", value.dump()));
    if (seconds < 0) return kKeepForever;
    return KeepAlive{static_cast<int64_t>(std::llround(seconds * 1000))};
  }
  throw std::invalid_argument("keep_alive must be a duration string (\"5m\") or seconds, not " +
                              std::string(value.type_name()));
}

std::string describe_keep_alive(KeepAlive k) {
  if (k.count() < 0) return "forever";
  const int64_t ms = k.count();
  if (ms % 1000 != 0) return fmt::format("{}ms", ms);
  const int64_t s = ms / 1000;
  if (s >= 3600 && s % 60 == 0) return fmt::format("{}h{}m", s / 3600, (s % 3600) / 60);
  if (s >= 60 && s % 60 == 0) return fmt::format("{}m", s / 60);
  return fmt::format("{}s", s);
}

}  // namespace tandem::registry
