// The arithmetic, concatenation and membership operators with Python's rules.
#pragma once

#include <cstddef>

#include "template/jinja/ast.h"
#include "template/jinja/value.h"

namespace tandem::templates {

// `a op b` for the non-short-circuit operators (not And/Or). Strings longer than max_bytes are
// refused. Operands must not be undefined except for Concat (the caller raises for them).
Value binary_op(ast::BinaryOp op, const Value& a, const Value& b, std::size_t max_bytes);

// Python `item in container`.
bool contains(const Value& container, const Value& item);

}  // namespace tandem::templates
