#include "template/jinja/template.h"

#include "template/jinja/ast.h"
#include "template/jinja/builtins.h"
#include "template/jinja/parser.h"

namespace tandem::templates {

Template Template::parse(std::string_view source) {
  return Template(std::make_shared<const ast::Body>(parse_template(source)));
}

std::string Template::render(const nlohmann::ordered_json& context,
                             const RenderOptions& options) const {
  if (!context.is_object() && !context.is_null())
    throw RenderError("template context must be a JSON object");
  Dict vars;
  if (context.is_object())
    for (const auto& [key, value] : context.items()) vars.set(key, from_json(value));
  GlobalsConfig config;
  config.now_epoch_seconds = options.now_epoch_seconds;
  Evaluator evaluator(make_globals(config), options.limits);
  return evaluator.render(*body_, vars);
}

}  // namespace tandem::templates
