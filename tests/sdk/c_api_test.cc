// The C ABI in process (the installed-library tests run the same calls from C, Python and
// Java): the known-good stories260K continuation through tandem_complete and tandem_chat_send,
// cancellation, errors as codes + messages, params sizes, privacy.
#include <gtest/gtest.h>
#include <tandem.h>

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "support/paths.h"

namespace tandem::test {
namespace {

// ../shared/models/stories260K/README.md: greedy decoding after BOS alone.
const std::string kKnownGood =
    "Once upon a time, there was a little girl named Lily. She loved to play outside in the "
    "park. One day, she saw a big, red ball. She wanted to play with it, but it was too high.\n"
    "Lily's mom said, \"Lily, let's go to the park.\" Lily was sad and didn't know what to do. "
    "She said, \"I want to play with your ball, but I can't find it.\"\n";

struct Sink {
  std::string text;
  int pieces = 0;
  int stop_after = 0;
};
int collect(const char* piece, void* user) {
  auto* s = static_cast<Sink*>(user);
  s->text += piece;
  ++s->pieces;
  return s->stop_after > 0 && s->pieces >= s->stop_after;
}

class CApi : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    tandem_model_params p = tandem_model_default_params();
    p.n_threads = 1;
    p.n_ctx = 512;  // the file says 128; the model was trained on 512
    static const std::string tmpl = source("tests/sdk/story_template.jinja");
    p.chat_template = tmpl.c_str();
    model_ = tandem_model_load(stories("stories260K-f32.gguf").c_str(), &p);
    ASSERT_NE(model_, nullptr) << tandem_last_error();
  }
  static void TearDownTestSuite() {
    tandem_model_free(model_);
    model_ = nullptr;
  }
  static tandem_model* model_;
};
tandem_model* CApi::model_ = nullptr;

TEST_F(CApi, CompleteGivesTheKnownGoodContinuation) {
  Sink s;
  ASSERT_EQ(tandem_complete(model_, "", 200, 0.0f, collect, &s), TANDEM_OK) << tandem_last_error();
  // The first word keeps its SentencePiece space (llama2.c drops it when printing after BOS).
  ASSERT_EQ(s.text.substr(0, 1), " ");
  EXPECT_EQ(s.text.substr(1, kKnownGood.size()), kKnownGood) << s.text;
  EXPECT_GT(s.pieces, 1);  // streamed, not handed over whole
  EXPECT_EQ(tandem_model_n_ctx(model_), 512);
}

TEST_F(CApi, ChatSendGivesWhatCompleteGives) {
  Sink done;
  ASSERT_EQ(tandem_complete(model_, "Once upon a time", 24, 0.0f, collect, &done), TANDEM_OK);
  EXPECT_EQ(done.text.rfind(", there was a little girl named Lily.", 0), 0u) << done.text;
  tandem_chat_params cp = tandem_chat_default_params();
  cp.temperature = 0;
  cp.max_tokens = 24;
  tandem_chat* chat = tandem_chat_new(model_, &cp);
  ASSERT_NE(chat, nullptr) << tandem_last_error();
  Sink reply;
  ASSERT_EQ(tandem_chat_send(chat, "user", "Once upon a time", collect, &reply), TANDEM_OK);
  EXPECT_EQ(reply.text, done.text);
  EXPECT_EQ(tandem_chat_last_reply(chat), reply.text);
  // The reply is part of the chat: the next turn renders after it.
  Sink next;
  ASSERT_EQ(tandem_chat_send(chat, "user", " The end.", collect, &next), TANDEM_OK);
  Sink whole;
  const std::string so_far = "Once upon a time" + reply.text + " The end.";
  ASSERT_EQ(tandem_complete(model_, so_far.c_str(), 24, 0.0f, collect, &whole), TANDEM_OK);
  EXPECT_EQ(next.text, whole.text.substr(whole.text.find_first_not_of(" \n")));
  ASSERT_EQ(tandem_chat_reset(chat), TANDEM_OK);
  Sink again;
  ASSERT_EQ(tandem_chat_send(chat, "user", "Once upon a time", collect, &again), TANDEM_OK);
  EXPECT_EQ(again.text, done.text);
  tandem_chat_free(chat);
}

TEST_F(CApi, CallbackStopsTheReply) {
  Sink s;
  s.stop_after = 3;
  EXPECT_EQ(tandem_complete(model_, "Once upon a time", 100, 0.0f, collect, &s), TANDEM_STOPPED);
  EXPECT_EQ(s.pieces, 3);
}

TEST_F(CApi, ErrorsAreCodesAndMessages) {
  EXPECT_EQ(tandem_model_load("/nonexistent/m.gguf", nullptr), nullptr);
  EXPECT_NE(std::string(tandem_last_error()).find("/nonexistent/m.gguf"), std::string::npos);
  const std::string not_a_model = source("README.md");
  EXPECT_EQ(tandem_model_load(not_a_model.c_str(), nullptr), nullptr);
  EXPECT_NE(std::string(tandem_last_error()).find("cannot load model"), std::string::npos)
      << tandem_last_error();
  EXPECT_EQ(tandem_complete(nullptr, "x", 1, 0, nullptr, nullptr), TANDEM_ERR_INVALID_ARGUMENT);
  tandem_chat_params cp = tandem_chat_default_params();
  cp.top_p = 2;
  EXPECT_EQ(tandem_chat_new(model_, &cp), nullptr);
  EXPECT_NE(std::string(tandem_last_error()).find("top_p"), std::string::npos)
      << tandem_last_error();
  cp = tandem_chat_default_params();
  cp.size = 0;
  EXPECT_EQ(tandem_chat_new(model_, &cp), nullptr);
  EXPECT_NE(std::string(tandem_last_error()).find("size"), std::string::npos);
  // A params struct from an older header (only its first fields): the rest are defaults.
  cp = tandem_chat_default_params();
  cp.temperature = 0;
  cp.size = offsetof(tandem_chat_params, top_p);
  tandem_chat* old = tandem_chat_new(model_, &cp);
  ASSERT_NE(old, nullptr) << tandem_last_error();
  tandem_chat_free(old);
  // A long prompt: the context is 512 tokens.
  std::string long_prompt;
  for (int i = 0; i < 400; ++i) long_prompt += "Lily and Ben ";
  EXPECT_EQ(tandem_complete(model_, long_prompt.c_str(), 1, 0, nullptr, nullptr),
            TANDEM_ERR_CONTEXT_EXCEEDED);
  EXPECT_NE(std::string(tandem_last_error()).find("512"), std::string::npos);
  // A success clears the thread's last error.
  EXPECT_EQ(tandem_complete(model_, "Lily", 1, 0, nullptr, nullptr), TANDEM_OK);
  EXPECT_STREQ(tandem_last_error(), "");
}

TEST(CApiPrivacy, ScanMaskUnmask) {
  const char* text = "Mail lily@example.com or call 13812345678";
  std::vector<std::string> types;
  const int n = tandem_privacy_scan(
      text,
      [](const char* type, size_t begin, size_t end, void* user) {
        static_cast<std::vector<std::string>*>(user)->push_back(type);
        return end > begin ? 0 : 1;
      },
      &types);
  EXPECT_EQ(n, 2);
  EXPECT_EQ(types, (std::vector<std::string>{"email", "phone"}));
  tandem_masker* mk = tandem_masker_new();
  char* masked = tandem_masker_mask(mk, text);
  ASSERT_NE(masked, nullptr);
  EXPECT_STREQ(masked, "Mail <EMAIL_1> or call <PHONE_1>");
  char* back = tandem_masker_unmask(mk, "Reply to <EMAIL_1>, not <EMAIL_2>");
  EXPECT_STREQ(back, "Reply to lily@example.com, not <EMAIL_2>");
  tandem_string_free(masked);
  tandem_string_free(back);
  EXPECT_EQ(tandem_masker_mask(nullptr, text), nullptr);
  EXPECT_NE(std::string(tandem_last_error()).find("masker"), std::string::npos);
  tandem_masker_free(mk);
}

}  // namespace
}  // namespace tandem::test
