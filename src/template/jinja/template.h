// Public entry point of Tandem's Jinja renderer: parses a Hugging Face chat template once and
// renders it as transformers' apply_chat_template would (jinja2 ImmutableSandboxedEnvironment
// with trim_blocks, lstrip_blocks, loopcontrols, the {% generation %} tag, and the tojson,
// raise_exception and strftime_now additions).
//
//   auto t = tandem::templates::Template::parse(source);          // throws ParseError
//   std::string prompt = t.render({{"messages", msgs}, {"add_generation_prompt", true}});
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "template/jinja/error.h"
#include "template/jinja/evaluator.h"

namespace tandem::templates {

namespace ast {
struct Stmt;
}

struct RenderOptions {
  Limits limits;
  // Pins strftime_now to this Unix time (formatted in UTC); unset: the local wall clock.
  std::optional<std::int64_t> now_epoch_seconds;
};

class Template {
 public:
  // Throws ParseError (with line and column) for malformed or unsupported syntax.
  static Template parse(std::string_view source);

  // `context` must be a JSON object; its members become template variables. Throws
  // RaisedError for raise_exception(), RenderError for other failures and exceeded limits.
  std::string render(const nlohmann::ordered_json& context,
                     const RenderOptions& options = {}) const;

 private:
  explicit Template(std::shared_ptr<const std::vector<std::unique_ptr<ast::Stmt>>> body)
      : body_(std::move(body)) {}
  std::shared_ptr<const std::vector<std::unique_ptr<ast::Stmt>>> body_;
};

}  // namespace tandem::templates
