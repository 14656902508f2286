// The dynamic value type of the renderer. It mirrors the Python objects jinja2 sees when
// transformers renders a chat template: lists and dicts are shared references (so namespace
// and alias mutation behave like Python), dicts keep insertion order, and int and float stay
// distinct because Python prints them differently.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace tandem::templates {

class Value;
class Dict;
using Array = std::vector<Value>;

// Arguments of a call from the template: positional values, then keyword values in order.
struct CallArgs {
  std::vector<Value> args;
  std::vector<std::pair<std::string, Value>> kwargs;
};

struct Function {
  std::string name;
  std::function<Value(CallArgs&)> fn;
};

class Value {
 public:
  enum class Kind {
    Undefined,
    None,
    Bool,
    Int,
    Float,
    String,
    List,
    Tuple,
    Dict,
    Namespace,
    Function
  };

  Value() = default;  // undefined
  Value(bool b) : kind_(Kind::Bool), data_(b) {}
  Value(int i) : kind_(Kind::Int), data_(static_cast<std::int64_t>(i)) {}
  Value(std::int64_t i) : kind_(Kind::Int), data_(i) {}
  Value(double d) : kind_(Kind::Float), data_(d) {}
  Value(std::string s) : kind_(Kind::String), data_(std::move(s)) {}
  Value(const char* s) : kind_(Kind::String), data_(std::string(s)) {}

  // `hint` names what was missing, for the error raised when the undefined value is misused.
  static Value undefined(std::string hint);
  static Value none();
  static Value list(Array items = {});
  static Value tuple(Array items);
  static Value dict(Dict d);
  static Value dict();
  static Value ns(Dict d);
  static Value function(std::string name, std::function<Value(CallArgs&)> fn);

  Kind kind() const { return kind_; }
  bool is_undefined() const { return kind_ == Kind::Undefined; }
  bool is_none() const { return kind_ == Kind::None; }
  bool is_bool() const { return kind_ == Kind::Bool; }
  bool is_int() const { return kind_ == Kind::Int; }
  bool is_float() const { return kind_ == Kind::Float; }
  bool is_number() const {
    return kind_ == Kind::Int || kind_ == Kind::Float || kind_ == Kind::Bool;
  }
  bool is_string() const { return kind_ == Kind::String; }
  bool is_list() const { return kind_ == Kind::List; }
  bool is_tuple() const { return kind_ == Kind::Tuple; }
  bool is_sequence() const { return kind_ == Kind::List || kind_ == Kind::Tuple; }
  bool is_dict() const { return kind_ == Kind::Dict; }
  bool is_namespace() const { return kind_ == Kind::Namespace; }
  bool is_mapping() const { return kind_ == Kind::Dict || kind_ == Kind::Namespace; }
  bool is_function() const { return kind_ == Kind::Function; }

  bool as_bool() const { return std::get<bool>(data_); }
  std::int64_t as_int() const;  // also accepts bool, as Python does
  double as_float() const;      // any number
  const std::string& str() const { return std::get<std::string>(data_); }
  const std::string& undefined_hint() const { return std::get<std::string>(data_); }
  Array& array() const { return *std::get<std::shared_ptr<Array>>(data_); }
  Dict& dict_ref() const { return *std::get<std::shared_ptr<Dict>>(data_); }
  const Function& function() const { return *std::get<std::shared_ptr<Function>>(data_); }
  // Identity of a shared list/dict, for Python `is`-style checks.
  const void* identity() const;

 private:
  Kind kind_ = Kind::Undefined;
  std::variant<std::monostate, bool, std::int64_t, double, std::string, std::shared_ptr<Array>,
               std::shared_ptr<Dict>, std::shared_ptr<Function>>
      data_;
};

// Insertion-ordered string-keyed map, like a Python dict built from JSON.
class Dict {
 public:
  const Value* find(const std::string& key) const;
  void set(const std::string& key, Value v);
  std::size_t size() const { return items_.size(); }
  const std::vector<std::pair<std::string, Value>>& items() const { return items_; }

 private:
  std::vector<std::pair<std::string, Value>> items_;
};

bool truthy(const Value& v);
// Python ==, including 1 == 1.0 == True and structural list/dict equality.
bool equals(const Value& a, const Value& b);
// Python <; throws RenderError for unorderable types (as Python raises TypeError).
bool less(const Value& a, const Value& b);
// Python's type name, for error messages.
std::string type_name(const Value& v);
// Python len(); throws for values without a length. Strings count code points.
std::int64_t length(const Value& v);
// The items a Python `for` would visit: list items, dict keys, string characters.
Array iterate(const Value& v);

Value from_json(const nlohmann::ordered_json& j);

// Python str() and repr().
std::string to_str(const Value& v);
std::string to_repr(const Value& v);
std::string float_repr(double d);

// json.dumps(v, ensure_ascii=..., indent=..., separators=..., sort_keys=...).
struct JsonOptions {
  bool ensure_ascii = false;
  int indent = -1;             // -1: None (single line)
  std::string item_separator;  // empty: the json.dumps default for the indent
  std::string key_separator;
  bool has_separators = false;
  bool sort_keys = false;
};
std::string to_json(const Value& v, const JsonOptions& options);

}  // namespace tandem::templates
