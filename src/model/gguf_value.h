// A GGUF metadata value: scalars, strings and (nested) arrays.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace tandem::model {

enum class GgufValueType : uint32_t {
  UINT8 = 0,
  INT8 = 1,
  UINT16 = 2,
  INT16 = 3,
  UINT32 = 4,
  INT32 = 5,
  FLOAT32 = 6,
  BOOL = 7,
  STRING = 8,
  ARRAY = 9,
  UINT64 = 10,
  INT64 = 11,
  FLOAT64 = 12,
};

std::string_view value_type_name(GgufValueType t);

class GgufValue;

struct GgufArray {
  GgufValueType element_type = GgufValueType::UINT8;
  std::vector<GgufValue> items;
};

class GgufValue {
 public:
  using Storage = std::variant<uint8_t, int8_t, uint16_t, int16_t, uint32_t, int32_t, float, bool,
                               std::string, GgufArray, uint64_t, int64_t, double>;

  GgufValue() = default;
  template <typename T>
  explicit GgufValue(T v) : v_(std::move(v)) {}
  static GgufValue array(GgufValueType element_type, std::vector<GgufValue> items) {
    return GgufValue(GgufArray{element_type, std::move(items)});
  }

  GgufValueType type() const { return static_cast<GgufValueType>(v_.index()); }
  const Storage& storage() const { return v_; }

  bool is_string() const { return type() == GgufValueType::STRING; }
  bool is_array() const { return type() == GgufValueType::ARRAY; }
  bool is_integer() const;
  bool is_number() const;  // integer or float

  // Conversions throw std::invalid_argument when the value has another kind.
  const std::string& as_string() const;
  const GgufArray& as_array() const;
  int64_t as_int() const;    // any integer type (uint64 beyond int64 range throws)
  double as_double() const;  // any integer or float type
  bool as_bool() const;

  // Typed views of arrays (throw if an element has another kind).
  std::vector<std::string> as_string_list() const;
  std::vector<float> as_float_list() const;
  std::vector<int64_t> as_int_list() const;

  // Short human-readable rendering (long arrays elided), for `tandem inspect`.
  std::string to_display_string(size_t max_items = 8) const;

 private:
  Storage v_;
};

}  // namespace tandem::model
