#include "api/answer_writer.h"

#include "api/openai_schema.h"
#include "http/api_error.h"

namespace tandem::api {

using nlohmann::json;

std::string error_event(const std::string& message) {
  return sse_event(http::ApiError(500, message, "server_error").to_json());
}

json usage_chunk(json chunk, const json& usage) {
  chunk["choices"] = json::array();
  chunk["usage"] = usage;
  return chunk;
}

// ---- chat ----------------------------------------------------------------------------------

ChatAnswerWriter::ChatAnswerWriter(AnswerOptions o, const tokenizer::Tokenizer& tok)
    : o_(std::move(o)), tok_(tok), output_(o_.tools, o_.tool_format, o_.return_reasoning) {}

std::string ChatAnswerWriter::open() {
  // OpenAI opens with the role alone.
  return sse_event(chat_chunk(o_.meta, {{"role", "assistant"}, {"content", ""}}, nullptr));
}

std::string ChatAnswerWriter::step(const serving::TextDelta& d,
                                   const std::vector<serving::TokenLogprob>& tokens) {
  const bool logprobs = o_.logprobs >= 0;
  if (logprobs) tokens_.insert(tokens_.end(), tokens.begin(), tokens.end());
  auto deltas = output_.push(d);
  if (!o_.stream) return "";
  json lp =
      logprobs && !tokens.empty() ? chat_logprobs_json(tokens, tok_, o_.logprobs) : json(nullptr);
  if (deltas.empty() && !lp.is_null()) deltas.push_back(json::object());
  std::string out;
  for (size_t i = 0; i < deltas.size(); ++i)  // logprobs ride on the step's first delta
    out += sse_event(chat_chunk(o_.meta, deltas[i], nullptr, i == 0 ? lp : nullptr));
  return out;
}

std::string ChatAnswerWriter::finish(serving::FinishReason r, const std::string& error,
                                     const json& usage) {
  std::string out;
  for (const json& d : output_.finish()) out += sse_event(chat_chunk(o_.meta, d, nullptr));
  if (r == serving::FinishReason::kError) out += error_event("generation failed: " + error);
  out += sse_event(chat_chunk(o_.meta, json::object(), output_.finish_reason(r)));
  if (o_.include_usage)
    out += sse_event(usage_chunk(chat_chunk(o_.meta, json::object(), nullptr), usage));
  return out;
}

json ChatAnswerWriter::body(serving::FinishReason r, const json& usage) const {
  // body() is const and called once at the end: flush a copy of the held-back text.
  ChatOutput out = output_;
  out.finish();
  json choice = {{"index", 0},
                 {"message", out.message()},
                 {"finish_reason", out.finish_reason(r)},
                 {"logprobs", o_.logprobs >= 0 ? chat_logprobs_json(tokens_, tok_, o_.logprobs)
                                               : json(nullptr)}};
  return {
      {"id", o_.meta.id},       {"object", "chat.completion"},      {"created", o_.meta.created},
      {"model", o_.meta.model}, {"choices", json::array({choice})}, {"usage", usage}};
}

// ---- completions ---------------------------------------------------------------------------

CompletionAnswerWriter::CompletionAnswerWriter(AnswerOptions o, const tokenizer::Tokenizer& tok,
                                               const EchoedPrompt* echo, size_t text_offset0)
    : o_(std::move(o)),
      tok_(tok),
      echo_(echo != nullptr),
      prompt_(echo ? *echo : EchoedPrompt{}),
      offset0_(text_offset0 + prompt_.text.size()),
      offset_(offset0_) {}

json CompletionAnswerWriter::echo_logprobs() const {
  return completion_logprobs_json({prompt_.first}, prompt_.logprobs, tok_, o_.logprobs, 0);
}

std::string CompletionAnswerWriter::open() {
  if (!echo_) return "";
  return sse_event(completion_chunk(o_.meta, prompt_.text, nullptr,
                                    o_.logprobs >= 0 ? echo_logprobs() : json(nullptr)));
}

std::string CompletionAnswerWriter::step(const serving::TextDelta& d,
                                         const std::vector<serving::TokenLogprob>& tokens) {
  const std::string& text = d.content;
  text_ += text;
  const bool logprobs = o_.logprobs >= 0;
  if (logprobs) tokens_.insert(tokens_.end(), tokens.begin(), tokens.end());
  if (!o_.stream || (text.empty() && (!logprobs || tokens.empty()))) return "";
  json lp =
      logprobs ? completion_logprobs_json({}, tokens, tok_, o_.logprobs, offset_) : json(nullptr);
  offset_ += text.size();
  return sse_event(completion_chunk(o_.meta, text, nullptr, lp));
}

std::string CompletionAnswerWriter::finish(serving::FinishReason r, const std::string& error,
                                           const json& usage) {
  std::string out;
  if (r == serving::FinishReason::kError) out += error_event("generation failed: " + error);
  out += sse_event(completion_chunk(o_.meta, "", finish_reason_name(r)));
  if (o_.include_usage)
    out += sse_event(usage_chunk(completion_chunk(o_.meta, "", nullptr), usage));
  return out;
}

json CompletionAnswerWriter::body(serving::FinishReason r, const json& usage) const {
  json lp = nullptr;
  if (o_.logprobs >= 0) {
    json gen = completion_logprobs_json({}, tokens_, tok_, o_.logprobs, offset0_);
    if (echo_) {
      lp = echo_logprobs();
      for (const char* k : {"tokens", "token_logprobs", "top_logprobs", "text_offset"})
        for (auto& v : gen[k]) lp[k].push_back(v);
    } else {
      lp = gen;
    }
  }
  json choice = {{"index", 0},
                 {"text", prompt_.text + text_},
                 {"logprobs", lp},
                 {"finish_reason", finish_reason_name(r)}};
  return {
      {"id", o_.meta.id},       {"object", "text_completion"},      {"created", o_.meta.created},
      {"model", o_.meta.model}, {"choices", json::array({choice})}, {"usage", usage}};
}

}  // namespace tandem::api
