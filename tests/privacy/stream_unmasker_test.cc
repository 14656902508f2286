// Streaming unmask: placeholders split at every byte boundary, look-alikes released as is.
#include "privacy/stream_unmasker.h"

#include <gtest/gtest.h>

namespace tandem::privacy {
namespace {

class StreamUnmaskerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    masked_ = masker_.mask("我叫张三,电话 13800000000,邮箱 zs@example.com,卡 4111111111111111");
    ASSERT_EQ(masked_, "我叫<NAME_1>,电话 <PHONE_1>,邮箱 <EMAIL_1>,卡 <CARD_1>");
    // A model answer that uses the placeholders, with look-alikes around them.
    answer_ =
        "<NAME_1>您好!<PHONE_1>已记录<PHO <PHONE_> <PHONE_9> a<b <NAME_1><EMAIL_1>"
        "<<CARD_1>>结束<";
    expected_ =
        "张三您好!13800000000已记录<PHO <PHONE_> <PHONE_9> a<b 张三zs@example.com"
        "<4111111111111111>结束<";
    ASSERT_EQ(masker_.unmask(answer_), expected_);
  }
  Masker masker_;
  std::string masked_, answer_, expected_;
};

TEST_F(StreamUnmaskerTest, WholeTextInOneChunk) {
  StreamUnmasker s(masker_);
  std::string out = s.push(answer_);
  EXPECT_EQ(s.held_back(), 1u);  // the final '<' could still start a placeholder
  out += s.flush();
  EXPECT_EQ(out, expected_);
}

TEST_F(StreamUnmaskerTest, EverySingleSplitPoint) {
  for (size_t i = 0; i <= answer_.size(); ++i) {
    StreamUnmasker s(masker_);
    std::string out = s.push(answer_.substr(0, i));
    out += s.push(answer_.substr(i));
    out += s.flush();
    EXPECT_EQ(out, expected_) << "split at " << i;
  }
}

TEST_F(StreamUnmaskerTest, EveryPairOfSplitPoints) {
  for (size_t i = 0; i <= answer_.size(); ++i)
    for (size_t j = i; j <= answer_.size(); ++j) {
      StreamUnmasker s(masker_);
      std::string out = s.push(answer_.substr(0, i));
      out += s.push(answer_.substr(i, j - i));
      out += s.push(answer_.substr(j));
      out += s.flush();
      ASSERT_EQ(out, expected_) << "splits at " << i << ", " << j;
    }
}

TEST_F(StreamUnmaskerTest, OneByteAtATimeNeverEmitsAPlaceholderPiece) {
  StreamUnmasker s(masker_);
  std::string out;
  for (char c : answer_) {
    const std::string piece = s.push(std::string_view(&c, 1));
    EXPECT_EQ(piece.find("<NAME"), std::string::npos);
    EXPECT_EQ(piece.find("<CARD"), std::string::npos);
    out += piece;
  }
  out += s.flush();
  EXPECT_EQ(out, expected_);
}

TEST_F(StreamUnmaskerTest, HoldsBackOnlyPossiblePlaceholderPrefixes) {
  StreamUnmasker s(masker_);
  EXPECT_EQ(s.push("Hello <PHO"), "Hello ");
  EXPECT_EQ(s.held_back(), 4u);
  EXPECT_EQ(s.push("TO> and <"), "<PHOTO> and ");  // looked like a placeholder, was not
  EXPECT_EQ(s.push("x"), "<x");
  EXPECT_EQ(s.push("a < b"), "a < b");  // '<' followed by a space cannot start one
  EXPECT_EQ(s.push("<PHONE_1"), "");
  EXPECT_EQ(s.flush(), "<PHONE_1");  // the stream ended mid-placeholder: released as is
  EXPECT_EQ(s.held_back(), 0u);
}

TEST(StreamUnmasker, PlaceholdersAssignedAfterConstructionAreHonoured) {
  Masker m;
  StreamUnmasker s(m);
  EXPECT_EQ(s.push("<IP_1>"), "<IP_1>");
  m.mask("host 10.0.0.1");
  EXPECT_EQ(s.push("<IP_"), "");
  EXPECT_EQ(s.push("1>!"), "10.0.0.1!");
}

}  // namespace
}  // namespace tandem::privacy

namespace tandem::privacy {
namespace {

// Every type's placeholder, ADDRESS included, split at every byte position.
TEST(StreamUnmaskerAllTypes, EverySplitPointForEveryPlaceholder) {
  Masker m;
  const std::string text =
      "我叫李娜,电话 010-12345678,身份证 110105491231002,卡 ４１１１１１１１１１１１１１１１,"
      "邮箱 a＠example.com,IP 10.0.0.1,地址 北京市朝阳区建国路88号";
  const std::string masked = m.mask(text);
  ASSERT_EQ(masked,
            "我叫<NAME_1>,电话 <PHONE_1>,身份证 <ID_1>,卡 <CARD_1>,邮箱 <EMAIL_1>,IP <IP_1>,"
            "地址 <ADDRESS_1>");
  const std::string answer = "<ADDRESS_1>|<ADDRESS_|<ADDR|" + masked + "<ADDRESS_2><ADDRESS_1";
  const std::string expected =
      "北京市朝阳区建国路88号|<ADDRESS_|<ADDR|" + text + "<ADDRESS_2><ADDRESS_1";
  for (size_t i = 0; i <= answer.size(); ++i) {
    StreamUnmasker s(m);
    std::string out = s.push(answer.substr(0, i));
    out += s.push(answer.substr(i));
    out += s.flush();
    ASSERT_EQ(out, expected) << "split at " << i;
  }
  StreamUnmasker bytewise(m);
  std::string out;
  for (char c : answer) {
    const std::string piece = bytewise.push(std::string_view(&c, 1));
    EXPECT_EQ(piece.find("<ADDRESS_1"), std::string::npos);
    out += piece;
  }
  EXPECT_EQ(out + bytewise.flush(), expected);
}

}  // namespace
}  // namespace tandem::privacy
