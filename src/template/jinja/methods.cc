// Attribute and item access, plus the Python str/dict/list methods templates call, e.g.
// content.split('</think>')[-1].lstrip('\n') or message.get('content'). The sandbox that
// transformers uses (ImmutableSandboxedEnvironment) forbids mutating methods such as
// list.append, so those yield an undefined value that raises when called, as there.
#include <algorithm>

#include "template/jinja/builtins.h"
#include "template/jinja/call_args.h"
#include "template/jinja/error.h"
#include "template/jinja/utf8.h"

namespace tandem::templates {
namespace {

bool is_py_space(char32_t c) {
  return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1C && c <= 0x1F) || c == 0x85 ||
         c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 ||
         c == 0x202F || c == 0x205F || c == 0x3000;
}

std::string strip(const std::string& s, const Value& chars, bool left, bool right) {
  const std::u32string text = utf8_decode(s);
  std::u32string set;
  const bool whitespace = chars.is_none() || chars.is_undefined();
  if (!whitespace) {
    if (!chars.is_string()) throw RenderError("strip arg must be None or str");
    set = utf8_decode(chars.str());
  }
  auto strip_me = [&](char32_t c) {
    return whitespace ? is_py_space(c) : set.find(c) != std::u32string::npos;
  };
  std::size_t b = 0, e = text.size();
  if (left)
    while (b < e && strip_me(text[b])) ++b;
  if (right)
    while (e > b && strip_me(text[e - 1])) --e;
  return utf8_encode(text.substr(b, e - b));
}

Value split(const std::string& s, const Value& sep, std::int64_t maxsplit) {
  Array parts;
  if (sep.is_none() || sep.is_undefined()) {
    const std::u32string text = utf8_decode(s);
    std::size_t i = 0;
    while (true) {
      while (i < text.size() && is_py_space(text[i])) ++i;
      if (i >= text.size()) break;
      if (maxsplit >= 0 && static_cast<std::int64_t>(parts.size()) == maxsplit) {
        std::size_t e = text.size();
        while (e > i && is_py_space(text[e - 1])) --e;
        parts.emplace_back(utf8_encode(text.substr(i, e - i)));
        break;
      }
      std::size_t j = i;
      while (j < text.size() && !is_py_space(text[j])) ++j;
      parts.emplace_back(utf8_encode(text.substr(i, j - i)));
      i = j;
    }
    return Value::list(std::move(parts));
  }
  if (!sep.is_string()) throw RenderError("must be str or None, not " + type_name(sep));
  const std::string& d = sep.str();
  if (d.empty()) throw RenderError("empty separator");
  std::size_t start = 0;
  while (maxsplit < 0 || static_cast<std::int64_t>(parts.size()) < maxsplit) {
    const std::size_t at = s.find(d, start);
    if (at == std::string::npos) break;
    parts.emplace_back(s.substr(start, at - start));
    start = at + d.size();
  }
  parts.emplace_back(s.substr(start));
  return Value::list(std::move(parts));
}

std::string replace(const std::string& s, const std::string& from, const std::string& to,
                    std::int64_t count) {
  if (from.empty()) {
    // Python inserts `to` around every character.
    std::string out;
    std::int64_t done = 0;
    const std::u32string text = utf8_decode(s);
    for (std::size_t i = 0; i <= text.size(); ++i) {
      if (count < 0 || done < count) {
        out += to;
        ++done;
      }
      if (i < text.size()) utf8_append(out, text[i]);
    }
    return out;
  }
  std::string out;
  std::size_t start = 0;
  std::int64_t done = 0;
  while (count < 0 || done < count) {
    const std::size_t at = s.find(from, start);
    if (at == std::string::npos) break;
    out.append(s, start, at - start);
    out += to;
    start = at + from.size();
    ++done;
  }
  out.append(s, start, std::string::npos);
  return out;
}

bool affix_match(const std::string& s, const Value& affix, bool prefix) {
  auto one = [&](const Value& a) {
    if (!a.is_string())
      throw RenderError("startswith/endswith first arg must be str or a tuple of str");
    const std::string& x = a.str();
    if (x.size() > s.size()) return false;
    return prefix ? s.compare(0, x.size(), x) == 0
                  : s.compare(s.size() - x.size(), x.size(), x) == 0;
  };
  if (affix.is_sequence()) return std::any_of(affix.array().begin(), affix.array().end(), one);
  return one(affix);
}

std::string ascii_map(std::string s, int (*fn)(int)) {
  for (auto& c : s)
    if (static_cast<unsigned char>(c) < 0x80) c = static_cast<char>(fn(c));
  return s;
}

std::int64_t find(const std::string& s, const std::string& sub, bool reverse) {
  const std::size_t at = reverse ? s.rfind(sub) : s.find(sub);
  if (at == std::string::npos) return -1;
  return static_cast<std::int64_t>(utf8_length(std::string_view(s).substr(0, at)));
}

// str.format with automatic or numbered `{}` fields and named fields; no format specs.
std::string format(const std::string& fmt, const CallArgs& args) {
  std::string out;
  std::size_t auto_index = 0;
  for (std::size_t i = 0; i < fmt.size(); ++i) {
    const char c = fmt[i];
    if ((c == '{' || c == '}') && i + 1 < fmt.size() && fmt[i + 1] == c) {
      out.push_back(c);
      ++i;
      continue;
    }
    if (c != '{') {
      out.push_back(c);
      continue;
    }
    const std::size_t close = fmt.find('}', i);
    if (close == std::string::npos) throw RenderError("Single '{' encountered in format string");
    const std::string field = fmt.substr(i + 1, close - i - 1);
    const Value* v = nullptr;
    if (field.empty() || std::all_of(field.begin(), field.end(), ::isdigit)) {
      if (field.size() > 9) throw RenderError("Replacement index out of range");
      const std::size_t index = field.empty() ? auto_index++ : std::stoul(field);
      if (index >= args.args.size()) throw RenderError("Replacement index out of range");
      v = &args.args[index];
    } else {
      for (const auto& [k, value] : args.kwargs)
        if (k == field) v = &value;
      if (!v) throw RenderError("KeyError: '" + field + "'");
    }
    out += to_str(*v);
    i = close;
  }
  return out;
}

Value bound(const Value& object, const std::string& name,
            std::function<Value(const Value&, CallArgs&)> fn) {
  return Value::function(type_name(object) + "." + name,
                         [object, fn = std::move(fn)](CallArgs& args) { return fn(object, args); });
}

Value string_method(const Value& obj, const std::string& name) {
  using A = CallArgs;
  if (name == "strip" || name == "lstrip" || name == "rstrip")
    return bound(obj, name, [name](const Value& o, A& a) {
      Params p(a, name, {"chars"});
      return Value(strip(o.str(), p.get(0, Value::none()), name != "rstrip", name != "lstrip"));
    });
  if (name == "split")
    return bound(obj, name, [](const Value& o, A& a) {
      Params p(a, "split", {"sep", "maxsplit"});
      return split(o.str(), p.get(0, Value::none()), p.get(1, Value(-1)).as_int());
    });
  if (name == "startswith" || name == "endswith")
    return bound(obj, name, [name](const Value& o, A& a) {
      Params p(a, name, {"prefix"});
      return Value(affix_match(o.str(), p.required(0), name == "startswith"));
    });
  if (name == "upper")
    return bound(obj, name,
                 [](const Value& o, A&) { return Value(ascii_map(o.str(), ::toupper)); });
  if (name == "lower")
    return bound(obj, name,
                 [](const Value& o, A&) { return Value(ascii_map(o.str(), ::tolower)); });
  if (name == "title" || name == "capitalize") {
    return bound(obj, name, [name](const Value& o, A&) {
      std::string s = o.str();
      bool start = true;
      for (std::size_t i = 0; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        const bool alpha = std::isalpha(c) != 0;
        const bool upper = name == "title" ? (start && alpha) : i == 0;
        if (c < 0x80) s[i] = static_cast<char>(upper ? std::toupper(c) : std::tolower(c));
        if (name == "title") start = !alpha && c < 0x80;
      }
      return Value(s);
    });
  }
  if (name == "replace")
    return bound(obj, name, [](const Value& o, A& a) {
      Params p(a, "replace", {"old", "new", "count"});
      const Value& from = p.required(0);
      const Value& to = p.required(1);
      if (!from.is_string() || !to.is_string())
        throw RenderError("replace() arguments must be str");
      return Value(replace(o.str(), from.str(), to.str(), p.get(2, Value(-1)).as_int()));
    });
  if (name == "find" || name == "rfind")
    return bound(obj, name, [name](const Value& o, A& a) {
      Params p(a, name, {"sub"});
      const Value& sub = p.required(0);
      if (!sub.is_string()) throw RenderError("must be str, not " + type_name(sub));
      return Value(find(o.str(), sub.str(), name == "rfind"));
    });
  if (name == "count")
    return bound(obj, name, [](const Value& o, A& a) {
      Params p(a, "count", {"sub"});
      const Value& sub = p.required(0);
      if (!sub.is_string()) throw RenderError("must be str, not " + type_name(sub));
      if (sub.str().empty()) return Value(static_cast<std::int64_t>(utf8_length(o.str()) + 1));
      std::int64_t n = 0;
      for (std::size_t at = o.str().find(sub.str()); at != std::string::npos;
           at = o.str().find(sub.str(), at + sub.str().size()))
        ++n;
      return Value(n);
    });
  if (name == "join")
    return bound(obj, name, [](const Value& o, A& a) {
      Params p(a, "join", {"iterable"});
      std::string out;
      bool first = true;
      for (const auto& item : iterate(p.required(0))) {
        if (!item.is_string())
          throw RenderError("sequence item: expected str instance, " + type_name(item) + " found");
        if (!first) out += o.str();
        first = false;
        out += item.str();
      }
      return Value(out);
    });
  if (name == "format")
    return bound(obj, name, [](const Value& o, A& a) { return Value(format(o.str(), a)); });
  if (name == "isdigit" || name == "isalpha" || name == "isspace" || name == "isalnum")
    return bound(obj, name, [name](const Value& o, A&) {
      const std::u32string s = utf8_decode(o.str());
      if (s.empty()) return Value(false);
      return Value(std::all_of(s.begin(), s.end(), [&](char32_t c) {
        if (name == "isspace") return is_py_space(c);
        const bool digit = c >= '0' && c <= '9';
        const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        return name == "isdigit" ? digit : name == "isalpha" ? alpha : (digit || alpha);
      }));
    });
  return Value::undefined("'str object' has no attribute '" + name + "'");
}

Value dict_method(const Value& obj, const std::string& name) {
  if (name == "items")
    return bound(obj, name, [](const Value& o, CallArgs&) {
      Array out;
      for (const auto& [k, v] : o.dict_ref().items()) out.push_back(Value::tuple({Value(k), v}));
      return Value::list(std::move(out));
    });
  if (name == "keys")
    return bound(obj, name, [](const Value& o, CallArgs&) { return Value::list(iterate(o)); });
  if (name == "values")
    return bound(obj, name, [](const Value& o, CallArgs&) {
      Array out;
      for (const auto& [k, v] : o.dict_ref().items()) out.push_back(v);
      return Value::list(std::move(out));
    });
  if (name == "get")
    return bound(obj, name, [](const Value& o, CallArgs& a) {
      Params p(a, "get", {"key", "default"});
      const Value& key = p.required(0);
      const Value* found = key.is_string() ? o.dict_ref().find(key.str()) : nullptr;
      return found ? *found : p.get(1, Value::none());
    });
  return Value();
}

Value unsafe(const Value& obj, const std::string& name) {
  return Value::undefined("access to attribute '" + name + "' of '" + type_name(obj) +
                          "' object is unsafe.");
}

bool mutating(const Value& obj, const std::string& name) {
  static const char* const list_ops[] = {"append", "extend",  "insert", "pop",
                                         "remove", "reverse", "sort",   "clear"};
  static const char* const dict_ops[] = {"pop", "popitem", "setdefault", "update", "clear"};
  if (obj.is_list())
    return std::find(std::begin(list_ops), std::end(list_ops), name) != std::end(list_ops);
  if (obj.is_dict())
    return std::find(std::begin(dict_ops), std::end(dict_ops), name) != std::end(dict_ops);
  return false;
}

}  // namespace

Value get_attribute(const Value& object, const std::string& name) {
  if (mutating(object, name)) return unsafe(object, name);
  switch (object.kind()) {
    case Value::Kind::String:
      return string_method(object, name);
    case Value::Kind::Dict: {
      // jinja2 tries getattr first, so d.items is the method even if "items" is a key.
      Value method = dict_method(object, name);
      if (!method.is_undefined()) return method;
      if (const Value* v = object.dict_ref().find(name)) return *v;
      return Value::undefined("'dict object' has no attribute '" + name + "'");
    }
    case Value::Kind::Namespace:
      if (const Value* v = object.dict_ref().find(name)) return *v;
      return Value::undefined("'Namespace' object has no attribute '" + name + "'");
    case Value::Kind::List:
    case Value::Kind::Tuple:
      if (name == "index" || name == "count")
        return bound(object, name, [name](const Value& o, CallArgs& a) {
          Params p(a, name, {"value"});
          const Value& needle = p.required(0);
          std::int64_t n = 0;
          for (std::size_t i = 0; i < o.array().size(); ++i) {
            if (!equals(o.array()[i], needle)) continue;
            if (name == "index") return Value(static_cast<std::int64_t>(i));
            ++n;
          }
          if (name == "index") throw RenderError("value is not in list");
          return Value(n);
        });
      break;
    default:
      break;
  }
  return Value::undefined("'" + type_name(object) + " object' has no attribute '" + name + "'");
}

Value get_item(const Value& object, const Value& key) {
  if (object.is_sequence() || object.is_string()) {
    if (key.is_number() && !key.is_float()) {
      const std::int64_t n =
          object.is_string() ? length(object) : static_cast<std::int64_t>(object.array().size());
      std::int64_t i = key.as_int();
      if (i < 0) i += n;
      if (i < 0 || i >= n) return Value::undefined("index out of range");
      if (object.is_string()) {
        std::string ch;
        utf8_append(ch, utf8_decode(object.str())[static_cast<std::size_t>(i)]);
        return Value(ch);
      }
      return object.array()[static_cast<std::size_t>(i)];
    }
  } else if (object.is_dict()) {
    if (key.is_string()) {
      if (const Value* v = object.dict_ref().find(key.str())) return *v;
      return Value::undefined("'dict object' has no attribute '" + key.str() + "'");
    }
    return Value::undefined("'dict object' has no item " + to_repr(key));
  }
  // jinja2 falls back to getattr for string keys.
  if (key.is_string()) return get_attribute(object, key.str());
  return Value::undefined("'" + type_name(object) + " object' has no item " + to_repr(key));
}

Value slice(const Value& object, const Value& start, const Value& stop, const Value& step) {
  if (!object.is_sequence() && !object.is_string())
    throw RenderError("'" + type_name(object) + "' object is not subscriptable");
  auto as_index = [](const Value& v, const char* what) -> std::optional<std::int64_t> {
    if (v.is_none() || v.is_undefined()) return std::nullopt;
    if (!v.is_number() || v.is_float())
      throw RenderError(std::string("slice ") + what + " must be an integer or None");
    return v.as_int();
  };
  const std::int64_t st = as_index(step, "step").value_or(1);
  if (st == 0) throw RenderError("slice step cannot be zero");
  const std::u32string text = object.is_string() ? utf8_decode(object.str()) : std::u32string();
  const std::int64_t n = object.is_string() ? static_cast<std::int64_t>(text.size())
                                            : static_cast<std::int64_t>(object.array().size());
  // CPython's PySlice_AdjustIndices.
  auto adjust = [&](std::optional<std::int64_t> v, std::int64_t dflt) {
    if (!v) return dflt;
    std::int64_t i = *v;
    if (i < 0) {
      i += n;
      if (i < 0) i = st < 0 ? -1 : 0;
    } else if (i >= n) {
      i = st < 0 ? n - 1 : n;
    }
    return i;
  };
  const std::int64_t b = adjust(as_index(start, "start"), st < 0 ? n - 1 : 0);
  const std::int64_t e = adjust(as_index(stop, "stop"), st < 0 ? -1 : n);
  std::u32string out_text;
  Array out_items;
  for (std::int64_t i = b; st > 0 ? i < e : i > e; i += st) {
    if (object.is_string())
      out_text.push_back(text[static_cast<std::size_t>(i)]);
    else
      out_items.push_back(object.array()[static_cast<std::size_t>(i)]);
  }
  if (object.is_string()) return Value(utf8_encode(out_text));
  return object.is_tuple() ? Value::tuple(std::move(out_items)) : Value::list(std::move(out_items));
}

}  // namespace tandem::templates
