// The privacy boundary on the way out: the request bodies the Commander receives, every text
// of the conversation masked with the conversation's Masker. Message contents (strings and
// text parts), participants' `name`s, assistants' tool-call arguments and tool results are
// text leaving the device; tool definitions (`tools`) and function names are not private and
// leave as they are. Key order is kept (a JSON Schema's properties are generated in order).
#pragma once

#include <httplib.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "privacy/masker.h"
#include "template/chat_template.h"

namespace tandem::dispatcher {

// The identity of a conversation: the body's "user", else the x-tandem-conversation header,
// else a hash of the first user message.
std::string conversation_id(const nlohmann::ordered_json& body, const httplib::Request& req,
                            const std::vector<templates::ChatMessage>& messages);

// The chat body as the Commander gets it: `user` dropped, `model` set to commander_model
// (empty: dropped), every text masked. Every value is learned before anything is masked, so
// a value found in a later message is masked in earlier ones too.
nlohmann::ordered_json masked_chat_body(const nlohmann::ordered_json& body, privacy::Masker& masker,
                                        const std::string& commander_model);

// A /v1/completions body as the Commander gets it: the prompt replaced by `prompt_text`
// masked (token-id prompts leave as their decoded, masked text).
nlohmann::ordered_json masked_completion_body(const nlohmann::ordered_json& body,
                                              const std::string& prompt_text,
                                              privacy::Masker& masker,
                                              const std::string& commander_model);

// Tool-call arguments (a JSON string) masked value by value: string values masked, and a
// number holding PII (a phone written as a number) becomes the placeholder string. Text that
// is not JSON is masked as text. learn_only: register the values, change nothing.
std::string mask_arguments(const std::string& arguments, privacy::Masker& masker,
                           bool learn_only = false);

// A JSON body serialized for the wire (invalid UTF-8 replaced, as http::dump does).
std::string dump_ordered(const nlohmann::ordered_json& j);

}  // namespace tandem::dispatcher
