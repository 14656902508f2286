// The C ABI of the hybrid client and the routing decision (include/tandem.h).
#include <cstdio>
#include <memory>

#include "sdk/c_error.h"
#include "sdk/hybrid_client.h"

using tandem::sdk::guard;
using tandem::sdk::need;
using tandem::sdk::SdkError;

namespace {

int reason_code(tandem::router::Reason r) {
  using R = tandem::router::Reason;
  switch (r) {
    case R::kPrivacyLocal:
      return TANDEM_REASON_PRIVACY_LOCAL;
    case R::kIntent:
      return TANDEM_REASON_INTENT;
    case R::kContext:
      return TANDEM_REASON_OFFLOAD_CONTEXT;
    case R::kModality:
      return TANDEM_REASON_OFFLOAD_MODALITY;
    case R::kMaxTokens:
      return TANDEM_REASON_OFFLOAD_MAX_TOKENS;
    case R::kMemory:
      return TANDEM_REASON_OFFLOAD_MEMORY;
    case R::kPpl:
      return TANDEM_REASON_PPL;
    case R::kDefault:
      return TANDEM_REASON_DEFAULT;
    case R::kOffline:
      return TANDEM_REASON_OFFLINE;
  }
  return TANDEM_REASON_DEFAULT;
}

void fill(tandem_route_info& out, const tandem::router::Decision& d, double ppl) {
  out.route = d.route == tandem::router::Route::kCloud ? TANDEM_ROUTE_CLOUD : TANDEM_ROUTE_EDGE;
  out.reason = reason_code(d.reason);
  out.ppl = ppl;
  std::snprintf(out.explain, sizeof out.explain, "%s", d.explain().c_str());
}

tandem::sdk::HybridClient& client(tandem_client* c) {
  return *need(c, "client").impl;
}

}  // namespace

extern "C" {

TANDEM_API tandem_client_params tandem_client_default_params(void) {
  tandem_client_params p{};
  p.size = sizeof(p);
  p.connect_timeout_ms = 2000;
  p.first_byte_timeout_ms = 15000;
  p.stall_timeout_ms = 5000;
  p.probe_interval_ms = 2000;
  p.temperature = 0.8f;
  p.max_tokens = -1;
  p.seed = 0xFFFFFFFF;
  return p;
}

TANDEM_API tandem_client* tandem_client_new(tandem_model* edge, const tandem_client_params* p) {
  return guard<tandem_client*>(nullptr, [&]() -> tandem_client* {
    auto& m = need(edge, "model");
    const auto params = tandem::sdk::read_params(p, tandem_client_default_params());
    auto c = std::make_unique<tandem_client>();
    c->impl = std::make_unique<tandem::sdk::HybridClient>(*m.edge, params);
    return c.release();  // reclaimed by tandem_client_free
  });
}

TANDEM_API void tandem_client_free(tandem_client* c) {
  std::unique_ptr<tandem_client> owned(c);
}

TANDEM_API int tandem_client_send(tandem_client* c, const char* role, const char* content,
                                  tandem_token_fn on_token, void* user) {
  return guard<int>(TANDEM_ERR_INTERNAL, [&] {
    return client(c).send(role, content, tandem::sdk::c_callback(on_token, user));
  });
}

TANDEM_API const char* tandem_client_last_reply(const tandem_client* c) {
  return c ? c->impl->last_reply().c_str() : "";
}

TANDEM_API int tandem_client_last_route(const tandem_client* c, tandem_route_info* out) {
  return guard<int>(TANDEM_ERR_INTERNAL, [&] {
    const auto& impl = *need(c, "client").impl;
    fill(need(out, "out"), impl.last_decision(), impl.last_ppl());
    return TANDEM_OK;
  });
}

TANDEM_API int tandem_client_set_offline(tandem_client* c, int offline) {
  return guard<int>(TANDEM_ERR_INTERNAL, [&] {
    client(c).set_offline(offline != 0);
    return TANDEM_OK;
  });
}

TANDEM_API int tandem_client_trim_memory(tandem_client* c, int level) {
  return guard<int>(TANDEM_ERR_INTERNAL, [&] {
    client(c).trim_memory(level);
    return TANDEM_OK;
  });
}

TANDEM_API int tandem_client_reset(tandem_client* c) {
  return guard<int>(TANDEM_ERR_INTERNAL, [&] {
    client(c).reset();
    return TANDEM_OK;
  });
}

TANDEM_API int tandem_route(tandem_client* c, const char* prompt, tandem_route_info* out) {
  return guard<int>(TANDEM_ERR_INTERNAL, [&] {
    auto& impl = client(c);
    need(out, "out");
    double ppl = -1;
    need(prompt, "prompt");
    const auto d = impl.route(prompt, ppl);
    fill(*out, d, ppl);
    return TANDEM_OK;
  });
}

}  // extern "C"
