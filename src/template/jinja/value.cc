#include "template/jinja/value.h"

#include <cmath>

#include "template/jinja/error.h"
#include "template/jinja/utf8.h"

namespace tandem::templates {

Value Value::undefined(std::string hint) {
  Value v;
  v.data_ = std::move(hint);
  return v;
}

Value Value::none() {
  Value v;
  v.kind_ = Kind::None;
  return v;
}

Value Value::list(Array items) {
  Value v;
  v.kind_ = Kind::List;
  v.data_ = std::make_shared<Array>(std::move(items));
  return v;
}

Value Value::tuple(Array items) {
  Value v = list(std::move(items));
  v.kind_ = Kind::Tuple;
  return v;
}

Value Value::dict(Dict d) {
  Value v;
  v.kind_ = Kind::Dict;
  v.data_ = std::make_shared<Dict>(std::move(d));
  return v;
}

Value Value::dict() {
  return dict(Dict{});
}

Value Value::ns(Dict d) {
  Value v = dict(std::move(d));
  v.kind_ = Kind::Namespace;
  return v;
}

Value Value::function(std::string name, std::function<Value(CallArgs&)> fn) {
  Value v;
  v.kind_ = Kind::Function;
  v.data_ = std::make_shared<Function>(Function{std::move(name), std::move(fn)});
  return v;
}

std::int64_t Value::as_int() const {
  if (kind_ == Kind::Bool) return std::get<bool>(data_) ? 1 : 0;
  return std::get<std::int64_t>(data_);
}

double Value::as_float() const {
  if (kind_ == Kind::Float) return std::get<double>(data_);
  return static_cast<double>(as_int());
}

const void* Value::identity() const {
  if (auto p = std::get_if<std::shared_ptr<Array>>(&data_)) return p->get();
  if (auto p = std::get_if<std::shared_ptr<Dict>>(&data_)) return p->get();
  if (auto p = std::get_if<std::shared_ptr<Function>>(&data_)) return p->get();
  return nullptr;
}

const Value* Dict::find(const std::string& key) const {
  for (const auto& [k, v] : items_)
    if (k == key) return &v;
  return nullptr;
}

void Dict::set(const std::string& key, Value v) {
  for (auto& [k, old] : items_) {
    if (k == key) {
      old = std::move(v);
      return;
    }
  }
  items_.emplace_back(key, std::move(v));
}

bool truthy(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::Undefined:
    case Value::Kind::None:
      return false;
    case Value::Kind::Bool:
      return v.as_bool();
    case Value::Kind::Int:
      return v.as_int() != 0;
    case Value::Kind::Float:
      return v.as_float() != 0.0;
    case Value::Kind::String:
      return !v.str().empty();
    case Value::Kind::List:
    case Value::Kind::Tuple:
      return !v.array().empty();
    case Value::Kind::Dict:
      return v.dict_ref().size() != 0;
    case Value::Kind::Namespace:
    case Value::Kind::Function:
      return true;
  }
  return false;
}

bool equals(const Value& a, const Value& b) {
  if (a.is_number() && b.is_number()) {
    if (a.is_float() || b.is_float()) return a.as_float() == b.as_float();
    return a.as_int() == b.as_int();
  }
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case Value::Kind::Undefined:
    case Value::Kind::None:
      return true;
    case Value::Kind::String:
      return a.str() == b.str();
    case Value::Kind::List:
    case Value::Kind::Tuple: {
      const auto& x = a.array();
      const auto& y = b.array();
      if (x.size() != y.size()) return false;
      for (std::size_t i = 0; i < x.size(); ++i)
        if (!equals(x[i], y[i])) return false;
      return true;
    }
    case Value::Kind::Dict: {
      const auto& x = a.dict_ref();
      const auto& y = b.dict_ref();
      if (x.size() != y.size()) return false;
      for (const auto& [k, v] : x.items()) {
        const Value* other = y.find(k);
        if (!other || !equals(v, *other)) return false;
      }
      return true;
    }
    default:
      return a.identity() == b.identity();
  }
}

bool less(const Value& a, const Value& b) {
  if (a.is_number() && b.is_number()) {
    if (a.is_float() || b.is_float()) return a.as_float() < b.as_float();
    return a.as_int() < b.as_int();
  }
  // UTF-8 byte order equals code point order, which is how Python compares str.
  if (a.is_string() && b.is_string()) return a.str() < b.str();
  if ((a.is_list() && b.is_list()) || (a.is_tuple() && b.is_tuple())) {
    const auto& x = a.array();
    const auto& y = b.array();
    for (std::size_t i = 0; i < x.size() && i < y.size(); ++i) {
      if (!equals(x[i], y[i])) return less(x[i], y[i]);
    }
    return x.size() < y.size();
  }
  throw RenderError("'<' not supported between instances of '" + type_name(a) + "' and '" +
                    type_name(b) + "'");
}

std::string type_name(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::Undefined:
      return "Undefined";
    case Value::Kind::None:
      return "NoneType";
    case Value::Kind::Bool:
      return "bool";
    case Value::Kind::Int:
      return "int";
    case Value::Kind::Float:
      return "float";
    case Value::Kind::String:
      return "str";
    case Value::Kind::List:
      return "list";
    case Value::Kind::Tuple:
      return "tuple";
    case Value::Kind::Dict:
      return "dict";
    case Value::Kind::Namespace:
      return "Namespace";
    case Value::Kind::Function:
      return "function";
  }
  return "object";
}

std::int64_t length(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::Undefined:
      return 0;
    case Value::Kind::String:
      return static_cast<std::int64_t>(utf8_length(v.str()));
    case Value::Kind::List:
    case Value::Kind::Tuple:
      return static_cast<std::int64_t>(v.array().size());
    case Value::Kind::Dict:
      return static_cast<std::int64_t>(v.dict_ref().size());
    default:
      throw RenderError("object of type '" + type_name(v) + "' has no len()");
  }
}

Array iterate(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::Undefined:
      return {};
    case Value::Kind::List:
    case Value::Kind::Tuple:
      return v.array();
    case Value::Kind::Dict: {
      Array keys;
      for (const auto& [k, _] : v.dict_ref().items()) keys.emplace_back(k);
      return keys;
    }
    case Value::Kind::String: {
      Array chars;
      for (char32_t cp : utf8_decode(v.str())) {
        std::string s;
        utf8_append(s, cp);
        chars.emplace_back(std::move(s));
      }
      return chars;
    }
    default:
      throw RenderError("'" + type_name(v) + "' object is not iterable");
  }
}

Value from_json(const nlohmann::ordered_json& j) {
  switch (j.type()) {
    case nlohmann::ordered_json::value_t::null:
      return Value::none();
    case nlohmann::ordered_json::value_t::boolean:
      return Value(j.get<bool>());
    case nlohmann::ordered_json::value_t::number_integer:
      return Value(j.get<std::int64_t>());
    case nlohmann::ordered_json::value_t::number_unsigned:
      return Value(static_cast<std::int64_t>(j.get<std::uint64_t>()));
    case nlohmann::ordered_json::value_t::number_float:
      return Value(j.get<double>());
    case nlohmann::ordered_json::value_t::string:
      return Value(j.get<std::string>());
    case nlohmann::ordered_json::value_t::array: {
      Array items;
      for (const auto& e : j) items.push_back(from_json(e));
      return Value::list(std::move(items));
    }
    case nlohmann::ordered_json::value_t::object: {
      Dict d;
      for (const auto& [k, e] : j.items()) d.set(k, from_json(e));
      return Value::dict(std::move(d));
    }
    default:
      return Value::none();
  }
}

}  // namespace tandem::templates
