// What leaves for the Commander: every value found anywhere in the conversation is masked in
// every message, earlier ones included, and `name` fields are masked as names.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "dispatcher/dispatcher_service.h"
#include "privacy/masker.h"

namespace tandem::dispatcher {
namespace {

using nlohmann::json;

TEST(MaskedChatBody, ValuesFoundLaterAreMaskedEarlierAndNameFieldsAreNames) {
  const json body = {
      {"model", "edge"},
      {"user", "u1"},
      {"messages",
       {{{"role", "user"}, {"name", "alice_w"}, {"content", "张伟 asked me to call him"}},
        {{"role", "assistant"}, {"content", "Sure, what is 张伟's number?"}},
        {{"role", "user"},
         {"content", {{{"type", "text"}, {"text", "我叫张伟，电话 13800138000"}}}}}}}};
  privacy::Masker masker;
  const json out = masked_chat_body(body, masker, "cloud-model");
  const std::string sent = out.dump();
  EXPECT_EQ(sent.find("张伟"), std::string::npos) << sent;
  EXPECT_EQ(sent.find("alice_w"), std::string::npos) << sent;
  EXPECT_EQ(sent.find("13800138000"), std::string::npos) << sent;
  EXPECT_EQ(sent.find("u1"), std::string::npos) << sent;  // `user` never leaves
  EXPECT_EQ(out["model"], "cloud-model");
  // One placeholder per value across all messages, and the answer unmasks.
  const std::string first = out["messages"][0]["content"];
  const std::string second = out["messages"][1]["content"];
  const auto ph = first.substr(0, first.find(' '));
  EXPECT_NE(second.find(ph), std::string::npos) << second;
  EXPECT_EQ(masker.unmask(ph + " " + out["messages"][0]["name"].get<std::string>()),
            "张伟 alice_w");
}

}  // namespace
}  // namespace tandem::dispatcher
