// Building-block GBNF rules shared by the JSON Schema converter and json_object_gbnf().
#pragma once

#include <span>
#include <string_view>

namespace tandem::grammar {

struct PrimitiveRule {
  std::string_view name;
  std::string_view body;
  std::span<const std::string_view> deps;
};

// nullptr if `name` is not a primitive.
const PrimitiveRule* find_primitive(std::string_view name);
std::span<const PrimitiveRule> all_primitives();

}  // namespace tandem::grammar
