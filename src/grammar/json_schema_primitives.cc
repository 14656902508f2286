#include "grammar/json_schema_primitives.h"

#include <array>

namespace tandem::grammar {
namespace {

using D = std::string_view;
constexpr D kNone[] = {""};
constexpr D kSpace[] = {"space"};
constexpr D kInt[] = {"integral-part", "space"};
constexpr D kNum[] = {"integral-part", "decimal-part", "space"};
constexpr D kStr[] = {"char", "space"};
constexpr D kObj[] = {"string", "value", "space"};
constexpr D kArr[] = {"value", "space"};
constexpr D kVal[] = {"object", "array", "string", "number", "boolean", "null"};
constexpr D kDate[] = {"date", "space"};
constexpr D kTime[] = {"time", "space"};
constexpr D kDateTime[] = {"date", "time"};
constexpr D kDateTimeStr[] = {"date-time", "space"};

// Exponents have at most two digits so every number fits a double (llama.cpp allows 16).
// Optional whitespace is bounded (one newline plus indentation) so a model cannot stall in
// an endless whitespace run, as in llama.cpp.
constexpr std::array kPrimitives = {
    PrimitiveRule{"space", R"(| " " | "\n" [ \t]{0,20})", std::span(kNone).first(0)},
    PrimitiveRule{"boolean", R"(("true" | "false") space)", kSpace},
    PrimitiveRule{"null", R"("null" space)", kSpace},
    PrimitiveRule{"char", R"([^"\\\x7F\x00-\x1F] | [\\] (["\\/bfnrt] | "u" [0-9a-fA-F]{4}))",
                  std::span(kNone).first(0)},
    PrimitiveRule{"integral-part", R"([0] | [1-9] [0-9]{0,15})", std::span(kNone).first(0)},
    PrimitiveRule{"decimal-part", R"([0-9]{1,16})", std::span(kNone).first(0)},
    PrimitiveRule{"integer", R"(("-"? integral-part) space)", kInt},
    PrimitiveRule{"number",
                  R"(("-"? integral-part) ("." decimal-part)? ([eE] [-+]? [0-9]{1,2})? space)",
                  kNum},
    PrimitiveRule{"string", R"("\"" char* "\"" space)", kStr},
    PrimitiveRule{
        "object",
        R"("{" space ( string ":" space value ("," space string ":" space value)* )? "}" space)",
        kObj},
    PrimitiveRule{"array", R"("[" space ( value ("," space value)* )? "]" space)", kArr},
    PrimitiveRule{"value", "object | array | string | number | boolean | null", kVal},
    PrimitiveRule{
        "date",
        R"([0-9]{4} "-" ( "0" [1-9] | "1" [0-2] ) "-" ( "0" [1-9] | [1-2] [0-9] | "3" [0-1] ))",
        std::span(kNone).first(0)},
    PrimitiveRule{
        "time",
        R"(([01] [0-9] | "2" [0-3]) ":" [0-5] [0-9] ":" [0-5] [0-9] ( "." [0-9]{3} )? ( "Z" | ( "+" | "-" ) ( [01] [0-9] | "2" [0-3] ) ":" [0-5] [0-9] ))",
        std::span(kNone).first(0)},
    PrimitiveRule{"date-time", R"(date "T" time)", kDateTime},
    PrimitiveRule{"date-string", R"("\"" date "\"" space)", kDate},
    PrimitiveRule{"time-string", R"("\"" time "\"" space)", kTime},
    PrimitiveRule{"date-time-string", R"("\"" date-time "\"" space)", kDateTimeStr},
    PrimitiveRule{
        "uuid",
        R"("\"" [0-9a-fA-F]{8} "-" [0-9a-fA-F]{4} "-" [0-9a-fA-F]{4} "-" [0-9a-fA-F]{4} "-" [0-9a-fA-F]{12} "\"" space)",
        kSpace},
};

}  // namespace

const PrimitiveRule* find_primitive(std::string_view name) {
  for (const PrimitiveRule& p : kPrimitives) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

std::span<const PrimitiveRule> all_primitives() {
  return kPrimitives;
}

}  // namespace tandem::grammar
