#include "api/chat_prompt.h"

#include "http/api_error.h"
#include "template/jinja/error.h"

namespace tandem::api {

std::string render_chat(const templates::ChatTemplate& t,
                        const std::vector<templates::ChatMessage>& messages,
                        const templates::ChatRenderOptions& opts) {
  try {
    return t.render(messages, opts);
  } catch (const templates::RaisedError& e) {
    throw http::bad_field("messages", std::string("the model's chat template refuses these "
                                                  "messages: ") +
                                          e.what());
  } catch (const templates::TemplateError& e) {
    throw http::bad_field(
        "messages", std::string("the model's chat template failed on these messages: ") + e.what());
  }
}

}  // namespace tandem::api
