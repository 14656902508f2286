// The JSON of a generated answer, in one place: the Commander's chat answers, the
// Dispatcher's edge route, the edge continuing a Commander's answer after a failure, and the
// cloud-speculative answers (whose tokens the edge turns into text). Streamed: SSE events per
// step, then the finish; not streamed: the whole body at the end. Chat answers go through
// ChatOutput, which holds back text that may open a tool call and reports the calls as the
// Commander does.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "api/chat_output.h"
#include "api/openai_response.h"
#include "serving/sequence.h"
#include "serving/text_stream.h"
#include "tokenizer/tokenizer.h"

namespace tandem::api {

struct AnswerOptions {
  ResponseMeta meta;
  bool stream = false;
  bool include_usage = false;  // streamed: a usage chunk after the finish
  // Chat: < 0 none, else `top_logprobs`; completions: `logprobs` (< 0 none).
  int32_t logprobs = -1;
  bool return_reasoning = false;  // chat: reasoning_content beside content
  // Chat: the request's tools and the edge template's call format (calls are recognised
  // only when the tools are active).
  ToolSpec tools;
  ToolFormat tool_format = ToolFormat::kGeneric;
};

class AnswerWriter {
 public:
  virtual ~AnswerWriter() = default;
  // Streamed: the events before the first token (chat: the role; completions: the echo).
  virtual std::string open() = 0;
  // One step: text safe to show now and the tokens behind it. Streamed: its events ("" when
  // there is nothing to send); always: collected for body().
  virtual std::string step(const serving::TextDelta& delta,
                           const std::vector<serving::TokenLogprob>& tokens) = 0;
  // Streamed: the end (an error event if generation failed, the finish chunk, the usage).
  virtual std::string finish(serving::FinishReason r, const std::string& error,
                             const nlohmann::json& usage) = 0;
  // Not streamed: the whole response.
  virtual nlohmann::json body(serving::FinishReason r, const nlohmann::json& usage) const = 0;
};

class ChatAnswerWriter final : public AnswerWriter {
 public:
  ChatAnswerWriter(AnswerOptions o, const tokenizer::Tokenizer& tok);
  std::string open() override;
  std::string step(const serving::TextDelta& delta,
                   const std::vector<serving::TokenLogprob>& tokens) override;
  std::string finish(serving::FinishReason r, const std::string& error,
                     const nlohmann::json& usage) override;
  nlohmann::json body(serving::FinishReason r, const nlohmann::json& usage) const override;

 private:
  AnswerOptions o_;
  const tokenizer::Tokenizer& tok_;
  ChatOutput output_;
  std::vector<serving::TokenLogprob> tokens_;
};

// The echoed prompt of a completion: its text and, with logprobs, its tokens' scores (the
// first token has none).
struct EchoedPrompt {
  std::string text;
  tokenizer::TokenId first = -1;
  std::vector<serving::TokenLogprob> logprobs;  // tokens 1..n-1
};

class CompletionAnswerWriter final : public AnswerWriter {
 public:
  // echo: null, or the prompt to echo. text_offset0: where this answer's text starts in the
  // client's text (a continuation after text the client already has).
  CompletionAnswerWriter(AnswerOptions o, const tokenizer::Tokenizer& tok, const EchoedPrompt* echo,
                         size_t text_offset0 = 0);
  std::string open() override;
  std::string step(const serving::TextDelta& delta,
                   const std::vector<serving::TokenLogprob>& tokens) override;
  std::string finish(serving::FinishReason r, const std::string& error,
                     const nlohmann::json& usage) override;
  nlohmann::json body(serving::FinishReason r, const nlohmann::json& usage) const override;

 private:
  nlohmann::json echo_logprobs() const;

  AnswerOptions o_;
  const tokenizer::Tokenizer& tok_;
  bool echo_;
  EchoedPrompt prompt_;
  size_t offset0_, offset_;
  std::string text_;
  std::vector<serving::TokenLogprob> tokens_;
};

// An error inside a stream (generation failed after the answer started).
std::string error_event(const std::string& message);
// The usage chunk that ends a stream whose client asked for it.
nlohmann::json usage_chunk(nlohmann::json chunk, const nlohmann::json& usage);

}  // namespace tandem::api
