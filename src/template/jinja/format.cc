// Python's str(), repr() and json.dumps() for Value: the renderer's output must be byte-for-byte
// what jinja2 prints, so these follow CPython's rules rather than any C++ convention.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>

#include "template/jinja/error.h"
#include "template/jinja/utf8.h"
#include "template/jinja/value.h"

namespace tandem::templates {
namespace {

// Code points CPython's str.isprintable() rejects (approximation outside the common planes).
bool printable(char32_t cp) {
  if (cp < 0x20 || cp == 0x7F) return false;
  if (cp >= 0x80 && cp <= 0xA0) return false;
  if (cp == 0xAD) return false;
  if (cp >= 0x2000 && cp <= 0x200F) return false;
  if (cp >= 0x2028 && cp <= 0x202F) return false;
  if (cp >= 0x205F && cp <= 0x206F) return false;
  if (cp == 0x3000 || cp == 0xFEFF) return false;
  if (cp >= 0xD800 && cp <= 0xF8FF) return false;  // surrogates and private use
  if (cp >= 0xFFF9 && cp <= 0xFFFB) return false;
  return true;
}

void append_hex(std::string& out, const char* prefix, unsigned value, int digits) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "%s%0*x", prefix, digits, value);
  out += buf;
}

std::string string_repr(const std::string& s) {
  const bool has_single = s.find('\'') != std::string::npos;
  const bool has_double = s.find('"') != std::string::npos;
  const char quote = (has_single && !has_double) ? '"' : '\'';
  std::string out(1, quote);
  for (char32_t cp : utf8_decode(s)) {
    if (cp == static_cast<char32_t>(quote) || cp == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(cp));
    } else if (cp == '\n') {
      out += "\\n";
    } else if (cp == '\r') {
      out += "\\r";
    } else if (cp == '\t') {
      out += "\\t";
    } else if (printable(cp)) {
      utf8_append(out, cp);
    } else if (cp <= 0xFF) {
      append_hex(out, "\\x", cp, 2);
    } else if (cp <= 0xFFFF) {
      append_hex(out, "\\u", cp, 4);
    } else {
      append_hex(out, "\\U", cp, 8);
    }
  }
  out.push_back(quote);
  return out;
}

void json_string(std::string& out, const std::string& s, bool ensure_ascii) {
  out.push_back('"');
  for (char32_t cp : utf8_decode(s)) {
    switch (cp) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default:
        if (cp < 0x20) {
          append_hex(out, "\\u", cp, 4);
        } else if (ensure_ascii && cp > 0x7F) {
          if (cp > 0xFFFF) {
            const char32_t v = cp - 0x10000;
            append_hex(out, "\\u", 0xD800 + (v >> 10), 4);
            append_hex(out, "\\u", 0xDC00 + (v & 0x3FF), 4);
          } else {
            append_hex(out, "\\u", cp, 4);
          }
        } else {
          utf8_append(out, cp);
        }
    }
  }
  out.push_back('"');
}

void json_value(std::string& out, const Value& v, const JsonOptions& o, int level) {
  const std::string item_sep =
      o.has_separators ? o.item_separator : (o.indent >= 0 ? std::string(",") : std::string(", "));
  const std::string key_sep = o.has_separators ? o.key_separator : std::string(": ");
  auto newline = [&](int lvl) {
    if (o.indent < 0) return;
    out.push_back('\n');
    out.append(static_cast<std::size_t>(o.indent) * static_cast<std::size_t>(lvl), ' ');
  };
  switch (v.kind()) {
    case Value::Kind::None:
      out += "null";
      return;
    case Value::Kind::Bool:
      out += v.as_bool() ? "true" : "false";
      return;
    case Value::Kind::Int:
      out += std::to_string(v.as_int());
      return;
    case Value::Kind::Float: {
      const double d = v.as_float();
      if (std::isnan(d))
        out += "NaN";
      else if (std::isinf(d))
        out += d > 0 ? "Infinity" : "-Infinity";
      else
        out += float_repr(d);
      return;
    }
    case Value::Kind::String:
      json_string(out, v.str(), o.ensure_ascii);
      return;
    case Value::Kind::List:
    case Value::Kind::Tuple: {
      const auto& items = v.array();
      if (items.empty()) {
        out += "[]";
        return;
      }
      out.push_back('[');
      for (std::size_t i = 0; i < items.size(); ++i) {
        if (i > 0) out += item_sep;
        newline(level + 1);
        json_value(out, items[i], o, level + 1);
      }
      newline(level);
      out.push_back(']');
      return;
    }
    case Value::Kind::Dict: {
      auto items = v.dict_ref().items();
      if (items.empty()) {
        out += "{}";
        return;
      }
      if (o.sort_keys)
        std::stable_sort(items.begin(), items.end(),
                         [](const auto& a, const auto& b) { return a.first < b.first; });
      out.push_back('{');
      for (std::size_t i = 0; i < items.size(); ++i) {
        if (i > 0) out += item_sep;
        newline(level + 1);
        json_string(out, items[i].first, o.ensure_ascii);
        out += key_sep;
        json_value(out, items[i].second, o, level + 1);
      }
      newline(level);
      out.push_back('}');
      return;
    }
    default:
      throw RenderError("Object of type " + type_name(v) + " is not JSON serializable");
  }
}

}  // namespace

std::string float_repr(double d) {
  if (std::isnan(d)) return "nan";
  if (std::isinf(d)) return d > 0 ? "inf" : "-inf";
  if (d == 0) return std::signbit(d) ? "-0.0" : "0.0";
  // Shortest round-trip digits, then laid out the way CPython's float.__repr__ does.
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof(buf), d, std::chars_format::scientific);
  std::string sci(buf, res.ptr);
  const bool negative = sci[0] == '-';
  if (negative) sci.erase(0, 1);
  const auto e = sci.find('e');
  std::string digits = sci.substr(0, e);
  digits.erase(std::remove(digits.begin(), digits.end(), '.'), digits.end());
  const int exp = std::stoi(sci.substr(e + 1));
  std::string out = negative ? "-" : "";
  if (exp >= -4 && exp < 16) {
    if (exp < 0) {
      out += "0." + std::string(static_cast<std::size_t>(-exp - 1), '0') + digits;
    } else if (static_cast<std::size_t>(exp) + 1 >= digits.size()) {
      out += digits + std::string(static_cast<std::size_t>(exp) + 1 - digits.size(), '0') + ".0";
    } else {
      out += digits.substr(0, static_cast<std::size_t>(exp) + 1) + "." +
             digits.substr(static_cast<std::size_t>(exp) + 1);
    }
    return out;
  }
  out += digits.substr(0, 1);
  if (digits.size() > 1) out += "." + digits.substr(1);
  char ebuf[16];
  std::snprintf(ebuf, sizeof(ebuf), "e%c%02d", exp < 0 ? '-' : '+', exp < 0 ? -exp : exp);
  return out + ebuf;
}

std::string to_repr(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::String:
      return string_repr(v.str());
    case Value::Kind::List:
    case Value::Kind::Tuple: {
      const bool tuple = v.is_tuple();
      std::string out = tuple ? "(" : "[";
      const auto& items = v.array();
      for (std::size_t i = 0; i < items.size(); ++i) {
        if (i > 0) out += ", ";
        out += to_repr(items[i]);
      }
      if (tuple && items.size() == 1) out += ",";
      return out + (tuple ? ")" : "]");
    }
    case Value::Kind::Dict: {
      std::string out = "{";
      bool first = true;
      for (const auto& [k, e] : v.dict_ref().items()) {
        if (!first) out += ", ";
        first = false;
        out += string_repr(k) + ": " + to_repr(e);
      }
      return out + "}";
    }
    default:
      return to_str(v);
  }
}

std::string to_str(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::Undefined:
      return "";
    case Value::Kind::None:
      return "None";
    case Value::Kind::Bool:
      return v.as_bool() ? "True" : "False";
    case Value::Kind::Int:
      return std::to_string(v.as_int());
    case Value::Kind::Float:
      return float_repr(v.as_float());
    case Value::Kind::String:
      return v.str();
    case Value::Kind::Namespace: {
      std::string out = "<Namespace {";
      bool first = true;
      for (const auto& [k, e] : v.dict_ref().items()) {
        if (!first) out += ", ";
        first = false;
        out += string_repr(k) + ": " + to_repr(e);
      }
      return out + "}>";
    }
    case Value::Kind::Function:
      return "<function " + v.function().name + ">";
    default:
      return to_repr(v);
  }
}

std::string to_json(const Value& v, const JsonOptions& options) {
  std::string out;
  json_value(out, v, options, 0);
  return out;
}

}  // namespace tandem::templates
