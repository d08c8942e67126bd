// Which lines of a command's stdout rj-runner sends as job.progress instead of step.output.
#include "runners/progress_line.h"

#include <gtest/gtest.h>

namespace rj::test {

TEST(ProgressLine, AnObjectWithOnlyAnIntegerPercentIsProgress) {
  EXPECT_EQ(progressLinePercent(R"({"progressPercent":40})"), 40);
  EXPECT_EQ(progressLinePercent(R"({"progressPercent":0})"), 0);
  EXPECT_EQ(progressLinePercent(R"({"progressPercent":100})"), 100);
  // Blanks around and inside the object, and a CR from a CRLF line end.
  EXPECT_EQ(progressLinePercent(R"(  { "progressPercent" : 7 } )"), 7);
  EXPECT_EQ(progressLinePercent("{\"progressPercent\":55}\r"), 55);
}

TEST(ProgressLine, AnythingElseIsAnOrdinaryOutputLine) {
  EXPECT_FALSE(progressLinePercent(""));
  EXPECT_FALSE(progressLinePercent("count 1/5"));
  EXPECT_FALSE(progressLinePercent("progressPercent 40"));
  EXPECT_FALSE(progressLinePercent(R"("progressPercent":40)"));
  EXPECT_FALSE(progressLinePercent(R"({"progressPercent":101})"));
  EXPECT_FALSE(progressLinePercent(R"({"progressPercent":-1})"));
  EXPECT_FALSE(progressLinePercent(R"({"progressPercent":40.5})"));
  EXPECT_FALSE(progressLinePercent(R"({"progressPercent":"40"})"));
  EXPECT_FALSE(progressLinePercent(R"({"progressPercent":null})"));
  EXPECT_FALSE(progressLinePercent(R"({"progressPercent":40,"step":"build"})"));
  EXPECT_FALSE(progressLinePercent(R"({"progressPercent":40,"progressPercent":50})"));
  EXPECT_FALSE(progressLinePercent(R"({"progress":40})"));
  EXPECT_FALSE(progressLinePercent(R"({"progressPercent":40} trailing)"));
  EXPECT_FALSE(progressLinePercent(R"({"progressPercent":40})"
                                   "{}"));
  EXPECT_FALSE(progressLinePercent(R"([{"progressPercent":40}])"));
  EXPECT_FALSE(progressLinePercent(R"({"result":{"progressPercent":40}})"));
  EXPECT_FALSE(progressLinePercent(R"({"progressPercent":40)"));
  EXPECT_FALSE(progressLinePercent(R"({"counted":5})"));
}

}  // namespace rj::test
