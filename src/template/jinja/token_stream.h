// Cursor over the lexer's tokens with the small matching helpers both parsers share, and the
// nesting guard that keeps hostile input from overflowing the stack.
#pragma once

#include <algorithm>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "template/jinja/ast.h"
#include "template/jinja/error.h"
#include "template/jinja/lexer.h"

namespace tandem::templates {

// Deep nesting in hostile input must fail cleanly instead of overflowing the stack.
constexpr int kMaxParseDepth = 200;

class TokenStream {
 public:
  explicit TokenStream(std::vector<Token> tokens) : tokens_(std::move(tokens)) {}

  struct DepthGuard {
    explicit DepthGuard(TokenStream& p) : parser(p) {
      if (++parser.depth_ > kMaxParseDepth) parser.fail("template nesting too deep");
    }
    ~DepthGuard() { --parser.depth_; }
    TokenStream& parser;
  };

  const Token& peek(std::size_t ahead = 0) const {
    const std::size_t i = std::min(pos_ + ahead, tokens_.size() - 1);
    return tokens_[i];
  }
  const Token& next() {
    const Token& t = tokens_[pos_];
    if (pos_ + 1 < tokens_.size()) ++pos_;
    return t;
  }
  bool is_op(const char* op, std::size_t ahead = 0) const {
    return peek(ahead).type == TokenType::Operator && peek(ahead).value == op;
  }
  bool is_name(const char* name, std::size_t ahead = 0) const {
    return peek(ahead).type == TokenType::Name && peek(ahead).value == name;
  }
  bool skip_op(const char* op) {
    if (!is_op(op)) return false;
    next();
    return true;
  }
  bool skip_name(const char* name) {
    if (!is_name(name)) return false;
    next();
    return true;
  }
  void expect_op(const char* op) {
    if (!skip_op(op)) fail(std::string("expected '") + op + "'");
  }
  std::string expect_name() {
    if (peek().type != TokenType::Name) fail("expected a name");
    return next().value;
  }
  void expect_block_end() {
    if (peek().type != TokenType::BlockEnd) fail("expected end of statement block");
    next();
  }
  [[noreturn]] void fail(const std::string& message) const {
    const Token& t = peek();
    const std::string got = t.type == TokenType::End ? "end of template" : "'" + t.value + "'";
    throw ParseError(message + ", got " + got, t.line, t.column);
  }

  template <typename Node>
  ast::ExprPtr make(const Token& at, Node node) {
    auto e = std::make_unique<ast::Expr>();
    e->node = std::move(node);
    e->line = at.line;
    e->column = at.column;
    return e;
  }
  template <typename Node>
  ast::StmtPtr stmt(const Token& at, Node node) {
    auto s = std::make_unique<ast::Stmt>();
    s->node = std::move(node);
    s->line = at.line;
    s->column = at.column;
    return s;
  }

 private:
  std::vector<Token> tokens_;
  std::size_t pos_ = 0;
  int depth_ = 0;
};

}  // namespace tandem::templates
