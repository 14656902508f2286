#include "template/jinja/evaluator.h"

#include <cmath>
#include <optional>

#include "template/jinja/builtins.h"
#include "template/jinja/error.h"
#include "template/jinja/operators.h"

namespace tandem::templates {

using namespace ast;

// Pushes a frame for the lifetime of a block (a loop iteration, a macro call).
class Evaluator::Scope {
 public:
  Scope(Evaluator& ev, Frame frame) : ev_(ev) { ev_.frames_.push_back(std::move(frame)); }
  ~Scope() { ev_.frames_.pop_back(); }
  Scope(const Scope&) = delete;
  Scope& operator=(const Scope&) = delete;

 private:
  Evaluator& ev_;
};

// Redirects output into a local buffer (block set, macro bodies, filter blocks).
class Evaluator::Capture {
 public:
  explicit Capture(Evaluator& ev) : ev_(ev), saved_(ev.out_) { ev_.out_ = &buffer_; }
  ~Capture() { ev_.out_ = saved_; }
  Capture(const Capture&) = delete;
  Capture& operator=(const Capture&) = delete;
  std::string take() { return std::move(buffer_); }

 private:
  Evaluator& ev_;
  std::string* saved_;
  std::string buffer_;
};

// Bounds recursion: macros calling themselves, or deeply nested constructs.
class Evaluator::Depth {
 public:
  explicit Depth(Evaluator& ev) : ev_(ev) {
    if (++ev_.depth_ > ev_.limits_.max_depth)
      throw RenderError("recursion limit exceeded (max depth " +
                        std::to_string(ev_.limits_.max_depth) + ")");
  }
  ~Depth() { --ev_.depth_; }
  Depth(const Depth&) = delete;
  Depth& operator=(const Depth&) = delete;

 private:
  Evaluator& ev_;
};

namespace {

[[noreturn]] void fail_undefined(const Value& v) {
  throw RenderError(v.undefined_hint().empty() ? "value is undefined" : v.undefined_hint());
}

}  // namespace

Evaluator::Evaluator(Dict globals, const Limits& limits)
    : globals_(std::move(globals)), limits_(limits) {}

std::string Evaluator::render(const Body& body, const Dict& context) {
  Frame root;
  for (const auto& [k, v] : context.items()) root.vars[k] = v;
  frames_.clear();
  frames_.push_back(std::move(root));
  std::string output;
  out_ = &output;
  exec_body(body);
  out_ = nullptr;
  return output;
}

void Evaluator::check_size(std::size_t bytes) const {
  if (bytes > limits_.max_output_bytes)
    throw RenderError("output size limit exceeded (" + std::to_string(limits_.max_output_bytes) +
                      " bytes)");
}

void Evaluator::write(const std::string& text) {
  check_size(out_->size() + text.size());
  out_->append(text);
}

Value* Evaluator::find_var(const std::string& name) {
  for (std::size_t i = frames_.size(); i-- > 0;) {
    auto it = frames_[i].vars.find(name);
    if (it != frames_[i].vars.end()) return &it->second;
    if (frames_[i].barrier && i > 0) {
      auto root = frames_[0].vars.find(name);
      return root == frames_[0].vars.end() ? nullptr : &root->second;
    }
  }
  return nullptr;
}

Value Evaluator::lookup(const std::string& name) const {
  if (auto* v = const_cast<Evaluator*>(this)->find_var(name)) return *v;
  if (const Value* g = globals_.find(name)) return *g;
  return Value::undefined("'" + name + "' is undefined");
}

void Evaluator::assign(const std::string& name, Value value) {
  frames_.back().vars[name] = std::move(value);
}

Evaluator::Flow Evaluator::exec_body(const Body& body) {
  for (const auto& stmt : body) {
    const Flow flow = exec(*stmt);
    if (flow != Flow::Normal) return flow;
  }
  return Flow::Normal;
}

Evaluator::Flow Evaluator::exec(const Stmt& stmt) {
  Depth depth(*this);
  if (auto* text = std::get_if<ast::Text>(&stmt.node)) {
    write(text->text);
  } else if (auto* output = std::get_if<Output>(&stmt.node)) {
    write(to_str(eval(*output->expr)));
  } else if (auto* node = std::get_if<If>(&stmt.node)) {
    for (const auto& [cond, body] : node->branches)
      if (truthy(eval(*cond))) return exec_body(body);
    return exec_body(node->otherwise);
  } else if (auto* node = std::get_if<For>(&stmt.node)) {
    exec_for(*node);
  } else if (auto* node = std::get_if<Set>(&stmt.node)) {
    exec_set(*node);
  } else if (auto* node = std::get_if<Macro>(&stmt.node)) {
    assign(node->name, make_macro(node->params, node->defaults, node->body, node->name, nullptr));
  } else if (auto* node = std::get_if<CallBlock>(&stmt.node)) {
    // `caller` sees the variables visible here, whatever scope the macro runs in.
    auto snapshot = std::make_shared<Frame>();
    snapshot->barrier = true;
    for (const auto& frame : frames_)
      for (const auto& [k, v] : frame.vars) snapshot->vars[k] = v;
    const auto& call = std::get<Call>(node->call->node);
    Value callee = eval(*call.callee);
    CallArgs args = eval_args(call.args);
    args.kwargs.emplace_back("caller", make_macro(node->params, node->defaults, node->body,
                                                  "caller", std::move(snapshot)));
    write(to_str(this->call(callee, args)));
  } else if (auto* node = std::get_if<FilterBlock>(&stmt.node)) {
    Value value;
    {
      Capture capture(*this);
      exec_body(node->body);
      value = Value(capture.take());
    }
    for (const auto& f : node->filters) {
      const auto& filter = std::get<ast::Filter>(f->node);
      CallArgs args = eval_args(filter.args);
      value = apply_filter(*this, filter.name, value, args);
    }
    write(to_str(value));
  } else if (std::holds_alternative<Break>(stmt.node)) {
    return Flow::Break;
  } else if (std::holds_alternative<Continue>(stmt.node)) {
    return Flow::Continue;
  } else if (auto* node = std::get_if<Generation>(&stmt.node)) {
    return exec_body(node->body);
  }
  return Flow::Normal;
}

void Evaluator::exec_for(const For& node) {
  const Value iterable = eval(*node.iterable);
  if (iterable.is_none() || iterable.is_number() || iterable.is_function())
    throw RenderError("'" + type_name(iterable) + "' object is not iterable");
  Array items = iterate(iterable);

  auto bind = [&](Frame& frame, const Value& item) {
    if (node.targets.size() == 1) {
      frame.vars[node.targets[0]] = item;
      return;
    }
    const Array parts = iterate(item);
    if (parts.size() != node.targets.size())
      throw RenderError("cannot unpack " + std::to_string(parts.size()) + " values into " +
                        std::to_string(node.targets.size()) + " loop variables");
    for (std::size_t i = 0; i < parts.size(); ++i) frame.vars[node.targets[i]] = parts[i];
  };

  // The inline `if` filters before `loop` is computed, so loop.length counts kept items only.
  if (node.condition) {
    Array kept;
    for (const auto& item : items) {
      Frame probe;
      bind(probe, item);
      Scope scope(*this, std::move(probe));
      if (truthy(eval(*node.condition))) kept.push_back(item);
    }
    items = std::move(kept);
  }

  const auto n = static_cast<std::int64_t>(items.size());
  for (std::int64_t i = 0; i < n; ++i) {
    if (++iterations_ > limits_.max_loop_iterations)
      throw RenderError("loop iteration limit exceeded (" +
                        std::to_string(limits_.max_loop_iterations) + ")");
    Dict loop;
    loop.set("index", Value(i + 1));
    loop.set("index0", Value(i));
    loop.set("revindex", Value(n - i));
    loop.set("revindex0", Value(n - i - 1));
    loop.set("first", Value(i == 0));
    loop.set("last", Value(i == n - 1));
    loop.set("length", Value(n));
    loop.set("depth", Value(1));
    loop.set("depth0", Value(0));
    loop.set("previtem", i > 0 ? items[static_cast<std::size_t>(i - 1)]
                               : Value::undefined("there is no previous item"));
    loop.set("nextitem", i + 1 < n ? items[static_cast<std::size_t>(i + 1)]
                                   : Value::undefined("there is no next item"));
    loop.set("cycle", Value::function("loop.cycle", [i](CallArgs& args) {
               if (args.args.empty()) throw RenderError("no items for cycling given");
               return args.args[static_cast<std::size_t>(i) % args.args.size()];
             }));
    Frame frame;
    frame.vars["loop"] = Value::dict(std::move(loop));
    bind(frame, items[static_cast<std::size_t>(i)]);
    Scope scope(*this, std::move(frame));
    if (exec_body(node.body) == Flow::Break) break;
  }
  if (n == 0) exec_body(node.otherwise);
}

void Evaluator::exec_set(const Set& node) {
  Value value;
  if (node.value) {
    value = eval(*node.value);
  } else {
    Capture capture(*this);
    exec_body(node.body);
    value = Value(capture.take());
  }
  if (!node.attribute.empty()) {
    Value target = lookup(node.targets[0]);
    if (!target.is_namespace())
      throw RenderError("cannot assign attribute on non-namespace object");
    target.dict_ref().set(node.attribute, std::move(value));
    return;
  }
  if (node.targets.size() == 1) {
    assign(node.targets[0], std::move(value));
    return;
  }
  const Array parts = iterate(value);
  if (parts.size() != node.targets.size())
    throw RenderError("cannot unpack " + std::to_string(parts.size()) + " values into " +
                      std::to_string(node.targets.size()) + " names");
  for (std::size_t i = 0; i < parts.size(); ++i) assign(node.targets[i], parts[i]);
}

Value Evaluator::make_macro(const std::vector<std::string>& params,
                            const std::vector<ExprPtr>& defaults, const Body& body,
                            std::string name, std::shared_ptr<Frame> snapshot) {
  // The tree outlives the render, and the Evaluator outlives every Value of the render.
  return Value::function(
      name, [this, &params, &defaults, &body, name, snapshot](CallArgs& args) -> Value {
        Depth depth(*this);
        if (args.args.size() > params.size())
          throw RenderError("macro '" + name + "' takes not more than " +
                            std::to_string(params.size()) + " argument(s)");
        Frame frame;
        frame.barrier = snapshot == nullptr;
        for (std::size_t i = 0; i < args.args.size(); ++i) frame.vars[params[i]] = args.args[i];
        for (auto& [key, value] : args.kwargs) {
          bool known = key == "caller";
          for (const auto& p : params) known = known || p == key;
          if (!known)
            throw RenderError("macro '" + name + "' takes no keyword argument '" + key + "'");
          frame.vars[key] = value;
        }
        std::optional<Scope> outer;
        if (snapshot) outer.emplace(*this, *snapshot);
        Scope scope(*this, std::move(frame));
        for (std::size_t i = args.args.size(); i < params.size(); ++i) {
          if (frames_.back().vars.count(params[i])) continue;
          frames_.back().vars[params[i]] =
              defaults[i] ? eval(*defaults[i])
                          : Value::undefined("parameter '" + params[i] + "' was not provided");
        }
        Capture capture(*this);
        exec_body(body);
        return Value(capture.take());
      });
}

Value Evaluator::call(const Value& callee, CallArgs& args) {
  if (callee.is_undefined()) fail_undefined(callee);
  if (!callee.is_function())
    throw RenderError("'" + type_name(callee) + "' object is not callable");
  return callee.function().fn(args);
}

CallArgs Evaluator::eval_args(const Arguments& args) {
  CallArgs out;
  for (const auto& e : args.positional) out.args.push_back(eval(*e));
  for (const auto& [k, e] : args.keyword) out.kwargs.emplace_back(k, eval(*e));
  return out;
}

Value Evaluator::eval(const Expr& expr) {
  Depth depth(*this);
  if (auto* n = std::get_if<Literal>(&expr.node)) return n->value;
  if (auto* n = std::get_if<Name>(&expr.node)) return lookup(n->name);
  if (auto* n = std::get_if<ListLiteral>(&expr.node)) {
    Array items;
    for (const auto& e : n->items) items.push_back(eval(*e));
    return n->tuple ? Value::tuple(std::move(items)) : Value::list(std::move(items));
  }
  if (auto* n = std::get_if<DictLiteral>(&expr.node)) {
    Dict d;
    for (const auto& [k, v] : n->items) {
      const Value key = eval(*k);
      if (!key.is_string()) throw RenderError("only string keys are supported in dict literals");
      d.set(key.str(), eval(*v));
    }
    return Value::dict(std::move(d));
  }
  if (auto* n = std::get_if<GetAttr>(&expr.node)) {
    const Value object = eval(*n->object);
    if (object.is_undefined()) fail_undefined(object);
    return get_attribute(object, n->attr);
  }
  if (auto* n = std::get_if<GetItem>(&expr.node)) {
    const Value object = eval(*n->object);
    if (object.is_undefined()) fail_undefined(object);
    return get_item(object, eval(*n->index));
  }
  if (auto* n = std::get_if<ast::Slice>(&expr.node)) {
    const Value object = eval(*n->object);
    if (object.is_undefined()) fail_undefined(object);
    auto part = [&](const ExprPtr& e) { return e ? eval(*e) : Value::none(); };
    return slice(object, part(n->start), part(n->stop), part(n->step));
  }
  if (auto* n = std::get_if<Call>(&expr.node)) {
    const Value callee = eval(*n->callee);
    CallArgs args = eval_args(n->args);
    return call(callee, args);
  }
  if (auto* n = std::get_if<ast::Filter>(&expr.node)) {
    const Value operand = eval(*n->operand);
    CallArgs args = eval_args(n->args);
    return apply_filter(*this, n->name, operand, args);
  }
  if (auto* n = std::get_if<ast::Test>(&expr.node)) {
    const Value operand = eval(*n->operand);
    CallArgs args = eval_args(n->args);
    return Value(apply_test(n->name, operand, args) != n->negated);
  }
  if (auto* n = std::get_if<Unary>(&expr.node)) {
    const Value v = eval(*n->operand);
    if (n->op == UnaryOp::Not) return Value(!truthy(v));
    if (v.is_undefined()) fail_undefined(v);
    if (!v.is_number()) throw RenderError("bad operand type for unary -: '" + type_name(v) + "'");
    if (n->op == UnaryOp::Pos) return v.is_float() ? v : Value(v.as_int());
    if (v.is_float()) return Value(-v.as_float());
    return binary_op(BinaryOp::Sub, Value(0), v, limits_.max_output_bytes);
  }
  if (auto* n = std::get_if<Binary>(&expr.node)) return eval_binary(*n);
  if (auto* n = std::get_if<Compare>(&expr.node)) return Value(eval_compare(*n));
  if (auto* n = std::get_if<Conditional>(&expr.node)) {
    if (truthy(eval(*n->condition))) return eval(*n->then);
    return n->otherwise ? eval(*n->otherwise)
                        : Value::undefined("conditional expression is undefined");
  }
  throw RenderError("unsupported expression");
}

bool Evaluator::eval_compare(const Compare& node) {
  Value lhs = eval(*node.first);
  for (const auto& [op, expr] : node.rest) {
    Value rhs = eval(*expr);
    bool ok = false;
    switch (op) {
      case CompareOp::Eq:
        ok = equals(lhs, rhs);
        break;
      case CompareOp::Ne:
        ok = !equals(lhs, rhs);
        break;
      case CompareOp::Lt:
        ok = less(lhs, rhs);
        break;
      case CompareOp::Le:
        ok = !less(rhs, lhs);
        break;
      case CompareOp::Gt:
        ok = less(rhs, lhs);
        break;
      case CompareOp::Ge:
        ok = !less(lhs, rhs);
        break;
      case CompareOp::In:
        ok = contains(rhs, lhs);
        break;
      case CompareOp::NotIn:
        ok = !contains(rhs, lhs);
        break;
    }
    if (!ok) return false;
    lhs = std::move(rhs);
  }
  return true;
}

Value Evaluator::eval_binary(const Binary& node) {
  if (node.op == BinaryOp::And) {
    Value lhs = eval(*node.lhs);
    return truthy(lhs) ? eval(*node.rhs) : lhs;
  }
  if (node.op == BinaryOp::Or) {
    Value lhs = eval(*node.lhs);
    return truthy(lhs) ? lhs : eval(*node.rhs);
  }
  const Value a = eval(*node.lhs);
  const Value b = eval(*node.rhs);
  if (node.op != BinaryOp::Concat) {
    if (a.is_undefined()) fail_undefined(a);
    if (b.is_undefined()) fail_undefined(b);
  }
  return binary_op(node.op, a, b, limits_.max_output_bytes);
}

}  // namespace tandem::templates
