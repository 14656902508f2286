// Walks the syntax tree and produces output. One Evaluator serves one render: it owns the
// variable scopes, the output buffer and the counters that enforce the safety limits.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "template/jinja/ast.h"
#include "template/jinja/value.h"

namespace tandem::templates {

struct Limits {
  std::size_t max_output_bytes = 64u << 20;      // also caps any single string built
  int max_depth = 256;                           // nested statements, expressions and calls
  std::int64_t max_loop_iterations = 1'000'000;  // all loop iterations of one render
};

class Evaluator {
 public:
  Evaluator(Dict globals, const Limits& limits);

  std::string render(const ast::Body& body, const Dict& context);

  // Calls a template-visible function (builtin, method or macro).
  Value call(const Value& callee, CallArgs& args);
  // Used by filters that build strings, so hostile templates cannot exhaust memory.
  void check_size(std::size_t bytes) const;

 private:
  enum class Flow { Normal, Break, Continue };
  struct Frame {
    std::unordered_map<std::string, Value> vars;
    bool barrier = false;  // macro frames: lookups skip the caller's frames
  };
  class Scope;
  class Capture;
  class Depth;

  Flow exec_body(const ast::Body& body);
  Flow exec(const ast::Stmt& stmt);
  void exec_for(const ast::For& node);
  void exec_set(const ast::Set& node);
  Value make_macro(const std::vector<std::string>& params,
                   const std::vector<ast::ExprPtr>& defaults, const ast::Body& body,
                   std::string name, std::shared_ptr<Frame> snapshot);

  Value eval(const ast::Expr& expr);
  Value eval_binary(const ast::Binary& node);
  bool eval_compare(const ast::Compare& node);
  CallArgs eval_args(const ast::Arguments& args);

  Value lookup(const std::string& name) const;
  Value* find_var(const std::string& name);
  void assign(const std::string& name, Value value);
  void write(const std::string& text);

  Dict globals_;
  Limits limits_;
  std::vector<Frame> frames_;
  std::string* out_ = nullptr;
  int depth_ = 0;
  std::int64_t iterations_ = 0;
};

}  // namespace tandem::templates
