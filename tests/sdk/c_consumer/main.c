/* A C99 program outside the source tree using the installed SDK: built by
 * tests/sdk/installed_sdk.sh with `cc $(pkg-config --cflags --libs tandem)` (or tandem-static)
 * against a `cmake --install` prefix, and by the CMake package consumer next to it.
 * usage: tandem_c_consumer MODEL.gguf PASSTHROUGH_TEMPLATE.jinja */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tandem.h>

/* ../shared/models/stories260K/README.md: greedy decoding after BOS alone. */
static const char* kKnownGood =
    "Once upon a time, there was a little girl named Lily. She loved to play outside in the "
    "park. One day, she saw a big, red ball. She wanted to play with it, but it was too high.\n"
    "Lily's mom said, \"Lily, let's go to the park.\" Lily was sad and didn't know what to do. "
    "She said, \"I want to play with your ball, but I can't find it.\"\n";
static const char* kPrompt = "Once upon a time";
static const char* kContinuation = ", there was a little girl named Lily.";

static int failures = 0;
#define CHECK(cond, ...)                                   \
  do {                                                     \
    if (!(cond)) {                                         \
      fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
      fprintf(stderr, __VA_ARGS__);                        \
      fprintf(stderr, "\n");                               \
      ++failures;                                          \
    }                                                      \
  } while (0)

typedef struct {
  char text[8192];
  int pieces;
  int stop_after; /* stop when this many pieces arrived (0: never) */
} sink;

static int collect(const char* piece, void* user) {
  sink* s = (sink*)user;
  strncat(s->text, piece, sizeof s->text - strlen(s->text) - 1);
  ++s->pieces;
  return s->stop_after > 0 && s->pieces >= s->stop_after;
}

static int count_pii(const char* type, size_t begin, size_t end, void* user) {
  (void)begin;
  (void)end;
  if (strcmp(type, "phone") == 0) ++*(int*)user;
  return 0;
}

int main(int argc, char** argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s MODEL.gguf TEMPLATE.jinja\n", argv[0]);
    return 2;
  }
  printf("tandem %s\n", tandem_version());
  CHECK(strcmp(tandem_version(), "0.1.0") == 0, "version %s", tandem_version());

  /* A bad path: NULL and a readable message naming the file. */
  tandem_model* bad = tandem_model_load("/nonexistent/model.gguf", NULL);
  CHECK(bad == NULL, "a missing model loaded");
  CHECK(strstr(tandem_last_error(), "/nonexistent/model.gguf") != NULL, "last error: '%s'",
        tandem_last_error());
  printf("bad path -> NULL, \"%s\"\n", tandem_last_error());

  tandem_model_params mp = tandem_model_default_params();
  mp.n_threads = 1;
  mp.n_ctx = 512; /* the file says 128; the model was trained on 512 */
  mp.chat_template = argv[2];
  tandem_model* m = tandem_model_load(argv[1], &mp);
  if (!m) {
    fprintf(stderr, "load failed: %s\n", tandem_last_error());
    return 1;
  }

  /* The known-good continuation: BOS alone, greedy. */
  sink story = {{0}, 0, 0};
  int rc = tandem_complete(m, "", 200, 0.0f, collect, &story);
  CHECK(rc == TANDEM_OK, "complete rc %d: %s", rc, tandem_last_error());
  /* The first word keeps its SentencePiece space (llama2.c drops it after BOS). */
  CHECK(story.text[0] == ' ' && strncmp(story.text + 1, kKnownGood, strlen(kKnownGood)) == 0,
        "story:\n%s", story.text);
  printf("complete(\"\") -> %d pieces: %.60s...\n", story.pieces, story.text);

  sink done = {{0}, 0, 0};
  rc = tandem_complete(m, kPrompt, 24, 0.0f, collect, &done);
  CHECK(rc == TANDEM_OK, "complete rc %d", rc);
  CHECK(strncmp(done.text, kContinuation, strlen(kContinuation)) == 0, "got '%s'", done.text);
  printf("complete(\"%s\") -> \"%s\"\n", kPrompt, done.text);

  /* The same through a chat (its template passes the messages through). */
  tandem_chat_params cp = tandem_chat_default_params();
  cp.temperature = 0.0f;
  cp.max_tokens = 24;
  tandem_chat* chat = tandem_chat_new(m, &cp);
  CHECK(chat != NULL, "chat_new: %s", tandem_last_error());
  sink reply = {{0}, 0, 0};
  rc = tandem_chat_send(chat, "user", kPrompt, collect, &reply);
  CHECK(rc == TANDEM_OK, "chat_send rc %d: %s", rc, tandem_last_error());
  CHECK(strcmp(reply.text, done.text) == 0, "chat '%s' vs complete '%s'", reply.text, done.text);
  CHECK(strcmp(tandem_chat_last_reply(chat), reply.text) == 0, "last_reply '%s'",
        tandem_chat_last_reply(chat));
  printf("chat_send(user, \"%s\") -> \"%s\"\n", kPrompt, reply.text);
  CHECK(tandem_chat_send(chat, "wizard", "hi", NULL, NULL) == TANDEM_ERR_INVALID_ARGUMENT,
        "a bad role was accepted");
  CHECK(strstr(tandem_last_error(), "wizard") != NULL, "'%s'", tandem_last_error());
  tandem_chat_free(chat);

  /* Cancellation: the callback's non-zero return stops the reply. */
  sink three = {{0}, 0, 3};
  rc = tandem_complete(m, kPrompt, 50, 0.0f, collect, &three);
  CHECK(rc == TANDEM_STOPPED && three.pieces == 3, "rc %d after %d pieces", rc, three.pieces);

  /* Privacy: scan, mask, unmask. */
  const char* text = "Call Lily at 13812345678 tomorrow";
  int phones = 0;
  CHECK(tandem_privacy_scan(text, count_pii, &phones) >= 1 && phones == 1, "phones %d", phones);
  tandem_masker* mk = tandem_masker_new();
  char* masked = tandem_masker_mask(mk, text);
  CHECK(masked && strstr(masked, "<PHONE_1>") && !strstr(masked, "13812345678"), "masked '%s'",
        masked ? masked : "(null)");
  char* back = tandem_masker_unmask(mk, masked);
  CHECK(back && strcmp(back, text) == 0, "unmasked '%s'", back ? back : "(null)");
  printf("mask -> \"%s\"\n", masked ? masked : "(null)");
  tandem_string_free(masked);
  tandem_string_free(back);
  tandem_masker_free(mk);

  /* Routing without a Commander: the intent model installed under the prefix is found. */
  tandem_client* client = tandem_client_new(m, NULL);
  CHECK(client != NULL, "client_new: %s", tandem_last_error());
  if (client) {
    tandem_route_info info;
    rc = tandem_route(client, "Write a Python function that reverses a linked list", &info);
    CHECK(rc == TANDEM_OK, "route rc %d: %s", rc, tandem_last_error());
    CHECK(info.route == TANDEM_ROUTE_EDGE && info.reason == TANDEM_REASON_OFFLINE,
          "route %d reason %d: %s", info.route, info.reason, info.explain);
    CHECK(strstr(info.explain, "coding") != NULL, "explain '%s'", info.explain);
    printf("route -> %s\n", info.explain);
    tandem_client_free(client);
  }

  tandem_model_free(m);
  if (failures)
    fprintf(stderr, "%d failure(s)\n", failures);
  else
    printf("ok\n");
  return failures ? 1 : 0;
}
