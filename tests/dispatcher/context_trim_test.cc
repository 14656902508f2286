// The trimming rule of chats longer than the edge context (issue 24): which messages go,
// in which order, and what is always kept.
#include "dispatcher/context_trim.h"

#include <gtest/gtest.h>

namespace tandem::dispatcher {
namespace {

using templates::ChatMessage;
using Chat = std::vector<ChatMessage>;

ChatMessage call(const std::string& id) {
  ChatMessage m("assistant", "");
  m.tool_calls.push_back({id, "get_weather", R"({"city":"Paris"})"});
  m.null_content = true;
  return m;
}
ChatMessage result(const std::string& id) {
  return ChatMessage("tool", "sunny", {}, id, "get_weather");
}

std::vector<std::string> contents(const Chat& c) {
  std::vector<std::string> out;
  for (const auto& m : c) out.push_back(m.role + ":" + m.content);
  return out;
}

// Fits when at most n messages are left.
auto at_most(size_t n) {
  return [n](const Chat& c) { return c.size() <= n; };
}

const Chat kChat = {{"system", "be brief"}, {"user", "u1"},      {"assistant", "a1"},
                    {"user", "u2"},         {"assistant", "a2"}, {"user", "u3"}};

TEST(ContextTrim, DropsTheOldestTurnsFirstAndKeepsSystemAndLastUser) {
  const auto t = trim_to_fit(kChat, at_most(4));
  ASSERT_TRUE(t.fits);
  EXPECT_EQ(t.dropped, 2u);
  EXPECT_EQ(t.turns_dropped, 1u);
  EXPECT_EQ(contents(t.messages),
            (std::vector<std::string>{"system:be brief", "user:u2", "assistant:a2", "user:u3"}));
}

TEST(ContextTrim, AChatThatFitsIsLeftAlone) {
  const auto t = trim_to_fit(kChat, at_most(6));
  ASSERT_TRUE(t.fits);
  EXPECT_EQ(t.dropped, 0u);
  EXPECT_EQ(t.messages.size(), kChat.size());
}

TEST(ContextTrim, WholeTurnsGoEvenWhenOneMessageWouldDo) {
  // 5 messages would fit, but a user message without its answer is not dropped alone.
  const auto t = trim_to_fit(kChat, at_most(5));
  ASSERT_TRUE(t.fits);
  EXPECT_EQ(t.dropped, 2u);
  EXPECT_EQ(contents(t.messages).front(), "system:be brief");
  EXPECT_EQ(contents(t.messages)[1], "user:u2");
}

TEST(ContextTrim, SystemAndDeveloperMessagesAnywhereAreKept) {
  const Chat c = {{"system", "s"}, {"user", "u1"},      {"developer", "d"}, {"assistant", "a1"},
                  {"user", "u2"},  {"assistant", "a2"}, {"user", "u3"}};
  const auto t = trim_to_fit(c, at_most(4));
  ASSERT_TRUE(t.fits);
  EXPECT_EQ(t.dropped, 4u);  // both earlier turns
  EXPECT_EQ(contents(t.messages), (std::vector<std::string>{"system:s", "developer:d", "user:u3"}));
}

TEST(ContextTrim, NoFormFitsWhenSystemAndLastUserAloneAreTooLong) {
  const auto t = trim_to_fit(kChat, at_most(1));
  EXPECT_FALSE(t.fits);
  EXPECT_EQ(contents(t.messages), (std::vector<std::string>{"system:be brief", "user:u3"}));
}

TEST(ContextTrim, AToolCallStaysWithItsResults) {
  const Chat c = {{"system", "s"},
                  {"user", "weather?"},
                  call("c1"),
                  result("c1"),
                  {"assistant", "sunny it is"},
                  {"user", "and tomorrow?"},
                  call("c2"),
                  result("c2")};
  const auto turns = droppable_turns(c);
  ASSERT_EQ(turns.size(), 1u);  // the last user message and its call/result are not droppable
  EXPECT_EQ(turns[0], (std::vector<size_t>{1, 2, 3, 4}));
  const auto t = trim_to_fit(c, at_most(6));
  ASSERT_TRUE(t.fits);
  EXPECT_EQ(t.dropped, 4u);
  EXPECT_EQ(contents(t.messages), (std::vector<std::string>{"system:s", "user:and tomorrow?",
                                                            "assistant:", "tool:sunny"}));
  EXPECT_EQ(t.messages[2].tool_calls.size(), 1u);
  EXPECT_EQ(t.messages[3].tool_call_id, "c2");
}

TEST(ContextTrim, MessagesBeforeTheFirstUserMessageAreOneTurn) {
  const Chat c = {{"assistant", "hello!"}, {"user", "u1"}, {"assistant", "a1"}, {"user", "u2"}};
  const auto turns = droppable_turns(c);
  ASSERT_EQ(turns.size(), 2u);
  EXPECT_EQ(turns[0], (std::vector<size_t>{0}));
  EXPECT_EQ(turns[1], (std::vector<size_t>{1, 2}));
  EXPECT_TRUE(droppable_turns({{"system", "s"}, {"assistant", "a"}}).empty());  // no user
}

// Steps: the dropped count rounds up to fixed boundaries, so consecutive turns of a growing
// chat drop the same turns (and keep the same prompt start) until the next boundary.
TEST(ContextTrim, StepsKeepTheSameCutAsTheChatGrows) {
  Chat c = {{"system", "s"}};
  auto weight = [](const ChatMessage&) -> int64_t { return 1; };  // 2 per turn
  std::vector<size_t> cuts;
  for (int turn = 1; turn <= 12; ++turn) {
    c.push_back({"user", "u" + std::to_string(turn)});
    const auto t = trim_to_fit(c, at_most(9), /*step_weight=*/6, weight);  // 3 turns a step
    ASSERT_TRUE(t.fits);
    EXPECT_EQ(t.dropped % 2, 0u);
    cuts.push_back(t.turns_dropped);
    c.push_back({"assistant", "a" + std::to_string(turn)});
  }
  // At turn n (2n messages) the fewest turns to drop is n - 4; the cut rounds up to a whole
  // number of 3-turn steps: 0 0 0 0 3 3 3 6 6 6 9 9.
  for (size_t i = 0; i < cuts.size(); ++i) EXPECT_EQ(cuts[i] % 3, 0u) << i;
  EXPECT_EQ(cuts.back(), 9u);
}

TEST(ContextTrim, AnswerReserve) {
  EXPECT_EQ(answer_reserve(16, 0, 512), 16);
  EXPECT_EQ(answer_reserve(100, 32, 512), 32);  // clamped by --edge-max-tokens
  EXPECT_EQ(answer_reserve(-1, 0, 512), 64);    // unbounded: an eighth of the context
  EXPECT_EQ(answer_reserve(-1, 40, 512), 40);
  EXPECT_EQ(answer_reserve(4000, 0, 512), 256);  // at most half the context
  EXPECT_EQ(answer_reserve(0, 0, 512), 1);
}

TEST(ContextTrim, PolicyNames) {
  for (auto p : {ContextOverflow::kOffload, ContextOverflow::kTrim, ContextOverflow::kError})
    EXPECT_EQ(parse_context_overflow(context_overflow_name(p)), p);
  EXPECT_FALSE(parse_context_overflow("drop"));
}

}  // namespace
}  // namespace tandem::dispatcher
