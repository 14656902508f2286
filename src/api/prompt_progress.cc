#include "api/prompt_progress.h"

namespace tandem::api {

using nlohmann::json;

std::string progress_event(const ResponseMeta& meta, bool chat, const serving::PrefillProgress& p) {
  return sse_event({{"id", meta.id},
                    {"object", chat ? "chat.completion.chunk" : "text_completion"},
                    {"created", meta.created},
                    {"model", meta.model},
                    {"choices", json::array()},
                    {"prompt_progress",
                     {{"total", p.total},
                      {"cache", p.cache},
                      {"processed", p.processed},
                      {"time_ms", p.time_ms}}}});
}

std::string PrefillProgressEvents::next(serving::SeqStream& s) {
  if (!active_) return "";
  const auto p = s.wait_prefill_progress(seen_);
  if (p.done() || p.processed <= seen_) active_ = false;  // over, or output came first
  if (p.total == 0 || p.processed <= seen_) return "";
  seen_ = p.processed;
  return progress_event(meta_, chat_, p);
}

}  // namespace tandem::api
