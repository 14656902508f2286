#include "api/openai_response.h"

#include <fmt/format.h>
#include <atomic>
#include <chrono>
#include <random>

#include "http/json_util.h"

namespace tandem::api {

using nlohmann::json;

json usage_json(int64_t prompt_tokens, int64_t completion_tokens, int64_t cached_tokens) {
  json u = {{"prompt_tokens", prompt_tokens},
            {"completion_tokens", completion_tokens},
            {"total_tokens", prompt_tokens + completion_tokens}};
  if (cached_tokens >= 0) u["prompt_tokens_details"] = {{"cached_tokens", cached_tokens}};
  return u;
}

namespace {
json bytes_of(const std::string& s) {
  json b = json::array();
  for (unsigned char c : s) b.push_back(static_cast<int>(c));
  return b;
}
}  // namespace

json chat_logprobs_json(const std::vector<serving::TokenLogprob>& toks,
                        const tokenizer::Tokenizer& t, int32_t n_top) {
  json content = json::array();
  for (const auto& x : toks) {
    const std::string piece = t.token_to_piece(x.id);
    json top = json::array();
    for (size_t i = 0; i < x.top.size() && static_cast<int32_t>(i) < n_top; ++i) {
      const std::string p = t.token_to_piece(x.top[i].first);
      top.push_back({{"token", p}, {"logprob", x.top[i].second}, {"bytes", bytes_of(p)}});
    }
    content.push_back({{"token", piece},
                       {"logprob", x.logprob},
                       {"bytes", bytes_of(piece)},
                       {"top_logprobs", top}});
  }
  return {{"content", content}};
}

json completion_logprobs_json(const std::vector<tokenizer::TokenId>& lead,
                              const std::vector<serving::TokenLogprob>& toks,
                              const tokenizer::Tokenizer& t, int32_t n_top, size_t text_offset0) {
  json tokens = json::array(), lps = json::array(), tops = json::array(), offsets = json::array();
  size_t offset = text_offset0;
  auto add = [&](tokenizer::TokenId id, const serving::TokenLogprob* lp) {
    const std::string piece = t.token_to_piece(id);
    tokens.push_back(piece);
    offsets.push_back(offset);
    offset += piece.size();
    if (!lp) {
      lps.push_back(nullptr);
      tops.push_back(nullptr);
      return;
    }
    lps.push_back(lp->logprob);
    json top = json::object();
    for (size_t i = 0; i < lp->top.size() && static_cast<int32_t>(i) < n_top; ++i)
      top[t.token_to_piece(lp->top[i].first)] = lp->top[i].second;
    tops.push_back(top);
  };
  for (tokenizer::TokenId id : lead) add(id, nullptr);
  for (const auto& x : toks) add(x.id, &x);
  return {{"tokens", tokens},
          {"token_logprobs", lps},
          {"top_logprobs", tops},
          {"text_offset", offsets}};
}

json chat_chunk(const ResponseMeta& m, json delta, const char* finish, json logprobs) {
  json choice = {{"index", 0}, {"delta", std::move(delta)}, {"logprobs", std::move(logprobs)}};
  choice["finish_reason"] = finish ? json(finish) : json(nullptr);
  return {{"id", m.id},
          {"object", "chat.completion.chunk"},
          {"created", m.created},
          {"model", m.model},
          {"choices", json::array({choice})}};
}

json completion_chunk(const ResponseMeta& m, const std::string& text, const char* finish,
                      json logprobs) {
  json choice = {{"index", 0}, {"text", text}, {"logprobs", std::move(logprobs)}};
  choice["finish_reason"] = finish ? json(finish) : json(nullptr);
  return {{"id", m.id},
          {"object", "text_completion"},
          {"created", m.created},
          {"model", m.model},
          {"choices", json::array({choice})}};
}

std::string sse_event(const json& j) {
  return "data: " + http::dump(j) + "\n\n";
}

std::string new_id(const char* prefix) {
  static std::atomic<uint64_t> counter{0};
  static const uint64_t salt = std::random_device{}();
  return fmt::format("{}-{:x}{:06x}", prefix, salt & 0xffffffff, ++counter);
}

int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace tandem::api
