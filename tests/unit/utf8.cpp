// Making outside text valid UTF-8 and cutting it between characters.
#include "util/utf8.h"

#include <gtest/gtest.h>

namespace rj {

TEST(Utf8, ValidTextIsKept) {
  EXPECT_EQ(validUtf8("plain"), "plain");
  EXPECT_EQ(validUtf8("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"),
            "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80");
  EXPECT_EQ(validUtf8(std::string("a\0b", 3)), std::string("a\0b", 3));
}

TEST(Utf8, EveryBadByteBecomesOneReplacementCharacter) {
  const std::string replacement = "\xEF\xBF\xBD";
  EXPECT_EQ(validUtf8("\xFF"), replacement);
  EXPECT_EQ(validUtf8("a\xE2\x82"), "a" + replacement + replacement);             // cut short
  EXPECT_EQ(validUtf8("\xC0\xAF"), replacement + replacement);                    // overlong
  EXPECT_EQ(validUtf8("\xED\xA0\x80"), replacement + replacement + replacement);  // surrogate
  EXPECT_EQ(validUtf8("\xF4\x90\x80\x80"), replacement + replacement + replacement + replacement);
}

TEST(Utf8, PrefixNeverSplitsACharacter) {
  std::string text = "ab\xE2\x82\xAC";  // "ab€": the euro sign is 3 bytes
  EXPECT_EQ(utf8PrefixLength(text, 10), 5u);
  EXPECT_EQ(utf8PrefixLength(text, 5), 5u);
  EXPECT_EQ(utf8PrefixLength(text, 4), 2u);
  EXPECT_EQ(utf8PrefixLength(text, 3), 2u);
  EXPECT_EQ(utf8PrefixLength(text, 2), 2u);
  EXPECT_EQ(utf8PrefixLength(text, 0), 0u);
}

}  // namespace rj
