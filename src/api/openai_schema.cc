#include "api/openai_schema.h"

#include <cmath>

#include "api/cache_field.h"
#include "api/media_parts.h"
#include "api/structured/output_constraint.h"
#include "http/api_error.h"

namespace tandem::api {
namespace {

using nlohmann::json;

const json* field(const json& body, const char* name) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) return nullptr;
  return &*it;
}

double number(const json& body, const char* name, double lo, double hi, double def) {
  const json* v = field(body, name);
  if (!v) return def;
  if (!v->is_number()) throw http::bad_field(name, std::string("'") + name + "' must be a number");
  const double d = v->get<double>();
  if (!std::isfinite(d) || d < lo || d > hi)
    throw http::bad_field(name, std::string("'") + name + "' must be between " +
                                    std::to_string(lo) + " and " + std::to_string(hi));
  return d;
}

int64_t integer(const json& body, const char* name, int64_t lo, int64_t hi, int64_t def) {
  const json* v = field(body, name);
  if (!v) return def;
  if (!v->is_number_integer())
    throw http::bad_field(name, std::string("'") + name + "' must be an integer");
  const int64_t i =
      v->is_number_unsigned() && v->get<uint64_t>() > INT64_MAX ? INT64_MAX : v->get<int64_t>();
  if (i < lo || i > hi)
    throw http::bad_field(name, std::string("'") + name + "' must be between " +
                                    std::to_string(lo) + " and " + std::to_string(hi));
  return i;
}

bool boolean(const json& body, const char* name, bool def) {
  const json* v = field(body, name);
  if (!v) return def;
  if (!v->is_boolean())
    throw http::bad_field(name, std::string("'") + name + "' must be a boolean");
  return v->get<bool>();
}

std::string model_name(const json& body) {
  const json* v = field(body, "model");
  if (!v) return "";
  if (!v->is_string()) throw http::bad_field("model", "'model' must be a string");
  return v->get<std::string>();
}

GenerationParams generation(const json& b, const engine::SamplerParams& defaults,
                            int64_t default_max_tokens, int64_t min_max_tokens) {
  GenerationParams g;
  g.sampling = defaults;
  auto& s = g.sampling;
  s.temperature = static_cast<float>(number(b, "temperature", 0, 2, s.temperature));
  s.top_p = static_cast<float>(number(b, "top_p", 0, 1, s.top_p));
  if (s.top_p <= 0) throw http::bad_field("top_p", "'top_p' must be greater than 0");
  s.top_k = static_cast<int32_t>(integer(b, "top_k", -1, 1 << 20, s.top_k));
  s.min_p = static_cast<float>(number(b, "min_p", 0, 1, s.min_p));
  s.presence_penalty = static_cast<float>(number(b, "presence_penalty", -2, 2, s.presence_penalty));
  s.frequency_penalty =
      static_cast<float>(number(b, "frequency_penalty", -2, 2, s.frequency_penalty));
  s.repeat_penalty = static_cast<float>(number(b, "repeat_penalty", 0.01, 10, s.repeat_penalty));
  if (const json* seed = field(b, "seed")) {
    g.seed_given = true;
    if (!seed->is_number_integer()) throw http::bad_field("seed", "'seed' must be an integer");
    s.seed = seed->is_number_unsigned() ? seed->get<uint64_t>()
                                        : static_cast<uint64_t>(seed->get<int64_t>());
  }
  g.max_tokens = integer(b, "max_tokens", min_max_tokens, INT32_MAX, default_max_tokens);
  g.max_tokens = integer(b, "max_completion_tokens", min_max_tokens, INT32_MAX, g.max_tokens);
  if (const json* n = field(b, "n")) {
    if (!n->is_number_integer() || n->get<int64_t>() != 1)
      throw http::bad_field("n", "only n=1 is supported");
  }
  if (const json* stop = field(b, "stop")) {
    if (stop->is_string()) {
      g.stop.push_back(stop->get<std::string>());
    } else if (stop->is_array() && stop->size() <= 16) {
      for (const auto& x : *stop) {
        if (!x.is_string()) throw http::bad_field("stop", "'stop' entries must be strings");
        g.stop.push_back(x.get<std::string>());
      }
    } else {
      throw http::bad_field("stop", "'stop' must be a string or a list of at most 16 strings");
    }
    std::erase_if(g.stop, [](const std::string& x) { return x.empty(); });
  }
  g.cache = parse_cache_field(b);
  g.stream = boolean(b, "stream", false);
  g.ignore_eos = boolean(b, "ignore_eos", false);
  // llama-server's name; also read from a literal extra_body object (the SDKs flatten it).
  g.return_progress = boolean(b, "return_progress", false);
  if (const json* eb = field(b, "extra_body");
      eb && eb->is_object() && field(*eb, "return_progress"))
    g.return_progress = boolean(*eb, "return_progress", false);
  if (const json* so = field(b, "stream_options")) {
    if (!so->is_object())
      throw http::bad_field("stream_options", "'stream_options' must be an object");
    g.include_usage = boolean(*so, "include_usage", false);
  }
  try {
    engine::validate(s);
  } catch (const std::invalid_argument& e) {
    throw http::bad_field("", e.what());
  }
  return g;
}

std::string message_content(const json& m, size_t i, std::vector<MediaPart>& media) {
  const std::string param = "messages[" + std::to_string(i) + "].content";
  const json* c = field(m, "content");
  if (!c) return "";
  if (c->is_string()) {
    check_text_part(c->get_ref<const std::string&>(), param);
    return c->get<std::string>();
  }
  if (!c->is_array())
    throw http::bad_field(param, "content must be a string or a list of content parts");
  std::string text;
  for (size_t k = 0; k < c->size(); ++k) {
    const json& part = (*c)[k];
    const std::string part_param = param + "[" + std::to_string(k) + "]";
    if (!part.is_object()) throw http::bad_field(part_param, "each content part must be an object");
    if (part.value("type", "") != "text") {
      text += parse_media_part(part, part_param, media);
      continue;
    }
    if (!part.contains("text") || !part["text"].is_string())
      throw http::bad_field(part_param, "a text part needs a string 'text'");
    check_text_part(part["text"].get_ref<const std::string&>(), part_param);
    text += part["text"].get<std::string>();
  }
  return text;
}

}  // namespace

json parse_body(const std::string& body) {
  json j = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) throw http::ApiError(400, "the request body is not valid JSON");
  if (!j.is_object()) throw http::ApiError(400, "the request body must be a JSON object");
  return j;
}

namespace {

ChatRequest chat_request(const json& b, const engine::SamplerParams& defaults) {
  ChatRequest r;
  r.model = model_name(b);
  const json* msgs = field(b, "messages");
  if (!msgs || !msgs->is_array() || msgs->empty())
    throw http::bad_field("messages", "'messages' must be a non-empty list");
  for (size_t i = 0; i < msgs->size(); ++i) {
    const json& m = (*msgs)[i];
    const std::string param = "messages[" + std::to_string(i) + "]";
    if (!m.is_object()) throw http::bad_field(param, "each message must be an object");
    const json* role = field(m, "role");
    if (!role || !role->is_string())
      throw http::bad_field(param + ".role", "'role' must be a string");
    std::string rs = role->get<std::string>();
    if (rs == "developer") rs = "system";  // OpenAI's newer name for the system role
    if (rs != "system" && rs != "user" && rs != "assistant" && rs != "tool")
      throw http::bad_field(param + ".role",
                            "role must be system, user, assistant or tool, not '" + rs + "'");
    templates::ChatMessage msg{rs, message_content(m, i, r.media)};
    if (const json* calls = field(m, "tool_calls")) {
      if (rs != "assistant")
        throw http::bad_field(param + ".tool_calls", "only assistant messages carry tool_calls");
      msg.tool_calls = parse_message_tool_calls(*calls, param + ".tool_calls");
      msg.null_content = !field(m, "content");
    }
    if (const json* id = field(m, "tool_call_id")) {
      if (!id->is_string())
        throw http::bad_field(param + ".tool_call_id", "'tool_call_id' must be a string");
      msg.tool_call_id = id->get<std::string>();
    }
    if (const json* name = field(m, "name")) {
      if (!name->is_string()) throw http::bad_field(param + ".name", "'name' must be a string");
      msg.name = name->get<std::string>();
    }
    r.messages.push_back(std::move(msg));
  }
  check_tool_results(r.messages);
  // A tool result names its function for the templates that show it (OpenAI omits it).
  for (auto& msg : r.messages) {
    if (msg.role != "tool" || !msg.name.empty()) continue;
    for (const auto& prev : r.messages)
      for (const auto& c : prev.tool_calls)
        if (c.id == msg.tool_call_id) msg.name = c.name;
  }
  r.gen = generation(b, defaults, -1, 1);
  r.logprobs = boolean(b, "logprobs", false);
  r.top_logprobs = static_cast<int32_t>(integer(b, "top_logprobs", 0, 20, 0));
  if (field(b, "top_logprobs") && !r.logprobs)
    throw http::bad_field("top_logprobs", "'top_logprobs' needs 'logprobs': true");
  // extra_body fields arrive at the top level; chat_template_kwargs is vLLM's spelling.
  if (field(b, "enable_thinking")) r.enable_thinking = boolean(b, "enable_thinking", true);
  if (const json* kw = field(b, "chat_template_kwargs");
      kw && kw->is_object() && field(*kw, "enable_thinking"))
    r.enable_thinking = boolean(*kw, "enable_thinking", true);
  r.return_reasoning = boolean(b, "return_reasoning", false);
  return r;
}

CompletionRequest completion_request(const json& b, const engine::SamplerParams& defaults) {
  CompletionRequest r;
  r.model = model_name(b);
  const json* p = field(b, "prompt");
  if (!p) throw http::bad_field("prompt", "'prompt' is required");
  if (p->is_string()) {
    r.prompt = p->get<std::string>();
  } else if (p->is_array() && !p->empty() && (*p)[0].is_number_integer()) {
    std::vector<tokenizer::TokenId> ids;
    for (const auto& t : *p) {
      if (!t.is_number_integer() || t.get<int64_t>() < 0 || t.get<int64_t>() > INT32_MAX)
        throw http::bad_field("prompt", "token ids must be non-negative integers");
      ids.push_back(static_cast<tokenizer::TokenId>(t.get<int64_t>()));
    }
    r.prompt = std::move(ids);
  } else if (p->is_array() && p->size() == 1 && (*p)[0].is_string()) {
    r.prompt = (*p)[0].get<std::string>();
  } else {
    throw http::bad_field(
        "prompt", "'prompt' must be a string, a list of token ids, or a list of one string");
  }
  r.gen = generation(b, defaults, 16, 0);
  r.echo = boolean(b, "echo", false);
  r.logprobs = static_cast<int32_t>(integer(b, "logprobs", 0, 20, -1));
  return r;
}

// The constraint fields of a body parsed without key order (schema properties sorted).
std::shared_ptr<const grammar::Grammar> sorted_constraint(const json& b) {
  nlohmann::ordered_json fields = nlohmann::ordered_json::object();
  for (const char* k : {"response_format", "grammar"})
    if (auto it = b.find(k); it != b.end()) fields[k] = *it;
  return parse_output_constraint(fields);
}

}  // namespace

nlohmann::ordered_json parse_body_ordered(const std::string& body) {
  auto j = nlohmann::ordered_json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) throw http::ApiError(400, "the request body is not valid JSON");
  if (!j.is_object()) throw http::ApiError(400, "the request body must be a JSON object");
  return j;
}

ChatRequest parse_chat_request(const json& b, const engine::SamplerParams& defaults) {
  ChatRequest r = chat_request(b, defaults);
  r.gen.grammar = sorted_constraint(b);
  r.tools = parse_tools(nlohmann::ordered_json(b));
  return r;
}

ChatRequest parse_chat_request(const nlohmann::ordered_json& b,
                               const engine::SamplerParams& defaults) {
  ChatRequest r = chat_request(json(b), defaults);
  r.gen.grammar = parse_output_constraint(b);
  r.tools = parse_tools(b);
  return r;
}

CompletionRequest parse_completion_request(const json& b, const engine::SamplerParams& defaults) {
  CompletionRequest r = completion_request(b, defaults);
  r.gen.grammar = sorted_constraint(b);
  return r;
}

CompletionRequest parse_completion_request(const nlohmann::ordered_json& b,
                                           const engine::SamplerParams& defaults) {
  CompletionRequest r = completion_request(json(b), defaults);
  r.gen.grammar = parse_output_constraint(b);
  return r;
}

const char* finish_reason_name(serving::FinishReason r) {
  switch (r) {
    case serving::FinishReason::kLength:
      return "length";
    case serving::FinishReason::kStop:
    case serving::FinishReason::kCancelled:
      return "stop";
    case serving::FinishReason::kError:
      return "error";
    case serving::FinishReason::kNone:
      break;
  }
  return nullptr;
}

}  // namespace tandem::api
