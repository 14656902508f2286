#include "api/prompt_guard.h"

#include <algorithm>
#include <string>

#include "http/api_error.h"

namespace tandem::api {

PromptGuard::PromptGuard(const tokenizer::Tokenizer& tok) {
  for (int32_t id = 0; id < tok.n_vocab(); ++id)
    max_piece_ = std::max(max_piece_, tok.token_to_piece(id, /*render_special=*/true).size());
}

void PromptGuard::check(size_t text_bytes, int64_t n_ctx, const char* param) const {
  if (could_fit(text_bytes, n_ctx)) return;
  throw http::ApiError(400,
                       "the prompt is " + std::to_string(text_bytes) +
                           " bytes: more than this model's context of " + std::to_string(n_ctx) +
                           " tokens can hold (no token covers more than " +
                           std::to_string(max_piece_) + " bytes)",
                       "invalid_request_error", param, "context_length_exceeded");
}

}  // namespace tandem::api
