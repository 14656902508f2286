// Syntax tree of a parsed template. Nodes own their children through unique_ptr; the tree is
// immutable after parsing and shared by every render of the Template.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "template/jinja/value.h"

namespace tandem::templates::ast {

struct Expr;
struct Stmt;
using ExprPtr = std::unique_ptr<Expr>;
using StmtPtr = std::unique_ptr<Stmt>;
using Body = std::vector<StmtPtr>;

struct Arguments {
  std::vector<ExprPtr> positional;
  std::vector<std::pair<std::string, ExprPtr>> keyword;
};

struct Literal {
  Value value;
};
struct Name {
  std::string name;
};
struct ListLiteral {
  std::vector<ExprPtr> items;
  bool tuple = false;
};
struct DictLiteral {
  std::vector<std::pair<ExprPtr, ExprPtr>> items;
};
struct GetAttr {
  ExprPtr object;
  std::string attr;
};
struct GetItem {
  ExprPtr object;
  ExprPtr index;
};
struct Slice {
  ExprPtr object;
  ExprPtr start, stop, step;  // each may be null
};
struct Call {
  ExprPtr callee;
  Arguments args;
};
// `operand | name(args)`; operand is null inside a {% filter %} block header.
struct Filter {
  ExprPtr operand;
  std::string name;
  Arguments args;
};
struct Test {
  ExprPtr operand;
  std::string name;
  Arguments args;
  bool negated = false;
};
enum class UnaryOp { Neg, Pos, Not };
struct Unary {
  UnaryOp op;
  ExprPtr operand;
};
enum class BinaryOp { Add, Sub, Mul, Div, FloorDiv, Mod, Pow, Concat, And, Or };
struct Binary {
  BinaryOp op;
  ExprPtr lhs, rhs;
};
enum class CompareOp { Eq, Ne, Lt, Le, Gt, Ge, In, NotIn };
// Python-style chained comparison: a < b < c.
struct Compare {
  ExprPtr first;
  std::vector<std::pair<CompareOp, ExprPtr>> rest;
};
struct Conditional {
  ExprPtr condition, then;
  ExprPtr otherwise;  // null: undefined when false, as in jinja2
};

struct Expr {
  std::variant<Literal, Name, ListLiteral, DictLiteral, GetAttr, GetItem, Slice, Call, Filter, Test,
               Unary, Binary, Compare, Conditional>
      node;
  int line = 0;
  int column = 0;
};

struct Text {
  std::string text;
};
struct Output {
  ExprPtr expr;
};
struct If {
  std::vector<std::pair<ExprPtr, Body>> branches;  // if + elifs
  Body otherwise;
};
struct For {
  std::vector<std::string> targets;  // more than one: tuple unpacking
  ExprPtr iterable;
  ExprPtr condition;  // inline `if` filter; may be null
  Body body;
  Body otherwise;
};
struct Set {
  std::vector<std::string> targets;  // `set a, b = ...` unpacks
  std::string attribute;             // non-empty: `set ns.attribute = ...`
  ExprPtr value;                     // null for a block set
  Body body;
};
struct Macro {
  std::string name;
  std::vector<std::string> params;
  std::vector<ExprPtr> defaults;  // parallel to params; null where none
  Body body;
};
struct CallBlock {
  ExprPtr call;  // a Call expression; `caller` is bound while it runs
  std::vector<std::string> params;
  std::vector<ExprPtr> defaults;
  Body body;
};
struct FilterBlock {
  std::vector<ExprPtr> filters;  // Filter nodes with null operands, applied in order
  Body body;
};
struct Break {};
struct Continue {};
// transformers' {% generation %}: marks assistant tokens; renders its body unchanged.
struct Generation {
  Body body;
};

struct Stmt {
  std::variant<Text, Output, If, For, Set, Macro, CallBlock, FilterBlock, Break, Continue,
               Generation>
      node;
  int line = 0;
  int column = 0;
};

}  // namespace tandem::templates::ast
