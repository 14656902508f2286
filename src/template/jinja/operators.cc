// Python semantics of the binary operators and `in`, kept apart from the tree walker: int and
// float stay distinct, // and % floor toward negative infinity, and sequences repeat with *.
#include "template/jinja/operators.h"

#include <cmath>
#include <cstdint>

#include "template/jinja/error.h"

namespace tandem::templates {

using ast::BinaryOp;

namespace {

void check(std::size_t max_bytes, std::size_t bytes) {
  if (bytes > max_bytes)
    throw RenderError("output size limit exceeded (" + std::to_string(max_bytes) + " bytes)");
}

std::int64_t checked(bool overflow, std::int64_t value) {
  if (overflow) throw RenderError("integer overflow");
  return value;
}

// Python ints are unbounded; ours are 64-bit and overflow is reported instead of wrapping.
std::int64_t add(std::int64_t a, std::int64_t b) {
  std::int64_t r;
  const bool overflow = __builtin_add_overflow(a, b, &r);
  return checked(overflow, r);
}
std::int64_t sub(std::int64_t a, std::int64_t b) {
  std::int64_t r;
  const bool overflow = __builtin_sub_overflow(a, b, &r);
  return checked(overflow, r);
}
std::int64_t mul(std::int64_t a, std::int64_t b) {
  std::int64_t r;
  const bool overflow = __builtin_mul_overflow(a, b, &r);
  return checked(overflow, r);
}
std::int64_t power(std::int64_t base, std::int64_t exp) {
  std::int64_t result = 1;
  while (exp > 0) {
    if (exp & 1) result = mul(result, base);
    exp >>= 1;
    if (exp > 0) base = mul(base, base);
  }
  return result;
}

[[noreturn]] void unsupported(const char* op, const Value& a, const Value& b) {
  throw RenderError(std::string("unsupported operand type(s) for ") + op + ": '" + type_name(a) +
                    "' and '" + type_name(b) + "'");
}

}  // namespace

bool contains(const Value& container, const Value& item) {
  switch (container.kind()) {
    case Value::Kind::String:
      if (!item.is_string())
        throw RenderError("'in <string>' requires string as left operand, not " + type_name(item));
      return container.str().find(item.str()) != std::string::npos;
    case Value::Kind::List:
    case Value::Kind::Tuple:
      for (const auto& e : container.array())
        if (equals(e, item)) return true;
      return false;
    case Value::Kind::Dict:
      return item.is_string() && container.dict_ref().find(item.str()) != nullptr;
    case Value::Kind::Undefined:
      return false;
    default:
      throw RenderError("argument of type '" + type_name(container) + "' is not iterable");
  }
}

Value binary_op(BinaryOp op, const Value& a, const Value& b, std::size_t max_bytes) {
  if (op == BinaryOp::Concat) {
    std::string s = to_str(a);
    std::string t = to_str(b);
    check(max_bytes, s.size() + t.size());
    return Value(s + t);
  }
  const bool ints = a.is_number() && b.is_number() && !a.is_float() && !b.is_float();
  const bool nums = a.is_number() && b.is_number();
  switch (op) {
    case BinaryOp::Add:
      if (ints) return Value(add(a.as_int(), b.as_int()));
      if (nums) return Value(a.as_float() + b.as_float());
      if (a.is_string() && b.is_string()) {
        check(max_bytes, a.str().size() + b.str().size());
        return Value(a.str() + b.str());
      }
      if ((a.is_list() && b.is_list()) || (a.is_tuple() && b.is_tuple())) {
        Array items = a.array();
        items.insert(items.end(), b.array().begin(), b.array().end());
        return a.is_tuple() ? Value::tuple(std::move(items)) : Value::list(std::move(items));
      }
      if (a.is_string())
        throw RenderError("can only concatenate str (not \"" + type_name(b) + "\") to str");
      unsupported("+", a, b);
    case BinaryOp::Sub:
      if (ints) return Value(sub(a.as_int(), b.as_int()));
      if (nums) return Value(a.as_float() - b.as_float());
      unsupported("-", a, b);
    case BinaryOp::Mul: {
      if (ints) return Value(mul(a.as_int(), b.as_int()));
      if (nums) return Value(a.as_float() * b.as_float());
      const Value& seq = a.is_number() ? b : a;
      const Value& count = a.is_number() ? a : b;
      if (count.is_number() && !count.is_float() && (seq.is_string() || seq.is_sequence())) {
        const std::int64_t times = std::max<std::int64_t>(0, count.as_int());
        if (seq.is_string()) {
          check(max_bytes, seq.str().size() * static_cast<std::size_t>(times));
          std::string out;
          for (std::int64_t i = 0; i < times; ++i) out += seq.str();
          return Value(std::move(out));
        }
        check(max_bytes, seq.array().size() * static_cast<std::size_t>(times));
        Array items;
        for (std::int64_t i = 0; i < times; ++i)
          items.insert(items.end(), seq.array().begin(), seq.array().end());
        return seq.is_tuple() ? Value::tuple(std::move(items)) : Value::list(std::move(items));
      }
      unsupported("*", a, b);
    }
    case BinaryOp::Div:
      if (!nums) unsupported("/", a, b);
      if (b.as_float() == 0) throw RenderError("division by zero");
      return Value(a.as_float() / b.as_float());
    case BinaryOp::FloorDiv:
      if (!nums) unsupported("//", a, b);
      if (b.as_float() == 0) throw RenderError("integer division or modulo by zero");
      if (ints) {
        const std::int64_t x = a.as_int(), y = b.as_int();
        if (x == INT64_MIN && y == -1) throw RenderError("integer overflow");
        std::int64_t q = x / y;
        if ((x % y != 0) && ((x < 0) != (y < 0))) --q;
        return Value(q);
      }
      return Value(std::floor(a.as_float() / b.as_float()));
    case BinaryOp::Mod:
      if (!nums) unsupported("%", a, b);
      if (b.as_float() == 0) throw RenderError("integer division or modulo by zero");
      if (ints) {
        const std::int64_t x = a.as_int(), y = b.as_int();
        if (y == -1) return Value(std::int64_t{0});
        std::int64_t m = x % y;
        if (m != 0 && ((m < 0) != (y < 0))) m += y;
        return Value(m);
      } else {
        const double x = a.as_float(), y = b.as_float();
        double m = std::fmod(x, y);
        if (m != 0 && ((m < 0) != (y < 0))) m += y;
        return Value(m);
      }
    case BinaryOp::Pow:
      if (!nums) unsupported("**", a, b);
      if (ints && b.as_int() >= 0) {
        return Value(power(a.as_int(), b.as_int()));
      }
      return Value(std::pow(a.as_float(), b.as_float()));
    default:
      break;
  }
  throw RenderError("unsupported operator");
}

}  // namespace tandem::templates
