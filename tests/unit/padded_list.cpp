// Padded value lists (db/padded_list.h): the slot counts, the placeholder text and the values
// the padding repeats.
#include "db/padded_list.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace rj {

TEST(PaddedList, SlotsAreThePowerOfTwoAtOrAboveTheCountAndTheMinimum) {
  EXPECT_EQ(paddedSlots(1), 1u);
  EXPECT_EQ(paddedSlots(2), 2u);
  EXPECT_EQ(paddedSlots(3), 4u);
  EXPECT_EQ(paddedSlots(50), 64u);
  EXPECT_EQ(paddedSlots(64), 64u);
  EXPECT_EQ(paddedSlots(1, 8), 8u);
  EXPECT_EQ(paddedSlots(9, 8), 16u);
  EXPECT_EQ(paddedSlots(0, 0), 1u);
}

TEST(PaddedList, PlaceholdersJoinTheItem) {
  EXPECT_EQ(placeholderList(1), "?");
  EXPECT_EQ(placeholderList(3), "?, ?, ?");
  EXPECT_EQ(placeholderList(2, "(a = ? AND b = ?)", " OR "),
            "(a = ? AND b = ?) OR (a = ? AND b = ?)");
}

TEST(PaddedList, ThePaddingRepeatsTheLastValue) {
  std::vector<std::string> values = {"a", "b", "c"};
  std::vector<std::string> bound;
  for (size_t slot = 0; slot < paddedSlots(values.size()); ++slot) {
    bound.push_back(paddedValue(values, slot));
  }
  EXPECT_EQ(bound, (std::vector<std::string>{"a", "b", "c", "c"}));
}

}  // namespace rj
