// OpenAI request parsing: any body gives a typed request or an ApiError (a 4xx). Any other
// exception would be a 500 for a client's mistake, so it aborts the run.
#include <cstdint>
#include <string>

#include "api/openai_schema.h"
#include "http/api_error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string body(reinterpret_cast<const char*>(data), size);
  const tandem::engine::SamplerParams defaults;
  for (int kind = 0; kind < 2; ++kind) {
    try {
      const auto j = tandem::api::parse_body(body);
      if (kind == 0)
        tandem::api::parse_chat_request(j, defaults);
      else
        tandem::api::parse_completion_request(j, defaults);
    } catch (const tandem::http::ApiError& e) {
      if (e.status < 400 || e.status >= 500) __builtin_trap();
    }
  }
  return 0;
}
