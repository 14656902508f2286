// Expressions, following jinja2's grammar and precedence (including its quirks: `**` is
// left-associative, filters bind tighter than unary minus's operand chain, `is` takes one bare
// argument without parentheses).
#pragma once

#include "template/jinja/token_stream.h"

namespace tandem::templates {

class ExpressionParser {
 public:
  explicit ExpressionParser(TokenStream& ts) : ts_(ts) {}

  // An expression, or an implicit tuple `a, b` where jinja2 allows one.
  ast::ExprPtr parse_tuple(bool allow_tuple, bool with_condexpr = true);
  ast::ExprPtr parse_expression();
  ast::ExprPtr parse_or();
  // `name(args)` after a `|`; operand is null in a {% filter %} header.
  ast::ExprPtr parse_filter(ast::ExprPtr operand);

 private:
  ast::ExprPtr parse_and();
  ast::ExprPtr parse_not();
  ast::ExprPtr parse_compare();
  ast::ExprPtr parse_math1();
  ast::ExprPtr parse_concat();
  ast::ExprPtr parse_math2();
  ast::ExprPtr parse_pow();
  ast::ExprPtr parse_unary(bool with_filter);
  ast::ExprPtr parse_primary();
  ast::ExprPtr parse_postfix(ast::ExprPtr node);
  ast::ExprPtr parse_subscript(const Token& at, ast::ExprPtr object);
  ast::Arguments parse_call_args();
  ast::ExprPtr parse_filter_expr(ast::ExprPtr node);

  TokenStream& ts_;
};

}  // namespace tandem::templates
