// Builds the syntax tree from tokens, following jinja2's grammar and operator precedence
// (including its quirks, e.g. `**` is left-associative and filters bind tighter than unary
// minus's operand chain).
#pragma once

#include <string_view>

#include "template/jinja/ast.h"

namespace tandem::templates {

// Throws ParseError with the line and column of the offending token.
ast::Body parse_template(std::string_view source);

}  // namespace tandem::templates
