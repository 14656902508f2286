// Jinja chat templates: any source parses or fails with ParseError; a parsed template renders
// a fixed conversation or fails with a TemplateError, within the renderer's limits (no crash,
// no hang, bounded output).
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string_view>

#include "template/jinja/error.h"
#include "template/jinja/template.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const nlohmann::ordered_json context = {
      {"messages",
       {{{"role", "system"}, {"content", "Be brief."}},
        {{"role", "user"}, {"content", "Hi <b>there</b>"}},
        {{"role", "assistant"},
         {"content", ""},
         {"tool_calls",
          {{{"id", "c1"},
            {"type", "function"},
            {"function", {{"name", "f"}, {"arguments", {{"x", 1}}}}}}}}},
        {{"role", "tool"}, {"tool_call_id", "c1"}, {"content", "42"}}}},
      {"tools", nullptr},
      {"add_generation_prompt", true},
      {"bos_token", "<s>"},
      {"eos_token", "</s>"}};
  tandem::templates::RenderOptions opts;
  opts.now_epoch_seconds = 0;
  opts.limits.max_output_bytes = 1 << 20;
  opts.limits.max_loop_iterations = 100000;
  try {
    const auto t = tandem::templates::Template::parse(
        std::string_view(reinterpret_cast<const char*>(data), size));
    (void)t.render(context, opts);
  } catch (const tandem::templates::TemplateError&) {
  }
  return 0;
}
