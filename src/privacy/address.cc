#include "privacy/address.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "privacy/names/table_index.h"

namespace tandem::privacy {
namespace {

// Characters that begin the words leading into an address ("我住在", "请寄到", "收货地址是")
// and never start a place name we expect; stripped off the front of a match.
constexpr std::string_view kLeadChars =
    "我你他她们住在到寄送把请快递件是位去的了家搬发邮给帮往收货人址地就也要想现目前今"
    "和跟与至留填写为：";
// Multi-character lead-ins whose first character can also start a place name (来宾, 于都).
constexpr std::array<std::string_view, 6> kLeadWords = {"来自", "位于", "公司",
                                                        "回到", "前往", "从"};
// A run containing one of these is a sentence, not an address ("这个城市的社区").
// 都 is left out (成都, 首都); 和 is checked apart (和平区 is a district).
constexpr std::string_view kSentenceChars = "的了与或是有这那个们很也在吗呢吧";
// Suffixes that close a level; counting them approximates the number of levels.
constexpr std::string_view kLevelChars = "省市区县旗镇乡村路街道巷弄号栋幢座元层楼室园厦寓场";

// The lists as bitmaps: every character of a Chinese run is tested against them.
const CharSet kLeadSet(kLeadChars), kSentenceSet(kSentenceChars), kLevelSet(kLevelChars);

bool is_han_at(std::string_view s, size_t i) {
  // Han characters used here are three UTF-8 bytes starting E4..E9.
  return i + 3 <= s.size() && static_cast<unsigned char>(s[i]) >= 0xE4 &&
         static_cast<unsigned char>(s[i]) <= 0xE9;
}

}  // namespace

std::string chinese_address_pattern() {
  const std::string named =
      "[A-Za-z]{0,8}\\p{Han}{1,8}?(?:省|自治区|特别行政区|市|区|县|旗|镇|乡|街道|村|大道|道|路|街|"
      "巷|胡同|弄|小区|花园|大厦|公寓|广场|园区|城|中心)";
  const std::string numbered =
      "(?:[0-9\\x{FF10}-\\x{FF19}A-Za-z]{1,6}(?:[\\-\\x{FF0D}][0-9]{1,4}){0,2}|["
      "一二三四五六七八九十]{1,3})"
      "(?:号楼|号院|号|栋|幢|座|单元|层|楼|室|弄|段|期|组)";
  // A park counts before a building number only (软件园2号楼; 潘家园旧货市场 is a market).
  const std::string park = "\\p{Han}{1,8}?园" + numbered;
  // A room number may close the chain without a suffix (A座1506).
  return "((?:" + named + "|" + park + "|" + numbered + "){2,12}(?:[0-9]{3,5}(?:室|房)?)?)";
}

std::string english_address_pattern() {
  // A room or flat before the number, "No." before it (Flat 5, No. 12 Nanjing Road).
  const std::string before =
      "(?:(?:Room|Rm\\.?|Flat|Apt\\.?|Suite|Unit) [0-9A-Za-z\\-]+, )?(?:No\\. ?)?";
  const std::string street =
      "[0-9]{1,5}(?: [A-Z][a-z]+){1,3} (?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|"
      "Lane|Ln|Drive|Dr|Way|Court|Ct|Place|Pl|Parkway|Pkwy|Highway|Hwy|Terrace|Circle)\\b";
  // Streets named after their kind, as in French, Italian, Spanish, Portuguese: 15 Rue de Lappe.
  const std::string romance =
      "[0-9]{1,5},? (?:Rue|Avenue|Boulevard|Place|Via|Viale|Calle|Avenida|Rua|Piazza|Strada)"
      "(?: (?:de|du|des|del|della|di|da|do|la|le|los|las))* [A-Z][a-z]+(?: [A-Z][a-z]+)?";
  const std::string unit = "(?:,? (?:Apt\\.?|Apartment|Suite|Unit|#) ?[0-9A-Za-z\\-]+)?";
  // Then a district and up to two place names: ", Huangpu District, Shanghai", ", Paris",
  // ", Wan Chai, Hong Kong". Then a postal code, which is part of the address: a US state and
  // ZIP (", MA 02142"), a Canadian province and code (", ON M4E 2L9"), a UK postcode
  // (" E14 2AG"); the city alone left them to be sent.
  const std::string postal =
      "(?:,? (?:[A-Z]{2} )?[0-9]{5}(?:-[0-9]{4})?|, [A-Z]{2} [A-Z][0-9][A-Z] [0-9][A-Z][0-9]|"
      " [A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2})?";
  const std::string after =
      "(?:, [A-Z][a-z]+(?: [A-Z][a-z]+)? (?:District|County|Province|State|Borough))?"
      "(?:, [A-Z][a-z]+(?: [A-Z][a-z]+)?){0,2}" +
      postal;
  return "\\b(" + before + "(?:" + street + "|" + romance + ")" + unit + after + ")";
}

std::optional<Span> validate_chinese_address(std::string_view text, const std::vector<Span>& g) {
  auto [b, e] = g.front();
  // A room number cut out of a longer digit run (南山区13800138000: a phone follows) is not one.
  if (e < text.size() && std::isdigit(static_cast<unsigned char>(text[e])))
    while (e > b && std::isdigit(static_cast<unsigned char>(text[e - 1]))) --e;
  // The regex starts at the leftmost Han character that can begin a chain, so the words
  // leading into the address come along ("新地址是广州市..."). The address starts after the
  // last lead-in or sentence character before the first level suffix.
  size_t first_level = e;
  for (size_t i = b; i + 3 <= e; i += is_han_at(text, i) ? 3 : 1)
    if (is_han_at(text, i) && kLevelSet.contains(text.substr(i, 3))) {
      first_level = i;
      break;
    }
  for (size_t i = b; i < first_level; i += is_han_at(text, i) ? 3 : 1) {
    if (!is_han_at(text, i)) continue;
    const auto ch = text.substr(i, 3);
    if (kLeadSet.contains(ch) || kSentenceSet.contains(ch)) b = i + 3;
  }
  for (auto w : kLeadWords)
    if (text.substr(b, e - b).starts_with(w)) b += w.size();
  const std::string_view v = text.substr(b, e - b);
  int levels = 0;
  for (size_t i = 0; i < v.size();) {
    if (is_han_at(v, i)) {
      const auto ch = v.substr(i, 3);
      if (kSentenceSet.contains(ch)) return std::nullopt;
      // 广东省和浙江省 joins two places; inside a name (林和西路, 和平区) 和 is part of it.
      if (ch == "和" && i >= 3 && kLevelSet.contains(v.substr(i - 3, 3)) &&
          v.substr(i + 3, 3) != "平")
        return std::nullopt;
      if (kLevelSet.contains(ch)) ++levels;
      i += 3;
    } else {
      ++i;
    }
  }
  // A run of numbers alone ("1号2号") needs three levels to count; a named place needs two.
  if (levels < 2 || (!is_han_at(v, 0) && levels < 3)) return std::nullopt;
  // The first level needs a name in front of its suffix ("区" alone is not a place).
  if (v.size() < 6) return std::nullopt;
  return Span{b, e};
}

}  // namespace tandem::privacy
