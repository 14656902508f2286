#include "template/jinja/expression_parser.h"

#include <cerrno>
#include <cstdlib>

namespace tandem::templates {

using namespace ast;

ExprPtr ExpressionParser::parse_tuple(bool allow_tuple, bool with_condexpr) {
  const Token& at = ts_.peek();
  ExprPtr first = with_condexpr ? parse_expression() : parse_or();
  if (!allow_tuple || !ts_.is_op(",")) return first;
  ListLiteral items;
  items.tuple = true;
  items.items.push_back(std::move(first));
  while (ts_.skip_op(",")) {
    if (ts_.peek().type == TokenType::VarEnd || ts_.peek().type == TokenType::BlockEnd) break;
    items.items.push_back(with_condexpr ? parse_expression() : parse_or());
  }
  return ts_.make(at, std::move(items));
}

ExprPtr ExpressionParser::parse_expression() {
  TokenStream::DepthGuard guard(ts_);
  const Token& at = ts_.peek();
  ExprPtr expr = parse_or();
  while (ts_.skip_name("if")) {
    ExprPtr cond = parse_or();
    ExprPtr otherwise = ts_.skip_name("else") ? parse_expression() : nullptr;
    expr = ts_.make(at, Conditional{std::move(cond), std::move(expr), std::move(otherwise)});
  }
  return expr;
}

ExprPtr ExpressionParser::parse_or() {
  const Token& at = ts_.peek();
  ExprPtr lhs = parse_and();
  while (ts_.skip_name("or")) lhs = ts_.make(at, Binary{BinaryOp::Or, std::move(lhs), parse_and()});
  return lhs;
}

ExprPtr ExpressionParser::parse_and() {
  const Token& at = ts_.peek();
  ExprPtr lhs = parse_not();
  while (ts_.skip_name("and"))
    lhs = ts_.make(at, Binary{BinaryOp::And, std::move(lhs), parse_not()});
  return lhs;
}

ExprPtr ExpressionParser::parse_not() {
  TokenStream::DepthGuard guard(ts_);
  const Token& at = ts_.peek();
  if (ts_.skip_name("not")) return ts_.make(at, Unary{UnaryOp::Not, parse_not()});
  return parse_compare();
}

ExprPtr ExpressionParser::parse_compare() {
  const Token& at = ts_.peek();
  ExprPtr first = parse_math1();
  Compare cmp;
  while (true) {
    CompareOp op;
    if (ts_.skip_op("=="))
      op = CompareOp::Eq;
    else if (ts_.skip_op("!="))
      op = CompareOp::Ne;
    else if (ts_.skip_op("<"))
      op = CompareOp::Lt;
    else if (ts_.skip_op("<="))
      op = CompareOp::Le;
    else if (ts_.skip_op(">"))
      op = CompareOp::Gt;
    else if (ts_.skip_op(">="))
      op = CompareOp::Ge;
    else if (ts_.skip_name("in"))
      op = CompareOp::In;
    else if (ts_.is_name("not") && ts_.is_name("in", 1)) {
      ts_.next();
      ts_.next();
      op = CompareOp::NotIn;
    } else {
      break;
    }
    cmp.rest.emplace_back(op, parse_math1());
  }
  if (cmp.rest.empty()) return first;
  cmp.first = std::move(first);
  return ts_.make(at, std::move(cmp));
}

ExprPtr ExpressionParser::parse_math1() {
  const Token& at = ts_.peek();
  ExprPtr lhs = parse_concat();
  while (ts_.is_op("+") || ts_.is_op("-")) {
    const BinaryOp op = ts_.next().value == "+" ? BinaryOp::Add : BinaryOp::Sub;
    lhs = ts_.make(at, Binary{op, std::move(lhs), parse_concat()});
  }
  return lhs;
}

ExprPtr ExpressionParser::parse_concat() {
  const Token& at = ts_.peek();
  ExprPtr lhs = parse_math2();
  while (ts_.skip_op("~"))
    lhs = ts_.make(at, Binary{BinaryOp::Concat, std::move(lhs), parse_math2()});
  return lhs;
}

ExprPtr ExpressionParser::parse_math2() {
  const Token& at = ts_.peek();
  ExprPtr lhs = parse_pow();
  while (ts_.is_op("*") || ts_.is_op("/") || ts_.is_op("//") || ts_.is_op("%")) {
    const std::string op = ts_.next().value;
    const BinaryOp bop = op == "*"    ? BinaryOp::Mul
                         : op == "/"  ? BinaryOp::Div
                         : op == "//" ? BinaryOp::FloorDiv
                                      : BinaryOp::Mod;
    lhs = ts_.make(at, Binary{bop, std::move(lhs), parse_pow()});
  }
  return lhs;
}

ExprPtr ExpressionParser::parse_pow() {
  const Token& at = ts_.peek();
  ExprPtr lhs = parse_unary(true);
  while (ts_.skip_op("**"))
    lhs = ts_.make(at, Binary{BinaryOp::Pow, std::move(lhs), parse_unary(true)});
  return lhs;
}

ExprPtr ExpressionParser::parse_unary(bool with_filter) {
  TokenStream::DepthGuard guard(ts_);
  const Token& at = ts_.peek();
  ExprPtr node;
  if (ts_.skip_op("-"))
    node = ts_.make(at, Unary{UnaryOp::Neg, parse_unary(false)});
  else if (ts_.skip_op("+"))
    node = ts_.make(at, Unary{UnaryOp::Pos, parse_unary(false)});
  else
    node = parse_primary();
  node = parse_postfix(std::move(node));
  if (with_filter) node = parse_filter_expr(std::move(node));
  return node;
}

ExprPtr ExpressionParser::parse_primary() {
  TokenStream::DepthGuard guard(ts_);
  const Token& at = ts_.peek();
  switch (at.type) {
    case TokenType::Name: {
      const std::string name = ts_.next().value;
      if (name == "true" || name == "True") return ts_.make(at, Literal{Value(true)});
      if (name == "false" || name == "False") return ts_.make(at, Literal{Value(false)});
      if (name == "none" || name == "None") return ts_.make(at, Literal{Value::none()});
      return ts_.make(at, Name{name});
    }
    case TokenType::String: {
      std::string s = ts_.next().value;
      while (ts_.peek().type == TokenType::String) s += ts_.next().value;
      return ts_.make(at, Literal{Value(std::move(s))});
    }
    case TokenType::Integer: {
      errno = 0;
      const long long v = std::strtoll(ts_.next().value.c_str(), nullptr, 10);
      if (errno == ERANGE) throw ParseError("integer literal too large", at.line, at.column);
      return ts_.make(at, Literal{Value(static_cast<std::int64_t>(v))});
    }
    case TokenType::Float:
      return ts_.make(at, Literal{Value(std::strtod(ts_.next().value.c_str(), nullptr))});
    case TokenType::Operator:
      if (ts_.skip_op("(")) {
        if (ts_.skip_op(")")) return ts_.make(at, ListLiteral{{}, true});
        ExprPtr e = parse_expression();
        if (ts_.is_op(",")) {
          ListLiteral t;
          t.tuple = true;
          t.items.push_back(std::move(e));
          while (ts_.skip_op(",") && !ts_.is_op(")")) t.items.push_back(parse_expression());
          e = ts_.make(at, std::move(t));
        }
        ts_.expect_op(")");
        return e;
      }
      if (ts_.skip_op("[")) {
        ListLiteral list;
        while (!ts_.is_op("]")) {
          if (!list.items.empty()) ts_.expect_op(",");
          if (ts_.is_op("]")) break;
          list.items.push_back(parse_expression());
        }
        ts_.expect_op("]");
        return ts_.make(at, std::move(list));
      }
      if (ts_.skip_op("{")) {
        DictLiteral dict;
        while (!ts_.is_op("}")) {
          if (!dict.items.empty()) ts_.expect_op(",");
          if (ts_.is_op("}")) break;
          ExprPtr key = parse_expression();
          ts_.expect_op(":");
          dict.items.emplace_back(std::move(key), parse_expression());
        }
        ts_.expect_op("}");
        return ts_.make(at, std::move(dict));
      }
      break;
    default:
      break;
  }
  ts_.fail("unexpected token in expression");
}

ExprPtr ExpressionParser::parse_postfix(ExprPtr node) {
  while (true) {
    const Token& at = ts_.peek();
    if (ts_.skip_op(".")) {
      if (ts_.peek().type == TokenType::Integer) {
        const Token& digits = ts_.peek();
        errno = 0;
        const long long v = std::strtoll(digits.value.c_str(), nullptr, 10);
        if (errno == ERANGE)
          throw ParseError("integer index too large", digits.line, digits.column);
        ExprPtr index = ts_.make(digits, Literal{Value(static_cast<std::int64_t>(v))});
        ts_.next();
        node = ts_.make(at, GetItem{std::move(node), std::move(index)});
      } else {
        node = ts_.make(at, GetAttr{std::move(node), ts_.expect_name()});
      }
    } else if (ts_.skip_op("[")) {
      node = parse_subscript(at, std::move(node));
    } else if (ts_.is_op("(")) {
      node = ts_.make(at, Call{std::move(node), parse_call_args()});
    } else {
      return node;
    }
  }
}

ExprPtr ExpressionParser::parse_subscript(const Token& at, ExprPtr object) {
  ExprPtr parts[3];
  int part = 0;
  bool is_slice = false;
  while (!ts_.is_op("]")) {
    if (ts_.skip_op(":")) {
      is_slice = true;
      if (++part > 2) ts_.fail("invalid slice");
      continue;
    }
    if (parts[part]) ts_.fail("expected ':' or ']'");
    parts[part] = parse_expression();
  }
  ts_.expect_op("]");
  if (!is_slice) {
    if (!parts[0]) ts_.fail("expected subscript expression");
    return ts_.make(at, GetItem{std::move(object), std::move(parts[0])});
  }
  return ts_.make(
      at, Slice{std::move(object), std::move(parts[0]), std::move(parts[1]), std::move(parts[2])});
}

Arguments ExpressionParser::parse_call_args() {
  Arguments args;
  ts_.expect_op("(");
  while (!ts_.is_op(")")) {
    if (!args.positional.empty() || !args.keyword.empty()) ts_.expect_op(",");
    if (ts_.is_op(")")) break;
    if (ts_.is_op("*") || ts_.is_op("**")) ts_.fail("*args and **kwargs are not supported");
    if (ts_.peek().type == TokenType::Name && ts_.is_op("=", 1)) {
      std::string key = ts_.next().value;
      ts_.next();
      args.keyword.emplace_back(std::move(key), parse_expression());
    } else {
      if (!args.keyword.empty()) ts_.fail("positional argument after keyword argument");
      args.positional.push_back(parse_expression());
    }
  }
  ts_.expect_op(")");
  return args;
}

ExprPtr ExpressionParser::parse_filter(ExprPtr operand) {
  const Token& at = ts_.peek();
  std::string name = ts_.expect_name();
  while (ts_.skip_op(".")) name += "." + ts_.expect_name();
  Arguments args;
  if (ts_.is_op("(")) args = parse_call_args();
  return ts_.make(at, ast::Filter{std::move(operand), std::move(name), std::move(args)});
}

ExprPtr ExpressionParser::parse_filter_expr(ExprPtr node) {
  while (true) {
    const Token& at = ts_.peek();
    if (ts_.skip_op("|")) {
      node = parse_filter(std::move(node));
    } else if (ts_.skip_name("is")) {
      ast::Test test;
      test.negated = ts_.skip_name("not");
      test.name = ts_.expect_name();
      while (ts_.skip_op(".")) test.name += "." + ts_.expect_name();
      const Token& t = ts_.peek();
      if (ts_.is_op("(")) {
        test.args = parse_call_args();
      } else if ((t.type == TokenType::Name || t.type == TokenType::String ||
                  t.type == TokenType::Integer || t.type == TokenType::Float || ts_.is_op("[") ||
                  ts_.is_op("{")) &&
                 !ts_.is_name("else") && !ts_.is_name("or") && !ts_.is_name("and")) {
        if (ts_.is_name("is")) ts_.fail("You cannot chain multiple tests with is");
        test.args.positional.push_back(parse_postfix(parse_primary()));
      }
      test.operand = std::move(node);
      node = ts_.make(at, std::move(test));
    } else if (ts_.is_op("(")) {
      node = ts_.make(at, Call{std::move(node), parse_call_args()});
    } else {
      return node;
    }
  }
}

}  // namespace tandem::templates
