// The C ABI of the library, models, completion and edge chats (include/tandem.h). Every
// function catches everything: errors become a status code (or NULL) and tandem_last_error().
#include <cstdlib>
#include <memory>

#include "sdk/c_error.h"
#include "sdk/edge_chat.h"
#include "sdk/edge_model.h"

using tandem::sdk::guard;
using tandem::sdk::need;
using tandem::sdk::SdkError;

#define TANDEM_STR2(x) #x
#define TANDEM_STR(x) TANDEM_STR2(x)

extern "C" {

TANDEM_API const char* tandem_version(void) {
  return TANDEM_STR(TANDEM_VERSION_MAJOR) "." TANDEM_STR(TANDEM_VERSION_MINOR) "." TANDEM_STR(
      TANDEM_VERSION_PATCH);
}

TANDEM_API const char* tandem_last_error(void) {
  return tandem::sdk::last_error();
}

TANDEM_API void tandem_string_free(char* s) {
  std::free(s);
}

TANDEM_API tandem_model_params tandem_model_default_params(void) {
  tandem_model_params p{};
  p.size = sizeof(p);
  p.n_seq = 1;
  return p;
}

TANDEM_API tandem_model* tandem_model_load(const char* gguf_path, const tandem_model_params* p) {
  return guard<tandem_model*>(nullptr, [&]() -> tandem_model* {
    const auto params = tandem::sdk::read_params(p, tandem_model_default_params());
    auto m = std::make_unique<tandem_model>();
    m->edge = tandem::sdk::load_edge(gguf_path, params);
    return m.release();  // reclaimed by tandem_model_free
  });
}

TANDEM_API void tandem_model_free(tandem_model* m) {
  std::unique_ptr<tandem_model> owned(m);
}

TANDEM_API int32_t tandem_model_n_ctx(const tandem_model* m) {
  return m ? m->edge->n_ctx() : 0;
}

TANDEM_API int tandem_model_trim_memory(tandem_model* m, int level) {
  return guard<int>(TANDEM_ERR_INTERNAL, [&] {
    need(m, "model");
    if (level >= TANDEM_TRIM_MEMORY_CRITICAL) m->edge->lower_kv_budget();
    return TANDEM_OK;
  });
}

TANDEM_API int tandem_complete(tandem_model* m, const char* prompt, int max_tokens,
                               float temperature, tandem_token_fn on_token, void* user) {
  return guard<int>(TANDEM_ERR_INTERNAL, [&] {
    need(m, "model");
    need(prompt, "prompt");
    const auto s = tandem::sdk::sampling(temperature, 0.95f, 40, 0xFFFFFFFF);
    const auto r = tandem::sdk::edge_complete(*m->edge, prompt, s, max_tokens,
                                              tandem::sdk::c_callback(on_token, user));
    return r.stopped ? TANDEM_STOPPED : TANDEM_OK;
  });
}

TANDEM_API tandem_chat_params tandem_chat_default_params(void) {
  tandem_chat_params p{};
  p.size = sizeof(p);
  p.temperature = 0.8f;
  p.top_p = 0.95f;
  p.top_k = 40;
  p.max_tokens = -1;
  p.seed = 0xFFFFFFFF;
  return p;
}

TANDEM_API tandem_chat* tandem_chat_new(tandem_model* m, const tandem_chat_params* p) {
  return guard<tandem_chat*>(nullptr, [&]() -> tandem_chat* {
    need(m, "model");
    auto c = std::make_unique<tandem_chat>();
    c->model = m;
    c->params = tandem::sdk::read_params(p, tandem_chat_default_params());
    tandem::sdk::sampling(c->params.temperature, c->params.top_p, c->params.top_k,
                          c->params.seed);  // validates now rather than at the first send
    c->system = c->params.system ? c->params.system : "";
    c->params.system = nullptr;  // the app's string: the copy above is kept
    c->reset();
    return c.release();  // reclaimed by tandem_chat_free
  });
}

TANDEM_API void tandem_chat_free(tandem_chat* c) {
  std::unique_ptr<tandem_chat> owned(c);
}

TANDEM_API int tandem_chat_send(tandem_chat* c, const char* role, const char* content,
                                tandem_token_fn on_token, void* user) {
  return guard<int>(TANDEM_ERR_INTERNAL, [&] {
    return need(c, "chat").send(role, content, tandem::sdk::c_callback(on_token, user));
  });
}

TANDEM_API int tandem_chat_add(tandem_chat* c, const char* role, const char* content) {
  return guard<int>(TANDEM_ERR_INTERNAL, [&] {
    auto& chat = need(c, "chat");
    tandem::sdk::check_role(role);
    need(content, "content");
    chat.messages.emplace_back(role, content);
    return TANDEM_OK;
  });
}

TANDEM_API const char* tandem_chat_last_reply(const tandem_chat* c) {
  return c ? c->last_reply.c_str() : "";
}

TANDEM_API int tandem_chat_reset(tandem_chat* c) {
  return guard<int>(TANDEM_ERR_INTERNAL, [&] {
    need(c, "chat").reset();
    return TANDEM_OK;
  });
}

}  // extern "C"
