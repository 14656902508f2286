// Foreign phone numbers: + and a country code in any grouping, and national formats after a
// phone cue; masked, known again by their digits, and unmasked across stream chunks. The
// numbers are in reserved or fictional ranges and none is taken from testdata/privacy.
#include <gtest/gtest.h>

#include "privacy/detector.h"
#include "privacy/masker.h"
#include "privacy/stream_unmasker.h"

namespace tandem::privacy {
namespace {

using V = std::vector<std::string>;

V phones(std::string_view text) {
  V v;
  for (const auto& m : PiiDetector::shared().detect(text))
    if (m.type == PiiType::kPhone) v.push_back(m.value);
  return v;
}

TEST(ForeignPhone, InternationalNumbersInAnyGrouping) {
  EXPECT_EQ(phones("Call me on +44 20 7946 0958 after six."), V{"+44 20 7946 0958"});
  EXPECT_EQ(phones("UK office: +44 (0)20 7946 0321"), V{"+44 (0)20 7946 0321"});
  EXPECT_EQ(phones("Paris +33 1 23 45 67 89"), V{"+33 1 23 45 67 89"});
  EXPECT_EQ(phones("东京办公室 +81 3-5555-0142。"), V{"+81 3-5555-0142"});
  EXPECT_EQ(phones("Handy +49 176 55501234"), V{"+49 176 55501234"});
  EXPECT_EQ(phones("WhatsApp: +447700900123"), V{"+447700900123"});
  EXPECT_EQ(phones("Singapore +65 9123 4567."), V{"+65 9123 4567"});
  EXPECT_EQ(phones("Dublin +353 87 555 0199"), V{"+353 87 555 0199"});
  EXPECT_EQ(phones("Sydney +61.2.5550.1234"), V{"+61.2.5550.1234"});
  EXPECT_EQ(phones("NYC +1 (212) 555-0147"), V{"+1 (212) 555-0147"});
  EXPECT_EQ(phones("全宽 ＋44 20 7946 0958"), V{"＋44 20 7946 0958"});
}

TEST(ForeignPhone, NorthAmericanNumbers) {
  EXPECT_EQ(phones("(212) 555-0147 is the front desk"), V{"(212) 555-0147"});
  EXPECT_EQ(phones("fax 212-555-0148"), V{"212-555-0148"});
  EXPECT_EQ(phones("cell: 415.555.0198"), V{"415.555.0198"});
  EXPECT_EQ(phones("toll free 1-800-555-0199"), V{"1-800-555-0199"});
}

TEST(ForeignPhone, NationalFormatsAfterACue) {
  EXPECT_EQ(phones("my mobile is 07700 900123"), V{"07700 900123"});
  EXPECT_EQ(phones("Tel: 020 7946 0958"), V{"020 7946 0958"});
  EXPECT_EQ(phones("電話 03-5555-0142"), V{"03-5555-0142"});
  EXPECT_EQ(phones("携帯 090-5555-0142"), V{"090-5555-0142"});
  EXPECT_EQ(phones("他的德国手机是 0176 55501234"), V{"0176 55501234"});
  EXPECT_EQ(phones("phone: 06 12 34 56 78"), V{"06 12 34 56 78"});
  EXPECT_EQ(phones("call 0044 20 7946 0958"), V{"0044 20 7946 0958"});
}

TEST(ForeignPhone, NumbersThatAreNoPhones) {
  EXPECT_TRUE(phones("order 07700 900123 shipped").empty());  // no cue, no +
  EXPECT_TRUE(phones("发票号 03-5555-0142").empty());
  EXPECT_TRUE(phones("score went +12.5% this week").empty());
  EXPECT_TRUE(phones("1+1=2, x+2=5").empty());
  EXPECT_TRUE(phones("温度 +3 度，风力 +2 级").empty());
  EXPECT_TRUE(phones("amount +1,234.56 USD").empty());
  EXPECT_TRUE(phones("version 2.14.0.3 released 2024-05-18").empty());
  EXPECT_TRUE(phones("call at 10:30 on 2024-05-18").empty());
  EXPECT_TRUE(phones("tracking number 1Z999AA10123456784").empty());
  EXPECT_TRUE(phones("text me the 3 numbers: 12, 34, 56").empty());
  EXPECT_TRUE(phones("phone order 2024051812345678").empty());  // one long run
}

TEST(ForeignPhone, MaskedKnownByDigitsAndUnmasked) {
  Masker m;
  const std::string masked = m.mask("Reach me at +44 20 7946 0958 or tel 020 7946 0958.");
  EXPECT_EQ(masked.find("7946"), std::string::npos) << masked;
  EXPECT_NE(masked.find("<PHONE_1>"), std::string::npos) << masked;
  EXPECT_EQ(m.unmask(masked), "Reach me at +44 20 7946 0958 or tel 020 7946 0958.");
  // The same number without spaces is the same placeholder.
  EXPECT_EQ(m.mask("+442079460958"), "<PHONE_1>");
}

TEST(ForeignPhone, StreamUnmaskAtEverySplit) {
  Masker m;
  const std::string masked = m.mask("Call +1 (212) 555-0147 now");
  ASSERT_EQ(masked, "Call <PHONE_1> now");
  for (size_t cut = 0; cut <= masked.size(); ++cut) {
    StreamUnmasker u(m);
    std::string out = u.push(masked.substr(0, cut));
    out += u.push(masked.substr(cut));
    out += u.flush();
    EXPECT_EQ(out, "Call +1 (212) 555-0147 now") << cut;
  }
}

}  // namespace
}  // namespace tandem::privacy
