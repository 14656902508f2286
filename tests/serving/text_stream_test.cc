#include "serving/text_stream.h"

#include <gtest/gtest.h>

namespace tandem::serving {
namespace {

// Feeds `text` one byte at a time (the worst case for held-back prefixes).
TextDelta feed(TextStream& ts, const std::string& text) {
  TextDelta out;
  for (char c : text) {
    out.append(ts.push(std::string(1, c)));
    if (ts.stopped()) return out;
  }
  out.append(ts.flush());
  return out;
}

TEST(TextStream, StopStringEndsTheTextBeforeIt) {
  TextStream ts({.stop = {"END", "xyz"}});
  EXPECT_EQ(feed(ts, "hello EN world END more").content, "hello EN world ");
  EXPECT_TRUE(ts.stopped());
}

TEST(TextStream, HeldBackPrefixIsReleasedAtTheEnd) {
  TextStream ts({.stop = {"STOP"}});
  EXPECT_EQ(ts.push("abc ST").content, "abc ");
  EXPECT_EQ(ts.flush().content, "ST");
  EXPECT_FALSE(ts.stopped());
}

TEST(TextStream, EarliestStopWins) {
  TextStream ts({.stop = {"b", "a"}});
  EXPECT_EQ(ts.push("xxab").content, "xx");
}

TEST(TextStream, ReasoningIsSplitOutOfThinkTags) {
  TextStream ts({.stop = {}, .split_reasoning = true, .trim_leading = true});
  const auto d = feed(ts, "<think>\nLet me see.</think>\n\nThe answer is 4.");
  EXPECT_EQ(d.reasoning, "\nLet me see.");
  EXPECT_EQ(d.content, "The answer is 4.");
}

TEST(TextStream, ReasoningWhenThePromptOpenedThink) {
  TextStream ts({.stop = {}, .split_reasoning = true, .start_in_reasoning = true});
  const auto d = feed(ts, "hmm</think>ok");
  EXPECT_EQ(d.reasoning, "hmm");
  EXPECT_EQ(d.content, "ok");
}

TEST(TextStream, WithoutSplittingTagsStayInContent) {
  TextStream ts({});
  EXPECT_EQ(feed(ts, "<think>a</think>b").content, "<think>a</think>b");
}

TEST(TextStream, UnclosedThinkIsAllReasoning) {
  TextStream ts({.stop = {}, .split_reasoning = true});
  const auto d = feed(ts, "<think>still thinking </thi");
  EXPECT_EQ(d.reasoning, "still thinking </thi");
  EXPECT_EQ(d.content, "");
}

}  // namespace
}  // namespace tandem::serving
