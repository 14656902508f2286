// A chat request's prompt text: its messages rendered with the model's chat template.
#pragma once

#include <string>
#include <vector>

#include "template/chat_template.h"

namespace tandem::api {

// A Jinja template that refuses the messages (raise_exception, for example roles that do not
// alternate) is the client's error: ApiError 400 naming `messages`, with the template's words.
std::string render_chat(const templates::ChatTemplate& t,
                        const std::vector<templates::ChatMessage>& messages,
                        const templates::ChatRenderOptions& opts = {});

}  // namespace tandem::api
