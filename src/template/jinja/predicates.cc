// jinja2's tests, used as `x is name(args)` and by select/reject/selectattr/rejectattr.
#include <algorithm>

#include "template/jinja/builtins.h"
#include "template/jinja/call_args.h"
#include "template/jinja/error.h"

namespace tandem::templates {
namespace {

std::int64_t integer_operand(const Value& v, const std::string& test) {
  if (v.is_undefined()) throw RenderError(v.undefined_hint());
  if (!v.is_number() || v.is_float()) throw RenderError("test '" + test + "' needs an integer");
  return v.as_int();
}

bool all_cased(const Value& v, bool upper) {
  if (!v.is_string()) return false;
  bool cased = false;
  for (unsigned char c : v.str()) {
    if (upper ? std::islower(c) : std::isupper(c)) return false;
    if (std::isalpha(c)) cased = true;
  }
  return cased;
}

}  // namespace

bool apply_test(const std::string& name, const Value& v, CallArgs& args) {
  auto other = [&]() -> const Value& { return Params(args, name, {"other"}).required(0); };
  if (name == "defined") return !v.is_undefined();
  if (name == "undefined") return v.is_undefined();
  if (name == "none") return v.is_none();
  if (name == "boolean") return v.is_bool();
  if (name == "true") return v.is_bool() && v.as_bool();
  if (name == "false") return v.is_bool() && !v.as_bool();
  if (name == "integer") return v.is_int();
  if (name == "float") return v.is_float();
  if (name == "number") return v.is_number();
  if (name == "string") return v.is_string();
  if (name == "mapping") return v.is_dict();
  if (name == "iterable")
    return v.is_string() || v.is_sequence() || v.is_dict() || v.is_undefined();
  // jinja2 checks len() and __getitem__, which Undefined has too.
  if (name == "sequence")
    return v.is_string() || v.is_sequence() || v.is_dict() || v.is_undefined();
  if (name == "callable") return v.is_function();
  if (name == "odd") return integer_operand(v, name) % 2 != 0;
  if (name == "even") return integer_operand(v, name) % 2 == 0;
  if (name == "divisibleby") {
    const std::int64_t d = integer_operand(Params(args, name, {"num"}).required(0), name);
    if (d == 0) throw RenderError("integer division or modulo by zero");
    return integer_operand(v, name) % d == 0;
  }
  if (name == "eq" || name == "equalto" || name == "==") return equals(v, other());
  if (name == "ne" || name == "!=") return !equals(v, other());
  if (name == "lt" || name == "lessthan" || name == "<") return less(v, other());
  if (name == "le" || name == "<=") return !less(other(), v);
  if (name == "gt" || name == "greaterthan" || name == ">") return less(other(), v);
  if (name == "ge" || name == ">=") return !less(v, other());
  if (name == "in") {
    const Value& seq = Params(args, name, {"seq"}).required(0);
    if (seq.is_string()) {
      if (!v.is_string()) throw RenderError("'in <string>' requires string as left operand");
      return seq.str().find(v.str()) != std::string::npos;
    }
    if (seq.is_dict()) return v.is_string() && seq.dict_ref().find(v.str()) != nullptr;
    const Array items = iterate(seq);
    return std::any_of(items.begin(), items.end(), [&](const Value& e) { return equals(e, v); });
  }
  if (name == "sameas") {
    const Value& o = other();
    if (v.kind() != o.kind()) return false;
    if (v.is_none() || v.is_undefined()) return true;
    if (v.is_bool()) return v.as_bool() == o.as_bool();
    if (v.is_int()) return v.as_int() == o.as_int() && v.as_int() >= -5 && v.as_int() <= 256;
    return v.identity() != nullptr && v.identity() == o.identity();
  }
  if (name == "lower") return all_cased(v, false);
  if (name == "upper") return all_cased(v, true);
  if (name == "escaped") return false;
  throw RenderError("No test named '" + name + "'.");
}

}  // namespace tandem::templates
