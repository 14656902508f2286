#include "sdk/edge_chat.h"

#include <string_view>

#include "sdk/c_error.h"

namespace tandem::sdk {

void check_role(const char* role) {
  if (!role) throw SdkError{TANDEM_ERR_INVALID_ARGUMENT, "role is NULL"};
  const std::string_view r(role);
  if (r != "system" && r != "user" && r != "assistant" && r != "tool")
    throw SdkError{TANDEM_ERR_INVALID_ARGUMENT,
                   "unknown role '" + std::string(r) + "' (system, user, assistant or tool)"};
}

EdgeReply edge_chat_reply(dispatcher::EdgeEngine& e,
                          const std::vector<templates::ChatMessage>& messages,
                          const engine::SamplerParams& s, int64_t max_tokens,
                          const PieceFn& on_piece) {
  const auto tokens = e.encode(e.render(messages));
  check_fits(e, tokens);
  dispatcher::EdgeSession session(e);
  session.prefill(tokens);
  dispatcher::EdgeSession::Options o;
  o.sampling = s;
  o.max_tokens = max_tokens;
  o.trim_leading = true;       // as the servers' chat answers
  o.end_of_turn_stops = true;  // the template's end-of-turn token ends the reply
  session.start(std::move(o));
  return drain(session, e.tokenizer(), on_piece);
}

EdgeReply edge_complete(dispatcher::EdgeEngine& e, const std::string& prompt,
                        const engine::SamplerParams& s, int64_t max_tokens,
                        const PieceFn& on_piece) {
  const auto tokens = e.encode_plain(prompt);
  check_fits(e, tokens);
  dispatcher::EdgeSession session(e);
  session.prefill(tokens);
  dispatcher::EdgeSession::Options o;
  o.sampling = s;
  o.max_tokens = max_tokens;
  o.end_of_turn_stops = false;  // as the servers' /v1/completions
  session.start(std::move(o));
  return drain(session, e.tokenizer(), on_piece);
}

}  // namespace tandem::sdk

int tandem_chat::send(const char* role, const char* content, const tandem::sdk::PieceFn& on_piece) {
  using namespace tandem::sdk;
  check_role(role);
  if (!content) throw SdkError{TANDEM_ERR_INVALID_ARGUMENT, "content is NULL"};
  last_reply.clear();
  messages.emplace_back(role, content);
  try {
    const auto s = sampling(params.temperature, params.top_p, params.top_k, params.seed);
    const EdgeReply r = edge_chat_reply(*model->edge, messages, s, params.max_tokens, on_piece);
    last_reply = r.text;
    messages.emplace_back("assistant", r.text);
    return r.stopped ? TANDEM_STOPPED : TANDEM_OK;
  } catch (...) {
    messages.pop_back();
    throw;
  }
}

void tandem_chat::reset() {
  messages.clear();
  last_reply.clear();
  if (!system.empty()) messages.emplace_back("system", system);
}
