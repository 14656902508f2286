#include "dispatcher/offload.h"

#include <algorithm>

namespace tandem::dispatcher {

using ojson = nlohmann::ordered_json;

namespace {

// A well-formed content part whose type is not "text".
bool non_text(const ojson& part) {
  if (!part.is_object()) return false;
  const auto t = part.find("type");
  return t != part.end() && t->is_string() && t->get<std::string>() != "text";
}

template <typename F>
void for_each_content_array(const ojson& body, F f) {
  const auto m = body.find("messages");
  if (m == body.end() || !m->is_array()) return;
  for (size_t i = 0; i < m->size(); ++i) {
    const auto& msg = (*m)[i];
    if (!msg.is_object()) continue;
    const auto c = msg.find("content");
    if (c != msg.end() && c->is_array()) f(i, *c);
  }
}

}  // namespace

std::string non_text_modality(const ojson& body) {
  std::string found;
  for_each_content_array(body, [&](size_t, const ojson& parts) {
    for (const auto& p : parts)
      if (found.empty() && non_text(p)) found = p["type"].get<std::string>();
  });
  return found;
}

ojson text_parts_only(const ojson& body) {
  ojson out = body;
  for_each_content_array(body, [&](size_t i, const ojson& parts) {
    ojson kept = ojson::array();
    for (const auto& p : parts)
      if (!non_text(p)) kept.push_back(p);
    out["messages"][i]["content"] = std::move(kept);
  });
  return out;
}

int64_t edge_answer_tokens(int64_t max_tokens, int64_t budget) {
  if (budget <= 0) return max_tokens;
  return max_tokens < 0 ? budget : std::min(max_tokens, budget);
}

uint64_t projected_kv_bytes(int64_t prompt_tokens, int64_t answer_tokens, int64_t n_ctx,
                            uint64_t per_position) {
  int64_t positions = answer_tokens < 0 ? n_ctx : prompt_tokens + answer_tokens;
  if (n_ctx > 0) positions = std::min(positions, n_ctx);
  return static_cast<uint64_t>(std::max<int64_t>(0, positions)) * per_position;
}

}  // namespace tandem::dispatcher
