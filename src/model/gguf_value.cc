#include "model/gguf_value.h"

#include <limits>
#include <sstream>
#include <stdexcept>

namespace tandem::model {

std::string_view value_type_name(GgufValueType t) {
  switch (t) {
    case GgufValueType::UINT8:
      return "u8";
    case GgufValueType::INT8:
      return "i8";
    case GgufValueType::UINT16:
      return "u16";
    case GgufValueType::INT16:
      return "i16";
    case GgufValueType::UINT32:
      return "u32";
    case GgufValueType::INT32:
      return "i32";
    case GgufValueType::FLOAT32:
      return "f32";
    case GgufValueType::BOOL:
      return "bool";
    case GgufValueType::STRING:
      return "string";
    case GgufValueType::ARRAY:
      return "array";
    case GgufValueType::UINT64:
      return "u64";
    case GgufValueType::INT64:
      return "i64";
    case GgufValueType::FLOAT64:
      return "f64";
  }
  return "?";
}

bool GgufValue::is_integer() const {
  switch (type()) {
    case GgufValueType::UINT8:
    case GgufValueType::INT8:
    case GgufValueType::UINT16:
    case GgufValueType::INT16:
    case GgufValueType::UINT32:
    case GgufValueType::INT32:
    case GgufValueType::UINT64:
    case GgufValueType::INT64:
      return true;
    default:
      return false;
  }
}

bool GgufValue::is_number() const {
  return is_integer() || type() == GgufValueType::FLOAT32 || type() == GgufValueType::FLOAT64;
}

namespace {
[[noreturn]] void wrong_kind(const GgufValue& v, const char* wanted) {
  throw std::invalid_argument(std::string("expected ") + wanted + ", found " +
                              std::string(value_type_name(v.type())));
}
}  // namespace

const std::string& GgufValue::as_string() const {
  if (!is_string()) wrong_kind(*this, "string");
  return std::get<std::string>(v_);
}

const GgufArray& GgufValue::as_array() const {
  if (!is_array()) wrong_kind(*this, "array");
  return std::get<GgufArray>(v_);
}

int64_t GgufValue::as_int() const {
  return std::visit(
      [this](const auto& x) -> int64_t {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, uint64_t>) {
          if (x > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
            throw std::invalid_argument("u64 value out of range");
          return static_cast<int64_t>(x);
        } else if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
          return static_cast<int64_t>(x);
        } else {
          wrong_kind(*this, "integer");
        }
      },
      v_);
}

double GgufValue::as_double() const {
  if (type() == GgufValueType::FLOAT32) return std::get<float>(v_);
  if (type() == GgufValueType::FLOAT64) return std::get<double>(v_);
  if (is_integer()) return static_cast<double>(as_int());
  wrong_kind(*this, "number");
}

bool GgufValue::as_bool() const {
  if (type() != GgufValueType::BOOL) wrong_kind(*this, "bool");
  return std::get<bool>(v_);
}

std::vector<std::string> GgufValue::as_string_list() const {
  std::vector<std::string> out;
  const auto& a = as_array();
  out.reserve(a.items.size());
  for (const auto& v : a.items) out.push_back(v.as_string());
  return out;
}

std::vector<float> GgufValue::as_float_list() const {
  std::vector<float> out;
  const auto& a = as_array();
  out.reserve(a.items.size());
  for (const auto& v : a.items) out.push_back(static_cast<float>(v.as_double()));
  return out;
}

std::vector<int64_t> GgufValue::as_int_list() const {
  std::vector<int64_t> out;
  const auto& a = as_array();
  out.reserve(a.items.size());
  for (const auto& v : a.items) out.push_back(v.as_int());
  return out;
}

std::string GgufValue::to_display_string(size_t max_items) const {
  std::ostringstream os;
  switch (type()) {
    case GgufValueType::STRING: {
      const auto& s = as_string();
      std::string shown = s.size() > 80 ? s.substr(0, 77) + "..." : s;
      for (auto& c : shown)
        if (c == '\n') c = ' ';
      os << '"' << shown << '"';
      break;
    }
    case GgufValueType::ARRAY: {
      const auto& a = as_array();
      os << "[" << value_type_name(a.element_type) << " x " << a.items.size() << "] [";
      for (size_t i = 0; i < a.items.size() && i < max_items; ++i)
        os << (i ? ", " : "") << a.items[i].to_display_string(max_items);
      if (a.items.size() > max_items) os << ", ...";
      os << "]";
      break;
    }
    case GgufValueType::BOOL:
      os << (as_bool() ? "true" : "false");
      break;
    case GgufValueType::FLOAT32:
    case GgufValueType::FLOAT64:
      os << as_double();
      break;
    default:
      if (type() == GgufValueType::UINT64)
        os << std::get<uint64_t>(v_);
      else
        os << as_int();
  }
  return os.str();
}

}  // namespace tandem::model
