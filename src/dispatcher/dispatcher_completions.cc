// POST /v1/completions on the Dispatcher: the prompt text (no chat template) is scanned and
// routed like a chat's last user message; the edge answers from its routing prefill, or the
// masked prompt goes to the Commander's /v1/completions and its text comes back unmasked.
// Token-id prompts are the edge vocabulary's: they are decoded for the scan and the routing,
// the edge answers from the ids themselves, and the Commander gets the decoded text, masked
// (ids cannot be masked, and its vocabulary may differ).
#include <variant>

#include "dispatcher/dispatcher_service.h"
#include "dispatcher/dispatcher_walk.h"
#include "http/api_error.h"

namespace tandem::dispatcher {

void DispatcherService::completions(const httplib::Request& http_req, httplib::Response& res) {
  auto w = std::make_shared<Walk>();
  w->wants_sent_to_cloud = wants_sent_to_cloud(http_req);
  w->kind = AnswerKind::kCompletion;
  w->body = api::parse_body_ordered(http_req.body);
  w->creq = api::parse_completion_request(w->body, opts_.sampling);
  check_model(w->creq.model);
  const auto& tok = edge_->tokenizer();
  if (const auto* text = std::get_if<std::string>(&w->creq.prompt)) {
    w->prompt_text = *text;
    tokenize_for_edge(*w, *text, /*chat=*/false);
  } else {
    w->tokens = std::get<std::vector<tokenizer::TokenId>>(w->creq.prompt);
    for (tokenizer::TokenId id : w->tokens)
      if (id >= tok.n_vocab())
        throw http::bad_field("prompt", "token id " + std::to_string(id) +
                                            " is outside the vocabulary of " +
                                            std::to_string(tok.n_vocab()));
    w->prompt_text = tok.decode(w->tokens);
  }
  if (w->tokens.empty() && !w->too_long_for_edge)
    throw http::bad_field("prompt", "the prompt has no tokens");
  w->sampling = sampling_for(w->creq.gen);
  // The prompt is scanned and classified as the one user message of a conversation.
  const std::vector<templates::ChatMessage> as_chat{{"user", w->prompt_text}};
  w->conversation = conversation_id(w->body, http_req, as_chat);
  w->signals = routing_->scan(as_chat);
  route_and_answer(w, res);
}

}  // namespace tandem::dispatcher
