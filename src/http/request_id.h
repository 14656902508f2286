// The id that follows a request through the logs of every node it touches: taken from the
// client's X-Request-Id when it is a sane token, else made up; echoed in the response and
// sent on to the Commander by the Dispatcher. Held per thread while a handler runs.
#pragma once

#include <string>
#include <string_view>

namespace tandem::http {

inline constexpr const char* kRequestIdHeader = "X-Request-Id";

// `offered` if it is 1-64 characters of [A-Za-z0-9._:-], else a fresh random id.
std::string request_id_from(std::string_view offered);
// The id of the request the calling thread is handling ("" outside a handler).
const std::string& current_request_id();

// Makes `id` the calling thread's current_request_id() for its lifetime.
class RequestIdScope {
 public:
  explicit RequestIdScope(std::string id);
  ~RequestIdScope();
  RequestIdScope(const RequestIdScope&) = delete;
  RequestIdScope& operator=(const RequestIdScope&) = delete;

 private:
  std::string previous_;
};

}  // namespace tandem::http
