// Speculative decoding with a real model pair across real processes: the Dispatcher's edge
// model stories260K drafts, a `tandem commander` serving stories-code1M (a different, broader
// model with the same tokenizer) verifies. Greedy text must be exactly the Commander's own,
// whatever the drafts were; the acceptance of this pair is printed (it is a property of the
// two models, not asserted beyond "speculation happened").
#include <gtest/gtest.h>

#include <cstdio>

#include "support/dispatcher_support.h"

namespace tandem::test {
namespace {

const char* kAlwaysCloud = "[routing]\nppl_threshold = 1.0\ncloud_intents = []\n";

// Openings of both kinds the pair knows: stories (the edge is good at them) and Python (the
// edge is lost: drafts are mostly rejected, the answer must still be the Commander's). No
// names: the Dispatcher would mask them, and the Commander alone would see another prompt.
// 200 tokens run past the edge's 128-token context into the Commander's 256.
const char* kPrompts[] = {
    "Once upon a time, there was a little girl who liked to play",
    "One day, a big dog and a small cat went to the park. The dog",
    "The little boy was sad because his red ball was lost. He looked",
    "def read_config(path):\n    with open(path) as f:\n",
};

class RealPairSpeculative : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    policy_ = std::make_unique<TempFile>("real-pair-policy", kAlwaysCloud);
    commander_ = std::make_unique<ServerProcess>(std::vector<std::string>{
        "commander", "-m", shared("models/stories-code1M/stories-code1M-f32.gguf"), "-t", "1"});
    dispatcher_ = std::make_unique<ServerProcess>(
        std::vector<std::string>{"dispatcher", "-m", stories("stories260K-f32.gguf"), "-t", "1",
                                 "--commander", commander_->url(), "--intent-model", intent_model(),
                                 "--policy", policy_->path, "--speculative", "--draft-max", "8"});
  }
  static void TearDownTestSuite() {
    dispatcher_.reset();
    commander_.reset();
    policy_.reset();
  }
  static std::unique_ptr<TempFile> policy_;
  static std::unique_ptr<ServerProcess> commander_, dispatcher_;
};
std::unique_ptr<TempFile> RealPairSpeculative::policy_;
std::unique_ptr<ServerProcess> RealPairSpeculative::commander_, RealPairSpeculative::dispatcher_;

TEST_F(RealPairSpeculative, GreedyTextIsTheCloudModelsOwn) {
  int64_t passes = 0, drafted = 0, accepted = 0, tokens = 0;
  for (const char* prompt : kPrompts) {
    for (int n : {96, 200}) {
      const char* path = "/v1/chat/completions";
      const json body = chat(prompt, n);
      const auto alone = post(commander_->url(), path, body);
      ASSERT_EQ(alone.status, 200) << alone.body;
      const auto r = post(dispatcher_->url(), path, body);
      ASSERT_EQ(r.status, 200) << r.body;
      ASSERT_EQ(header(r, "x-tandem-route"), "cloud-speculative") << prompt;
      EXPECT_EQ(answer_text(r, false), answer_text(alone, false)) << n << ": " << prompt;
      EXPECT_EQ(r.j()["choices"][0]["finish_reason"], alone.j()["choices"][0]["finish_reason"]);
      EXPECT_EQ(r.j()["usage"]["completion_tokens"], alone.j()["usage"]["completion_tokens"]);
      int64_t p = -1, d = -1, a = -1;
      std::sscanf(header(r, "x-tandem-speculation").c_str(), "passes=%ld drafted=%ld accepted=%ld",
                  &p, &d, &a);
      ASSERT_GT(p, 0) << header(r, "x-tandem-speculation");
      std::printf("[real pair] %3d %-44.44s passes=%ld drafted=%ld accepted=%ld (%.2f)\n", n,
                  prompt, p, d, a, d > 0 ? static_cast<double>(a) / static_cast<double>(d) : 0.0);
      passes += p, drafted += d, accepted += a;
      tokens += r.j()["usage"]["completion_tokens"].get<int64_t>();
    }
  }
  ASSERT_GT(drafted, 0);
  std::printf(
      "[real pair] stories260K drafting for stories-code1M: acceptance %.3f, "
      "%.2f tokens per verify pass (%ld tokens, %ld passes)\n",
      static_cast<double>(accepted) / static_cast<double>(drafted),
      static_cast<double>(tokens) / static_cast<double>(passes), tokens, passes);
  // Speculation paid in passes: fewer verify passes than tokens over the story prompts.
  EXPECT_LT(passes, tokens);
}

}  // namespace
}  // namespace tandem::test
