#include "template/jinja/parser.h"

#include <initializer_list>

#include "template/jinja/error.h"
#include "template/jinja/expression_parser.h"
#include "template/jinja/lexer.h"

namespace tandem::templates {
namespace {

using namespace ast;

class Parser {
 public:
  explicit Parser(std::vector<Token> tokens) : ts_(std::move(tokens)), exprs_(ts_) {}

  Body parse() {
    Body body = subparse({});
    if (ts_.peek().type != TokenType::End) ts_.fail("unexpected tag '" + ts_.peek().value + "'");
    return body;
  }

 private:
  // Statements until a block whose tag name is in `ends`; stops before that name.
  Body subparse(std::initializer_list<const char*> ends) {
    TokenStream::DepthGuard guard(ts_);
    Body body;
    while (true) {
      const Token& t = ts_.peek();
      if (t.type == TokenType::End) {
        if (ends.size() != 0) ts_.fail(std::string("missing '") + *ends.begin() + "'");
        return body;
      }
      if (t.type == TokenType::Text) {
        body.push_back(ts_.stmt(t, ast::Text{ts_.next().value}));
      } else if (t.type == TokenType::VarBegin) {
        ts_.next();
        ExprPtr e = exprs_.parse_tuple(true);
        if (ts_.peek().type != TokenType::VarEnd) ts_.fail("expected end of print statement");
        ts_.next();
        body.push_back(ts_.stmt(t, Output{std::move(e)}));
      } else if (t.type == TokenType::BlockBegin) {
        for (const char* end : ends) {
          if (ts_.is_name(end, 1)) {
            ts_.next();
            return body;
          }
        }
        ts_.next();
        body.push_back(parse_statement());
      } else {
        ts_.fail("unexpected token");
      }
    }
  }

  // Consumes `{% name %}` closing a block (the BlockBegin is already consumed).
  void end_block(const char* name) {
    if (!ts_.skip_name(name)) ts_.fail(std::string("expected '") + name + "'");
    ts_.expect_block_end();
  }

  StmtPtr parse_statement() {
    const Token& t = ts_.peek();
    if (t.type != TokenType::Name) ts_.fail("expected a statement name");
    const std::string name = ts_.next().value;
    if (name == "if") return parse_if(t);
    if (name == "for") return parse_for(t);
    if (name == "set") return parse_set(t);
    if (name == "macro") return parse_macro(t);
    if (name == "call") return parse_call_block(t);
    if (name == "filter") return parse_filter_block(t);
    if (name == "break" || name == "continue") {
      ts_.expect_block_end();
      if (name == "break") return ts_.stmt(t, Break{});
      return ts_.stmt(t, Continue{});
    }
    if (name == "generation") {
      ts_.expect_block_end();
      Generation g{subparse({"endgeneration"})};
      end_block("endgeneration");
      return ts_.stmt(t, std::move(g));
    }
    throw ParseError("unknown or unsupported tag '" + name + "'", t.line, t.column);
  }

  StmtPtr parse_if(const Token& at) {
    If node;
    ExprPtr cond = exprs_.parse_tuple(false);
    ts_.expect_block_end();
    while (true) {
      Body body = subparse({"elif", "else", "endif"});
      node.branches.emplace_back(std::move(cond), std::move(body));
      if (ts_.skip_name("elif")) {
        cond = exprs_.parse_tuple(false);
        ts_.expect_block_end();
        continue;
      }
      if (ts_.skip_name("else")) {
        ts_.expect_block_end();
        node.otherwise = subparse({"endif"});
      }
      end_block("endif");
      return ts_.stmt(at, std::move(node));
    }
  }

  std::vector<std::string> parse_targets() {
    std::vector<std::string> names;
    const bool paren = ts_.skip_op("(");
    do {
      names.push_back(ts_.expect_name());
    } while (ts_.skip_op(",") && ts_.peek().type == TokenType::Name);
    if (paren) ts_.expect_op(")");
    return names;
  }

  StmtPtr parse_for(const Token& at) {
    For node;
    node.targets = parse_targets();
    if (!ts_.skip_name("in")) ts_.fail("expected 'in'");
    node.iterable = exprs_.parse_tuple(false, /*with_condexpr=*/false);
    if (ts_.skip_name("if")) node.condition = exprs_.parse_expression();
    if (ts_.is_name("recursive")) ts_.fail("recursive loops are not supported");
    ts_.expect_block_end();
    node.body = subparse({"endfor", "else"});
    if (ts_.skip_name("else")) {
      ts_.expect_block_end();
      node.otherwise = subparse({"endfor"});
    }
    end_block("endfor");
    return ts_.stmt(at, std::move(node));
  }

  StmtPtr parse_set(const Token& at) {
    Set node;
    const std::string first = ts_.expect_name();
    if (ts_.skip_op(".")) {
      node.targets.push_back(first);
      node.attribute = ts_.expect_name();
    } else {
      node.targets.push_back(first);
      while (ts_.skip_op(",")) node.targets.push_back(ts_.expect_name());
    }
    if (ts_.skip_op("=")) {
      node.value = exprs_.parse_tuple(false);
      ts_.expect_block_end();
      return ts_.stmt(at, std::move(node));
    }
    if (node.targets.size() != 1 || !node.attribute.empty()) ts_.fail("expected '='");
    ts_.expect_block_end();
    node.body = subparse({"endset"});
    end_block("endset");
    return ts_.stmt(at, std::move(node));
  }

  void parse_signature(std::vector<std::string>& params, std::vector<ExprPtr>& defaults) {
    ts_.expect_op("(");
    while (!ts_.is_op(")")) {
      if (!params.empty()) ts_.expect_op(",");
      if (ts_.is_op(")")) break;
      params.push_back(ts_.expect_name());
      defaults.push_back(ts_.skip_op("=") ? exprs_.parse_expression() : nullptr);
    }
    ts_.expect_op(")");
  }

  StmtPtr parse_macro(const Token& at) {
    Macro node;
    node.name = ts_.expect_name();
    parse_signature(node.params, node.defaults);
    ts_.expect_block_end();
    node.body = subparse({"endmacro"});
    end_block("endmacro");
    return ts_.stmt(at, std::move(node));
  }

  StmtPtr parse_call_block(const Token& at) {
    CallBlock node;
    if (ts_.is_op("(")) parse_signature(node.params, node.defaults);
    node.call = exprs_.parse_expression();
    if (!std::holds_alternative<Call>(node.call->node)) ts_.fail("expected a call");
    ts_.expect_block_end();
    node.body = subparse({"endcall"});
    end_block("endcall");
    return ts_.stmt(at, std::move(node));
  }

  StmtPtr parse_filter_block(const Token& at) {
    FilterBlock node;
    do {
      node.filters.push_back(exprs_.parse_filter(nullptr));
    } while (ts_.skip_op("|"));
    ts_.expect_block_end();
    node.body = subparse({"endfilter"});
    end_block("endfilter");
    return ts_.stmt(at, std::move(node));
  }

  TokenStream ts_;
  ExpressionParser exprs_;
};
}  // namespace

ast::Body parse_template(std::string_view source) {
  return Parser(tokenize(source)).parse();
}

}  // namespace tandem::templates
