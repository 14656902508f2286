// The bisection over the generated name tables: fixed-width entries in byte order.
#include "privacy/names/sorted_table.h"

#include <gtest/gtest.h>

#include <string>

namespace tandem::privacy {
namespace {

TEST(SortedTable, FindsEveryEntryAndNothingElse) {
  const std::string_view table = "aabbccddff";  // five 2-byte entries
  for (std::string_view k : {"aa", "bb", "cc", "dd", "ff"})
    EXPECT_TRUE(sorted_table_contains(table, k)) << k;
  for (std::string_view k : {"ab", "ee", "zz", "", "bbc"})
    EXPECT_FALSE(sorted_table_contains(table, k)) << k;
  EXPECT_FALSE(sorted_table_contains("", "aa"));
  // The key's length is the entry width: callers cut the key to the table's width.
  EXPECT_TRUE(sorted_table_contains(table, "a"));
  // Multi-byte UTF-8 entries compare by bytes, as the generators sort them.
  const std::string sorted = std::string_view("李四") < std::string_view("张三")
                                 ? std::string("李四") + "张三"
                                 : std::string("张三") + "李四";
  EXPECT_TRUE(sorted_table_contains(sorted, "张三"));
  EXPECT_TRUE(sorted_table_contains(sorted, "李四"));
  EXPECT_FALSE(sorted_table_contains(sorted, "王五"));
}

}  // namespace
}  // namespace tandem::privacy
