// Small HTTP helpers for the server tests: JSON posts and SSE parsing.
#pragma once

#include <httplib.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace tandem::test {

using nlohmann::json;

inline httplib::Headers bearer(const std::string& key) {
  return key.empty() ? httplib::Headers{} : httplib::Headers{{"Authorization", "Bearer " + key}};
}

struct HttpReply {
  int status = 0;
  std::string body;
  httplib::Headers headers;
  json j() const { return json::parse(body, nullptr, false); }
};

inline HttpReply post(const std::string& url, const std::string& path, const std::string& body,
                      const std::string& key = "") {
  httplib::Client cli(url);
  cli.set_read_timeout(120, 0);
  auto r = cli.Post(path.c_str(), bearer(key), body, "application/json");
  if (!r) return {-1, httplib::to_string(r.error()), {}};
  return {r->status, r->body, r->headers};
}
inline HttpReply post(const std::string& url, const std::string& path, const json& body,
                      const std::string& key = "") {
  return post(url, path, body.dump(), key);
}
inline HttpReply get(const std::string& url, const std::string& path, const std::string& key = "") {
  httplib::Client cli(url);
  auto r = cli.Get(path.c_str(), bearer(key));
  if (!r) return {-1, httplib::to_string(r.error()), {}};
  return {r->status, r->body, r->headers};
}

inline HttpReply del(const std::string& url, const std::string& path, const std::string& key = "") {
  httplib::Client cli(url);
  auto r = cli.Delete(path.c_str(), bearer(key));
  if (!r) return {-1, httplib::to_string(r.error()), {}};
  return {r->status, r->body, r->headers};
}

// The `data:` payloads of an SSE body, in order ("[DONE]" included as is).
inline std::vector<std::string> sse_data(const std::string& body) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < body.size()) {
    size_t end = body.find("\n\n", pos);
    if (end == std::string::npos) end = body.size();
    const std::string ev = body.substr(pos, end - pos);
    if (ev.rfind("data: ", 0) == 0) out.push_back(ev.substr(6));
    pos = end + 2;
  }
  return out;
}

// True if `body` is {"error":{"message":string,"type":string,"param":..,"code":..}}.
inline bool is_openai_error(const std::string& body) {
  const json j = json::parse(body, nullptr, false);
  if (!j.is_object() || !j.contains("error")) return false;
  const json& e = j["error"];
  return e.is_object() && e.contains("message") && e["message"].is_string() &&
         !e["message"].get<std::string>().empty() && e.contains("type") && e["type"].is_string() &&
         e.contains("param") && e.contains("code");
}

// Token counts of a usage object without the prompt-cache details: how many prompt tokens
// a node found in its KV cache depends on what it served before, not on the answer.
inline json usage_counts(json usage) {
  if (usage.is_object()) {
    usage.erase("prompt_tokens_details");
    usage.erase("input_tokens_details");
  }
  return usage;
}

}  // namespace tandem::test
