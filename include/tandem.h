/* Tandem's embeddable edge SDK: a stable C99 ABI over the edge model, the privacy masker, the
 * router and the hybrid (edge + Commander) client. docs/SDK.md documents every function,
 * who owns what, threading and the versioning rule (SONAME major; within a major only
 * additions: new functions, new enum values, new fields at the end of a params struct, which
 * carries its own size).
 *
 * Conventions:
 *  - Functions returning int return TANDEM_OK (0), TANDEM_STOPPED (1: the token callback asked
 *    to stop) or a negative tandem_status; functions returning a pointer return NULL on error.
 *    On every error tandem_last_error() says why (a thread-local message).
 *  - Strings are UTF-8 and NUL-terminated. A `char *` the library returns is the caller's:
 *    release it with tandem_string_free(). A `const char *` it returns belongs to the object it
 *    came from (or is static) and stays valid as documented at the function.
 *  - Params structs: get defaults from tandem_*_default_params(), change fields, pass a
 *    pointer (NULL: the defaults). Their first field is their size, set by the defaults.
 */
#ifndef TANDEM_H
#define TANDEM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32)
#define TANDEM_API __declspec(dllexport)
#else
#define TANDEM_API __attribute__((visibility("default")))
#endif

#define TANDEM_VERSION_MAJOR 0
#define TANDEM_VERSION_MINOR 1
#define TANDEM_VERSION_PATCH 0

typedef enum tandem_status {
  TANDEM_OK = 0,
  TANDEM_STOPPED = 1,               /* the token callback returned non-zero */
  TANDEM_ERR_INVALID_ARGUMENT = -1, /* NULL handle, bad value, unknown role */
  TANDEM_ERR_IO = -2,               /* a file is missing or unreadable */
  TANDEM_ERR_MODEL = -3,            /* the model file is invalid or unsupported */
  TANDEM_ERR_CONTEXT_EXCEEDED = -4, /* the prompt does not fit the edge context */
  TANDEM_ERR_GENERATION = -5,       /* generation failed (scheduler error, queue full) */
  TANDEM_ERR_INTERNAL = -6          /* anything else (out of memory, a bug) */
} tandem_status;

/* ---- library ---- */

/* "MAJOR.MINOR.PATCH" of the loaded library (static string). */
TANDEM_API const char* tandem_version(void);
/* The last error of the calling thread ("" when none yet); valid until this thread's next
 * call into the library. */
TANDEM_API const char* tandem_last_error(void);
/* Frees a string the library returned (NULL is fine). */
TANDEM_API void tandem_string_free(char* s);

/* Called once per generated piece of text (valid UTF-8, NUL-terminated, valid only during
 * the call). Return 0 to go on, non-zero to stop generating (the call then returns
 * TANDEM_STOPPED). Runs on the thread that called the generating function. */
typedef int (*tandem_token_fn)(const char* piece, void* user);

/* ---- models ---- */

typedef struct tandem_model tandem_model;

typedef struct tandem_model_params {
  uint32_t size;              /* sizeof(tandem_model_params), set by the defaults */
  int32_t n_ctx;              /* context per sequence; 0: the model's, at most 4096 */
  int32_t n_threads;          /* 0: every core */
  int32_t n_seq;              /* sequences decoded together (continuous batching); default 1 */
  const char* chat_template;  /* NULL: the GGUF's; else a built-in name (chatml, llama3, plain,
                                 ...) or the path of a Jinja file */
  const char* tokenizer_path; /* only for a llama2.c checkpoint: its tokenizer file */
} tandem_model_params;

TANDEM_API tandem_model_params tandem_model_default_params(void);
/* Loads a GGUF (or llama2.c checkpoint) and starts its scheduler thread. NULL on error. */
TANDEM_API tandem_model* tandem_model_load(const char* gguf_path, const tandem_model_params* p);
TANDEM_API void tandem_model_free(tandem_model* m);
/* The context per sequence, in tokens (0 for NULL). */
TANDEM_API int32_t tandem_model_n_ctx(const tandem_model* m);
/* Memory pressure from the app (Android's onTrimMemory levels, or any level >= 0): at
 * TANDEM_TRIM_MEMORY_CRITICAL or above the model lowers its KV budget. Returns TANDEM_OK. */
#define TANDEM_TRIM_MEMORY_MODERATE 60
#define TANDEM_TRIM_MEMORY_CRITICAL 80
TANDEM_API int tandem_model_trim_memory(tandem_model* m, int level);

/* Raw completion: BOS + prompt (no chat template), up to max_tokens (< 0: until EOS or the
 * context end), temperature 0 = greedy. on_token may be NULL. */
TANDEM_API int tandem_complete(tandem_model* m, const char* prompt, int max_tokens,
                               float temperature, tandem_token_fn on_token, void* user);

/* ---- chats (on the edge model only) ---- */

typedef struct tandem_chat tandem_chat;

typedef struct tandem_chat_params {
  uint32_t size;      /* sizeof(tandem_chat_params), set by the defaults */
  float temperature;  /* default 0.8; 0 = greedy */
  float top_p;        /* default 0.95 */
  int32_t top_k;      /* default 40 */
  int32_t max_tokens; /* per reply; < 0: until the end of turn or the context end */
  uint64_t seed;      /* same seed, same reply */
  const char* system; /* an optional system message opening the chat */
} tandem_chat_params;

TANDEM_API tandem_chat_params tandem_chat_default_params(void);
/* A conversation on m (m must outlive it). NULL on error. */
TANDEM_API tandem_chat* tandem_chat_new(tandem_model* m, const tandem_chat_params* p);
TANDEM_API void tandem_chat_free(tandem_chat* c);
/* Appends a message (role: system, user, assistant or tool), renders the model's chat
 * template and generates the assistant's reply, which is appended to the chat too (cut
 * where the callback stopped it). */
TANDEM_API int tandem_chat_send(tandem_chat* c, const char* role, const char* content,
                                tandem_token_fn on_token, void* user);
/* Appends a message without generating (history: earlier user and assistant turns). */
TANDEM_API int tandem_chat_add(tandem_chat* c, const char* role, const char* content);
/* The last reply in full; owned by the chat, valid until its next send or free. */
TANDEM_API const char* tandem_chat_last_reply(const tandem_chat* c);
/* Forgets the conversation (the system message stays). */
TANDEM_API int tandem_chat_reset(tandem_chat* c);

/* ---- privacy ---- */

/* One piece of personal data: its type ("phone", "id", "card", "email", "ip", "name",
 * "address"), byte offsets [begin, end) into the scanned text. */
typedef int (*tandem_pii_fn)(const char* type, size_t begin, size_t end, void* user);
/* Calls fn for each match in order; returns the number of matches, or an error (< 0).
 * fn may be NULL (just count); a non-zero return from fn stops the scan. */
TANDEM_API int tandem_privacy_scan(const char* text, tandem_pii_fn fn, void* user);

/* A conversation's masker: each value becomes a numbered placeholder (<PHONE_1>), the same
 * value always the same one, and back. Not thread-safe (one conversation, one thread). */
typedef struct tandem_masker tandem_masker;
TANDEM_API tandem_masker* tandem_masker_new(void);
TANDEM_API void tandem_masker_free(tandem_masker* mk);
/* The masked text (free with tandem_string_free), NULL on error. */
TANDEM_API char* tandem_masker_mask(tandem_masker* mk, const char* text);
/* Placeholders this masker assigned replaced with their values (tandem_string_free). */
TANDEM_API char* tandem_masker_unmask(const tandem_masker* mk, const char* text);

/* ---- the hybrid client and routing ---- */

typedef struct tandem_client tandem_client;

typedef struct tandem_client_params {
  uint32_t size;                 /* sizeof(tandem_client_params), set by the defaults */
  const char* commander_url;     /* http://host:port; NULL or "": edge only */
  const char* api_key;           /* sent to the Commander as a Bearer token; NULL: none */
  const char* commander_model;   /* "model" sent to the Commander; NULL: its default */
  const char* policy_path;       /* routing policy TOML (docs/ROUTING.md); NULL: defaults */
  const char* intent_model_path; /* NULL: the installed data file; "none": no intent rule */
  int32_t offline;               /* non-zero: never call the Commander */
  int32_t connect_timeout_ms;    /* default 2000 */
  int32_t first_byte_timeout_ms; /* default 15000 */
  int32_t stall_timeout_ms;      /* default 5000 (then the edge continues the answer) */
  int32_t probe_interval_ms;     /* Commander health probe; default 2000 */
  float temperature;             /* default 0.8; 0 = greedy */
  int32_t max_tokens;            /* per reply; < 0: no limit */
  uint64_t seed;
} tandem_client_params;

typedef enum tandem_route_kind { TANDEM_ROUTE_EDGE = 0, TANDEM_ROUTE_CLOUD = 1 } tandem_route_kind;

typedef enum tandem_route_reason {
  TANDEM_REASON_PRIVACY_LOCAL = 0,
  TANDEM_REASON_INTENT = 1,
  TANDEM_REASON_OFFLOAD_CONTEXT = 2,
  TANDEM_REASON_OFFLOAD_MODALITY = 3,
  TANDEM_REASON_OFFLOAD_MAX_TOKENS = 4,
  TANDEM_REASON_OFFLOAD_MEMORY = 5,
  TANDEM_REASON_PPL = 6,
  TANDEM_REASON_DEFAULT = 7,
  TANDEM_REASON_OFFLINE = 8
} tandem_route_reason;

typedef struct tandem_route_info {
  int32_t route;     /* tandem_route_kind */
  int32_t reason;    /* tandem_route_reason */
  double ppl;        /* the prompt's perplexity under the edge model; < 0 when not computed */
  char explain[256]; /* e.g. "intent: coding (p=0.97)", "offline: commander unreachable; ..." */
} tandem_route_info;

TANDEM_API tandem_client_params tandem_client_default_params(void);
/* A hybrid client over the edge model `edge` (must outlive it): each reply is routed like the
 * Dispatcher routes a request (privacy, intent, offload, perplexity), cloud replies go to the
 * Commander masked and come back unmasked, and an unreachable Commander (down, killed,
 * timing out, circuit open) means the edge answers -- no error reaches the app. NULL on
 * error (bad URL, unreadable policy or intent model). Starts a health-probe thread when a
 * Commander URL is given. */
TANDEM_API tandem_client* tandem_client_new(tandem_model* edge, const tandem_client_params* p);
TANDEM_API void tandem_client_free(tandem_client* c);
/* As tandem_chat_send, on the route of the conversation so far. */
TANDEM_API int tandem_client_send(tandem_client* c, const char* role, const char* content,
                                  tandem_token_fn on_token, void* user);
/* The last reply in full (owned by the client, valid until its next send or free). */
TANDEM_API const char* tandem_client_last_reply(const tandem_client* c);
/* Where the last reply was answered and why (cloud means the Commander gave the whole reply;
 * a reply the edge finished after the Commander failed says edge, reason offline). */
TANDEM_API int tandem_client_last_route(const tandem_client* c, tandem_route_info* out);
/* Forces (non-zero) or lifts (0) offline mode: no Commander calls while set. */
TANDEM_API int tandem_client_set_offline(tandem_client* c, int offline);
/* The app's memory signal (onTrimMemory): at TANDEM_TRIM_MEMORY_CRITICAL or above, replies
 * go to the Commander when they may (reason offload:memory) and the edge lowers its KV
 * budget; a level below TANDEM_TRIM_MEMORY_MODERATE lifts the offload. */
TANDEM_API int tandem_client_trim_memory(tandem_client* c, int level);
/* Forgets the conversation and its placeholders. */
TANDEM_API int tandem_client_reset(tandem_client* c);
/* The routing decision for `prompt` as a user message after this client's conversation,
 * without answering it (the edge prefill runs when the policy has a perplexity rule). */
TANDEM_API int tandem_route(tandem_client* c, const char* prompt, tandem_route_info* out);

#ifdef __cplusplus
}
#endif

#endif /* TANDEM_H */
