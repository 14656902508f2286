// jinja2's filters (plus transformers' own tojson), with the Python behaviour chat templates
// rely on. Filter names map to small functions; map/select/... reuse apply_filter/apply_test.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "template/jinja/builtins.h"
#include "template/jinja/call_args.h"
#include "template/jinja/error.h"
#include "template/jinja/evaluator.h"
#include "template/jinja/utf8.h"

namespace tandem::templates {
namespace {

std::string ascii_lower(std::string s) {
  for (auto& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}
std::string ascii_upper(std::string s) {
  for (auto& c : s)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return s;
}

Value call_method(const Value& object, const std::string& name, CallArgs args = {}) {
  const Value m = get_attribute(object, name);
  return m.function().fn(args);
}

// jinja2's make_attrgetter: "a.b.0" walks items, digits become indexes.
Value attribute_of(const Value& item, const std::string& path) {
  Value v = item;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = path.find('.', start);
    const std::string part =
        path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (v.is_undefined()) return v;
    // An index longer than any int64 is no index: look it up as a (missing) key instead.
    const bool digits =
        !part.empty() && part.size() <= 18 && std::all_of(part.begin(), part.end(), ::isdigit);
    v = get_item(v, digits ? Value(static_cast<std::int64_t>(std::stoll(part))) : Value(part));
    if (dot == std::string::npos) return v;
    start = dot + 1;
  }
}

// Keys compared case-insensitively unless asked otherwise, as jinja2's sort/unique/dictsort.
Value sort_key(const Value& v, bool case_sensitive) {
  if (!case_sensitive && v.is_string()) return Value(ascii_lower(v.str()));
  return v;
}

std::string indent(const std::string& s, const Value& width, bool first, bool blank) {
  const std::string pad =
      width.is_string()
          ? width.str()
          : std::string(static_cast<std::size_t>(std::max<std::int64_t>(0, width.as_int())), ' ');
  // str.splitlines() on s + "\n" (the trailing newline keeps a final empty line).
  std::vector<std::string> lines;
  const std::string text = s + "\n";
  std::size_t start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n' || text[i] == '\r') {
      lines.push_back(text.substr(start, i - start));
      if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      start = i + 1;
    }
  }
  std::string rv;
  if (blank) {
    for (std::size_t i = 0; i < lines.size(); ++i) rv += (i ? "\n" + pad : "") + lines[i];
  } else {
    rv = lines.empty() ? "" : lines[0];
    for (std::size_t i = 1; i < lines.size(); ++i)
      rv += "\n" + (lines[i].empty() ? "" : pad + lines[i]);
  }
  return first ? pad + rv : rv;
}

std::string title(const std::string& s) {
  std::string out = s;
  bool start = true;
  for (auto& c : out) {
    const bool delimiter = c == '-' || c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
                           c == '\f' || c == '\v' || c == '(' || c == '{' || c == '[' || c == '<';
    if (delimiter) {
      start = true;
      continue;
    }
    c = static_cast<char>(start ? std::toupper(static_cast<unsigned char>(c))
                                : std::tolower(static_cast<unsigned char>(c)));
    start = false;
  }
  return out;
}

std::string html_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&#34;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

// Python int(str): optional sign, surrounding whitespace and digit underscores.
bool parse_int(std::string s, std::int64_t& out) {
  s.erase(std::remove(s.begin(), s.end(), '_'), s.end());
  const auto b = s.find_first_not_of(" \t\n\r\f\v");
  const auto e = s.find_last_not_of(" \t\n\r\f\v");
  if (b == std::string::npos) return false;
  s = s.substr(b, e - b + 1);
  char* end = nullptr;
  errno = 0;
  const long long v = std::strtoll(s.c_str(), &end, 10);
  if (errno != 0 || end == s.c_str() || *end != '\0') return false;
  out = v;
  return true;
}

bool parse_float(const std::string& s, double& out) {
  const auto b = s.find_first_not_of(" \t\n\r\f\v");
  if (b == std::string::npos) return false;
  char* end = nullptr;
  out = std::strtod(s.c_str() + b, &end);
  while (*end == ' ' || *end == '\t' || *end == '\n' || *end == '\r') ++end;
  return end != s.c_str() + b && *end == '\0';
}

double python_round(double x, std::int64_t digits) {
  // printf rounds the exact binary value half-to-even, as CPython's round() does.
  char buf[512];
  std::snprintf(buf, sizeof(buf), "%.*f",
                static_cast<int>(std::clamp<std::int64_t>(digits, 0, 300)), x);
  double r = std::strtod(buf, nullptr);
  if (digits < 0) {
    const double scale = std::pow(10.0, static_cast<double>(-digits));
    r = std::nearbyint(x / scale) * scale;
  }
  return r;
}

}  // namespace

Value apply_filter(Evaluator& ev, const std::string& name, const Value& v, CallArgs& args) {
  auto params = [&](std::initializer_list<const char*> names) { return Params(args, name, names); };
  auto require_string = [&](const Value& x) {
    if (x.is_undefined()) throw RenderError(x.undefined_hint());
    return to_str(x);
  };

  if (name == "tojson") {
    auto p = params({"ensure_ascii", "indent", "separators", "sort_keys"});
    JsonOptions o;
    o.ensure_ascii = truthy(p.get(0, Value(false)));
    const Value ind = p.get(1, Value::none());
    if (!ind.is_none()) o.indent = static_cast<int>(std::clamp<std::int64_t>(ind.as_int(), 0, 64));
    const Value sep = p.get(2, Value::none());
    if (sep.is_sequence() && sep.array().size() == 2) {
      o.has_separators = true;
      o.item_separator = to_str(sep.array()[0]);
      o.key_separator = to_str(sep.array()[1]);
    }
    o.sort_keys = truthy(p.get(3, Value(false)));
    if (v.is_undefined()) throw RenderError("Object of type Undefined is not JSON serializable");
    std::string out = to_json(v, o);
    ev.check_size(out.size());
    return Value(std::move(out));
  }
  if (name == "safe") return v;
  if (name == "string") return Value(to_str(v));
  if (name == "trim") return call_method(Value(to_str(v)), "strip", args);
  if (name == "upper") return Value(ascii_upper(to_str(v)));
  if (name == "lower") return Value(ascii_lower(to_str(v)));
  if (name == "title") return Value(title(to_str(v)));
  if (name == "capitalize") {
    std::string s = ascii_lower(to_str(v));
    if (!s.empty()) s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
    return Value(s);
  }
  if (name == "replace") {
    auto p = params({"old", "new", "count"});
    CallArgs m;
    m.args = {p.required(0), p.required(1)};
    const Value count = p.get(2, Value::none());
    if (!count.is_none()) m.args.push_back(count);
    return call_method(Value(to_str(v)), "replace", m);
  }
  if (name == "e" || name == "escape") return Value(html_escape(to_str(v)));
  if (name == "length" || name == "count") return Value(length(v));
  if (name == "default" || name == "d") {
    auto p = params({"default_value", "boolean"});
    if (v.is_undefined() || (truthy(p.get(1, Value(false))) && !truthy(v)))
      return p.get(0, Value(""));
    return v;
  }
  if (name == "list") return Value::list(iterate(v));
  if (name == "items") {
    if (v.is_undefined()) return Value::list();
    if (!v.is_dict()) throw RenderError("Can only get item pairs from a mapping.");
    return call_method(v, "items");
  }
  if (name == "first" || name == "last") {
    const Array items = iterate(v);
    if (items.empty()) return Value::undefined("No " + name + " item, sequence was empty.");
    return name == "first" ? items.front() : items.back();
  }
  if (name == "reverse") {
    if (v.is_string()) {
      std::u32string s = utf8_decode(v.str());
      std::reverse(s.begin(), s.end());
      return Value(utf8_encode(s));
    }
    Array items = iterate(v);
    std::reverse(items.begin(), items.end());
    return Value::list(std::move(items));
  }
  if (name == "join") {
    auto p = params({"d", "attribute"});
    const std::string sep = to_str(p.get(0, Value("")));
    const Value attr = p.get(1, Value::none());
    std::string out;
    bool first = true;
    for (const auto& item : iterate(v)) {
      if (!first) out += sep;
      first = false;
      out += to_str(attr.is_none() ? item : attribute_of(item, to_str(attr)));
      ev.check_size(out.size());
    }
    return Value(out);
  }
  if (name == "int") {
    auto p = params({"default", "base"});
    const Value fallback = p.get(0, Value(0));
    if (v.is_number())
      return v.is_float() ? Value(static_cast<std::int64_t>(std::trunc(v.as_float())))
                          : Value(v.as_int());
    if (v.is_string()) {
      std::int64_t i = 0;
      double d = 0;
      if (parse_int(v.str(), i)) return Value(i);
      if (parse_float(v.str(), d) && std::isfinite(d))
        return Value(static_cast<std::int64_t>(std::trunc(d)));
    }
    return fallback;
  }
  if (name == "float") {
    auto p = params({"default"});
    if (v.is_number()) return Value(v.as_float());
    double d = 0;
    if (v.is_string() && parse_float(v.str(), d)) return Value(d);
    return p.get(0, Value(0.0));
  }
  if (name == "abs") {
    if (v.is_float()) return Value(std::fabs(v.as_float()));
    if (v.is_number()) return Value(v.as_int() < 0 ? -v.as_int() : v.as_int());
    throw RenderError("bad operand type for abs(): '" + type_name(v) + "'");
  }
  if (name == "round") {
    auto p = params({"precision", "method"});
    const std::int64_t precision = p.get(0, Value(0)).as_int();
    const std::string method = to_str(p.get(1, Value("common")));
    if (!v.is_number())
      throw RenderError("type " + type_name(v) + " doesn't define __round__ method");
    if (method == "common")
      return v.is_float() ? Value(python_round(v.as_float(), precision)) : Value(v.as_int());
    const double scale = std::pow(10.0, static_cast<double>(precision));
    const double x = v.as_float() * scale;
    return Value((method == "ceil" ? std::ceil(x) : std::floor(x)) / scale);
  }
  if (name == "indent") {
    auto p = params({"width", "first", "blank"});
    return Value(indent(require_string(v), p.get(0, Value(4)), truthy(p.get(1, Value(false))),
                        truthy(p.get(2, Value(false)))));
  }
  if (name == "unique") {
    auto p = params({"case_sensitive", "attribute"});
    const bool cs = truthy(p.get(0, Value(false)));
    const Value attr = p.get(1, Value::none());
    Array out, seen;
    for (const auto& item : iterate(v)) {
      const Value key = sort_key(attr.is_none() ? item : attribute_of(item, to_str(attr)), cs);
      if (std::any_of(seen.begin(), seen.end(), [&](const Value& s) { return equals(s, key); }))
        continue;
      seen.push_back(key);
      out.push_back(item);
    }
    return Value::list(std::move(out));
  }
  if (name == "sort" || name == "dictsort" || name == "min" || name == "max") {
    const bool dictsort = name == "dictsort";
    auto p = dictsort ? params({"case_sensitive", "by", "reverse"})
                      : params({"reverse", "case_sensitive", "attribute"});
    const bool cs = truthy(p.get(dictsort ? 0 : 1, Value(false)));
    const bool rev = truthy(p.get(dictsort ? 2 : 0, Value(false)));
    const Value attr = dictsort ? Value::none() : p.get(2, Value::none());
    Array items = dictsort ? call_method(v, "items").array() : iterate(v);
    const std::size_t pos = dictsort && to_str(p.get(1, Value("key"))) == "value" ? 1 : 0;
    auto key = [&](const Value& item) {
      if (dictsort) return sort_key(item.array()[pos], cs);
      return sort_key(attr.is_none() ? item : attribute_of(item, to_str(attr)), cs);
    };
    std::stable_sort(items.begin(), items.end(), [&](const Value& a, const Value& b) {
      return rev ? less(key(b), key(a)) : less(key(a), key(b));
    });
    if (name == "min" || name == "max") {
      if (items.empty()) return Value::undefined("No aggregated item, sequence was empty.");
      return name == "min" ? items.front() : items.back();
    }
    return Value::list(std::move(items));
  }
  if (name == "sum") {
    auto p = params({"attribute", "start"});
    const Value attr = p.get(0, Value::none());
    Value total = p.get(1, Value(0));
    for (const auto& item : iterate(v)) {
      const Value x = attr.is_none() ? item : attribute_of(item, to_str(attr));
      if (!x.is_number() || !total.is_number())
        throw RenderError("unsupported operand type(s) for +");
      total = (x.is_float() || total.is_float()) ? Value(total.as_float() + x.as_float())
                                                 : Value(total.as_int() + x.as_int());
    }
    return total;
  }
  if (name == "batch") {
    auto p = params({"linecount", "fill_with"});
    const std::int64_t n = p.required(0).as_int();
    if (n <= 0) throw RenderError("batch size must be positive");
    const Value* fill = p.find(1);
    Array out, current;
    for (const auto& item : iterate(v)) {
      current.push_back(item);
      if (static_cast<std::int64_t>(current.size()) == n)
        out.push_back(Value::list(std::exchange(current, {})));
    }
    if (!current.empty()) {
      if (fill && !fill->is_none())
        while (static_cast<std::int64_t>(current.size()) < n) current.push_back(*fill);
      out.push_back(Value::list(std::move(current)));
    }
    return Value::list(std::move(out));
  }
  if (name == "map") {
    Array out;
    const Value* attr = nullptr;
    const Value* fallback = nullptr;
    for (const auto& [k, val] : args.kwargs) {
      if (k == "attribute")
        attr = &val;
      else if (k == "default")
        fallback = &val;
    }
    if (attr) {
      for (const auto& item : iterate(v)) {
        Value x = attribute_of(item, to_str(*attr));
        out.push_back(x.is_undefined() && fallback ? *fallback : x);
      }
      return Value::list(std::move(out));
    }
    if (args.args.empty()) throw RenderError("map requires a filter argument");
    const std::string filter = to_str(args.args[0]);
    CallArgs rest;
    rest.args.assign(args.args.begin() + 1, args.args.end());
    rest.kwargs = args.kwargs;
    for (const auto& item : iterate(v)) {
      CallArgs a = rest;
      out.push_back(apply_filter(ev, filter, item, a));
    }
    return Value::list(std::move(out));
  }
  if (name == "select" || name == "reject" || name == "selectattr" || name == "rejectattr") {
    const bool by_attr = name == "selectattr" || name == "rejectattr";
    const bool keep = name == "select" || name == "selectattr";
    std::size_t next = 0;
    std::string attr;
    if (by_attr) {
      if (args.args.empty()) throw RenderError(name + " requires an attribute name");
      attr = to_str(args.args[next++]);
    }
    const bool has_test = next < args.args.size();
    const std::string test = has_test ? to_str(args.args[next++]) : "";
    CallArgs test_args;
    test_args.args.assign(args.args.begin() + static_cast<long>(next), args.args.end());
    test_args.kwargs = args.kwargs;
    Array out;
    for (const auto& item : iterate(v)) {
      const Value x = by_attr ? attribute_of(item, attr) : item;
      CallArgs a = test_args;
      const bool pass = has_test ? apply_test(test, x, a) : truthy(x);
      if (pass == keep) out.push_back(item);
    }
    return Value::list(std::move(out));
  }
  throw RenderError("No filter named '" + name + "'.");
}

}  // namespace tandem::templates
