// Name edges read by the model, word-shaped names as a person's object, the generated name
// lists, English postal tails, and the hash indexes behind the lexicon lookups.
#include <gtest/gtest.h>

#include "privacy/detector.h"
#include "privacy/found_values.h"
#include "privacy/names/chinese_lexicon.h"
#include "privacy/names/chinese_lexicon_data.h"
#include "privacy/names/english_lexicon.h"
#include "privacy/names/table_index.h"

namespace tandem::privacy {
namespace {

using testing::found;
using testing::V;

TEST(NameEdges, AVerbOrTitleAfterTheNameIsCut) {
  EXPECT_EQ(found("明天下午和唐蓉开会讨论预算。", PiiType::kName), V{"唐蓉"});
  EXPECT_EQ(found("孙雪阿姨明天来我们家。", PiiType::kName), V{"孙雪"});
  // Never lengthened: a verb after a two-character name stays out.
  EXPECT_EQ(found("把邱澈拉进新建的群。", PiiType::kName), V{"邱澈"});
}

TEST(WordShapedNames, ObjectsOfPersonVerbs) {
  EXPECT_EQ(found("给江河打个电话，问他几点到。", PiiType::kName), V{"江河"});
  EXPECT_EQ(found("今天的会由常青主持。", PiiType::kName), V{"常青"});
  EXPECT_EQ(found("把白云拉进周末的群里。", PiiType::kName), V{"白云"});
  // Things take these verbs too; roles are people but no names.
  for (const char* text : {"给手机充个电。", "提醒我给房东打电话。", "把白糖加到锅里。"})
    EXPECT_TRUE(found(text, PiiType::kName).empty()) << text;
}

TEST(EnglishNames, GivenNamesOfManyCountries) {
  EXPECT_EQ(english_first_name("Ingrid"), FirstName::kListed);
  EXPECT_EQ(english_first_name("Hope"), FirstName::kAmbiguous);  // the hand list decides
  EXPECT_EQ(english_first_name("Table"), FirstName::kNone);      // no English word is listed
  EXPECT_EQ(found("Book a table under the name Ingrid Castillo.", PiiType::kName),
            V{"Ingrid Castillo"});
  EXPECT_EQ(found("Tai Chi in the park every morning.", PiiType::kName), V{});
  // A listed family name after a word in no list: inside a sentence, or as a chat speaker.
  EXPECT_EQ(found("Did Grace Novak call?", PiiType::kName), V{"Grace Novak"});
  EXPECT_EQ(found("Hunter Sullivan: running late", PiiType::kName), V{"Hunter Sullivan"});
  for (const char* text : {"We drove to Santa Cruz.", "Las Vegas is hot.", "Fly to Puerto Rico."})
    EXPECT_TRUE(found(text, PiiType::kName).empty()) << text;
}

TEST(EnglishNames, PartnersKeepTheirFamilyNameAndHeIsASurnameMidSentence) {
  EXPECT_EQ(found("Who is taller, Tom Hanks or Meryl Streep?", PiiType::kName),
            (V{"Tom Hanks", "Meryl Streep"}));
  EXPECT_EQ(found("Invite Li Na and He Zhiyuan to the meeting.", PiiType::kName),
            (V{"Li Na", "He Zhiyuan"}));
  EXPECT_EQ(found("He Zhiyuan is here.", PiiType::kName), V{});  // the pronoun
}

TEST(EnglishAddress, PostalTailsAreKept) {
  EXPECT_EQ(found("Ship to 12 Elm Street, Denver, CO 80203.", PiiType::kAddress),
            V{"12 Elm Street, Denver, CO 80203"});
  EXPECT_EQ(found("She lives at 40 Baker Street, London NW1 6XE now.", PiiType::kAddress),
            V{"40 Baker Street, London NW1 6XE"});
  EXPECT_EQ(found("I'm at 9 Birch Avenue, Toronto, ON M4E 2L9.", PiiType::kAddress),
            V{"9 Birch Avenue, Toronto, ON M4E 2L9"});
}

TEST(TableIndex, FindsEveryEntryOfTheLexiconAndNothingElse) {
  const std::string_view t = lexicon_data::kWords3;
  for (size_t e = 0; e + 10 <= t.size(); e += 10)
    ASSERT_EQ(lexicon_cost_byte(LexiconTable::kWords3, t.substr(e, 9)),
              static_cast<unsigned char>(t[e + 9]))
        << t.substr(e, 9);
  EXPECT_EQ(lexicon_cost_byte(LexiconTable::kWords2, "柏知"), -1);
  EXPECT_EQ(lexicon_cost_byte(LexiconTable::kWords2, "马路对"), -1);  // wrong width
  const TableIndex keys("aaabbbccc", 3, 3);
  EXPECT_FALSE(keys.find("bbb").empty());
  EXPECT_TRUE(keys.find("abc").empty());
  const CharSet set("王李张");
  EXPECT_TRUE(set.contains("李"));
  EXPECT_FALSE(set.contains("赵"));
  EXPECT_FALSE(set.contains("a"));
}

}  // namespace
}  // namespace tandem::privacy
