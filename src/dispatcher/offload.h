// Dynamic offload: what the edge cannot serve within its budget, read from the request — a
// content part it has no encoder for, an answer longer than its budget, KV that would take
// free memory under the guard's floor. router::decide turns these signals into the
// offload:* reasons (the context rule is its own).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

namespace tandem::dispatcher {

// The type of the first content part of a chat message that is not text ("image_url",
// "input_audio", …); empty when every part is text (or malformed: the parser says why).
std::string non_text_modality(const nlohmann::ordered_json& body);
// The body with every non-text content part dropped: what the edge parses, scans and routes
// on. The Commander gets the whole body (its text masked).
nlohmann::ordered_json text_parts_only(const nlohmann::ordered_json& body);

// The answer length the edge allows a request asking max_tokens (< 0: not given) under its
// budget (<= 0: none; < 0 returned: unbounded). A local answer is clamped to the budget.
int64_t edge_answer_tokens(int64_t max_tokens, int64_t budget);
// The KV bytes a request fills on the edge: prompt + answer positions, at most the context
// (an unbounded answer may fill it), per_position bytes each.
uint64_t projected_kv_bytes(int64_t prompt_tokens, int64_t answer_tokens, int64_t n_ctx,
                            uint64_t per_position);

}  // namespace tandem::dispatcher
