// Prompt compression of a chat bound for the Commander (dispatcher/cloud/prompt_compression.h):
// the edge model scores each user message's tokens, on the edge scheduler's thread between two
// generation steps, with a private KV cache (the sequences' caches are untouched).
#include <algorithm>

#include "compress/surprisal.h"
#include "dispatcher/cloud/prompt_compression.h"
#include "dispatcher/dispatcher_service.h"
#include "dispatcher/dispatcher_walk.h"

namespace tandem::dispatcher {

std::string DispatcherService::compress_for_cloud(const Walk& w, nlohmann::ordered_json& body) {
  strip_compress_field(body);
  if (!w.chat()) return {};
  const auto o = compression_for(w.compress, opts_.compression, w.signals.prompt_tokens);
  if (!o) return {};
  const auto& tok = edge_->tokenizer();
  const SurprisalFn score = [this, &tok](std::span<const tokenizer::TokenId> ids) {
    std::vector<float> s;
    edge_->run_exclusive([&] {
      const auto ctx = static_cast<int32_t>(
          std::min<int64_t>(edge_->n_ctx(), static_cast<int64_t>(ids.size()) + 1));
      engine::KvCache cache(edge_->model().config(), std::max<int32_t>(ctx, 2));
      s = compress::token_surprisal(edge_->transformer(), cache, ids, tok.bos());
    });
    return s;
  };
  const auto totals = compress_user_messages(body, tok, score, *o);
  if (totals.tokens_before == 0) return {};
  return totals.header();
}

}  // namespace tandem::dispatcher
