// Cron expressions: parsing, the next matching minute, and when a schedule is due next.
#include "recurring/cron_expression.h"

#include <gtest/gtest.h>

#include "recurring/schedule_timing.h"
#include "recurring/utc_offset.h"
#include "util/civil_time.h"

namespace rj {

namespace {
// "2026-02-28 23:59:00" -> seconds since the epoch.
int64_t at(const std::string& text) {
  auto ms = parseDatabaseTime(text);
  EXPECT_TRUE(ms.has_value()) << text;
  return ms.value_or(0) / 1000;
}
std::string text(int64_t seconds) {
  return toDatabaseTime(seconds * 1000).substr(0, 16);
}
// The next match after `after`, as "YYYY-MM-DD HH:MM".
std::string next(const std::string& cron, const std::string& after) {
  auto match = nextCronMatch(parseCronExpression(cron), at(after));
  return match ? text(*match) : "never";
}
std::string refusal(const std::string& cron) {
  try {
    parseCronExpression(cron);
  } catch (const CronSyntaxError& error) {
    return error.what();
  }
  return "accepted";
}
}  // namespace

TEST(CronExpression, EveryMinuteIsTheNextWholeMinute) {
  EXPECT_EQ(next("* * * * *", "2026-11-25 10:00:00"), "2026-11-25 10:01");
  EXPECT_EQ(next("* * * * *", "2026-11-25 10:00:59"), "2026-11-25 10:01");
  EXPECT_EQ(next("* * * * *", "2026-12-31 23:59:30"), "2027-01-01 00:00");
}

TEST(CronExpression, StepsRangesAndLists) {
  EXPECT_EQ(next("*/15 * * * *", "2026-11-25 10:01:00"), "2026-11-25 10:15");
  EXPECT_EQ(next("*/15 * * * *", "2026-11-25 10:45:00"), "2026-11-25 11:00");
  EXPECT_EQ(next("10-20/5 * * * *", "2026-11-25 10:16:00"), "2026-11-25 10:20");
  EXPECT_EQ(next("10-20/5 * * * *", "2026-11-25 10:20:00"), "2026-11-25 11:10");
  EXPECT_EQ(next("50/5 * * * *", "2026-11-25 10:56:00"), "2026-11-25 11:50");
  EXPECT_EQ(next("0 9,17 * * *", "2026-11-25 09:00:00"), "2026-11-25 17:00");
  EXPECT_EQ(next("0 9,17 * * *", "2026-11-25 17:00:00"), "2026-11-26 09:00");
  EXPECT_EQ(next("0 22-23,1-2 * * *", "2026-11-25 23:30:00"), "2026-11-26 01:00");
}

TEST(CronExpression, NamesOfMonthsAndDaysInAnyCase) {
  // 2026-11-25 is a Wednesday.
  EXPECT_EQ(next("0 8 * * MON", "2026-11-25 10:00:00"), "2026-11-30 08:00");
  EXPECT_EQ(next("0 8 * * mon-fri", "2026-11-27 09:00:00"), "2026-11-30 08:00");
  EXPECT_EQ(next("0 0 1 jan,JUL *", "2026-11-25 10:00:00"), "2027-01-01 00:00");
  EXPECT_EQ(next("0 0 1 Mar *", "2026-11-25 10:00:00"), "2027-03-01 00:00");
}

TEST(CronExpression, SundayIsZeroAndSeven) {
  EXPECT_EQ(next("0 0 * * 0", "2026-11-25 10:00:00"), "2026-11-29 00:00");
  EXPECT_EQ(next("0 0 * * 7", "2026-11-25 10:00:00"), "2026-11-29 00:00");
  EXPECT_EQ(next("0 0 * * SUN", "2026-11-25 10:00:00"), "2026-11-29 00:00");
}

TEST(CronExpression, BothDayFieldsRestrictedMatchEither) {
  // The 1st of the month OR any Friday: Friday 2026-11-27 comes before December 1st.
  EXPECT_EQ(next("0 0 1 * FRI", "2026-11-25 10:00:00"), "2026-11-27 00:00");
  EXPECT_EQ(next("0 0 1 * FRI", "2026-11-28 10:00:00"), "2026-12-01 00:00");
  EXPECT_EQ(next("0 0 13 * 5", "2026-11-28 10:00:00"), "2026-12-04 00:00");
}

TEST(CronExpression, ADayFieldStartingWithStarMakesTheOtherOneDecide) {
  // Day-of-week `*`: only the 1st; day-of-month `*/1`: still AND with the weekday.
  EXPECT_EQ(next("0 0 1 * *", "2026-11-25 10:00:00"), "2026-12-01 00:00");
  EXPECT_EQ(next("0 0 */1 * FRI", "2026-11-25 10:00:00"), "2026-11-27 00:00");
  EXPECT_EQ(next("0 0 * * FRI", "2026-11-28 00:00:00"), "2026-12-04 00:00");
}

TEST(CronExpression, February29thComesInLeapYearsOnly) {
  EXPECT_EQ(next("0 12 29 2 *", "2026-11-25 10:00:00"), "2028-02-29 12:00");
  EXPECT_EQ(next("0 12 29 2 *", "2028-02-29 12:00:00"), "2032-02-29 12:00");
  // 2100 is not a leap year: eight years from 2096.
  EXPECT_EQ(next("0 0 29 FEB *", "2096-03-01 00:00:00"), "2104-02-29 00:00");
}

TEST(CronExpression, The31stSkipsShortMonths) {
  EXPECT_EQ(next("0 0 31 * *", "2026-11-25 10:00:00"), "2026-12-31 00:00");
  EXPECT_EQ(next("0 0 31 * *", "2027-01-31 00:00:00"), "2027-03-31 00:00");
}

TEST(CronExpression, ADateThatNeverComesHasNoMatch) {
  EXPECT_EQ(next("0 0 30 2 *", "2026-11-25 10:00:00"), "never");
  EXPECT_EQ(next("0 0 31 4,6,9,11 *", "2026-11-25 10:00:00"), "never");
}

TEST(CronExpression, BadExpressionsAreRefusedWithTheFieldNamed) {
  EXPECT_EQ(refusal("* * * *"),
            "cron must have 5 fields (minute hour day-of-month month day-of-week), not 4");
  EXPECT_EQ(refusal("* * * * * *"),
            "cron must have 5 fields (minute hour day-of-month month day-of-week), not 6");
  EXPECT_EQ(refusal("60 * * * *"), "cron minute field: 60 is out of range 0-59");
  EXPECT_EQ(refusal("* 24 * * *"), "cron hour field: 24 is out of range 0-23");
  EXPECT_EQ(refusal("* * 0 * *"), "cron day-of-month field: 0 is out of range 1-31");
  EXPECT_EQ(refusal("* * * 13 *"), "cron month field: 13 is out of range 1-12");
  EXPECT_EQ(refusal("* * * * 8"), "cron day-of-week field: 8 is out of range 0-7");
  EXPECT_EQ(refusal("*/0 * * * *"), "cron minute field: step 0 is out of range");
  EXPECT_EQ(refusal("5-1 * * * *"), "cron minute field: range 5-1 runs backwards");
  EXPECT_EQ(refusal("1,,2 * * * *"), "cron minute field: a value is missing");
  EXPECT_EQ(refusal("* * * FOO *"), "cron month field: unknown name FOO");
  EXPECT_EQ(refusal("* * * * MON-"), "cron day-of-week field: a value is missing");
  EXPECT_EQ(refusal("x * * * *"), "cron minute field: unknown name x");
  EXPECT_EQ(refusal("1.5 * * * *"), "cron minute field: not a number: 1.5");
  EXPECT_EQ(refusal("* * * * JAN"), "cron day-of-week field: unknown name JAN");
  EXPECT_EQ(refusal(std::string(256, '*')), "cron must be at most 255 characters");
  EXPECT_EQ(refusal(" 0  12\t* * * "), "accepted");
}

TEST(UtcOffset, UtcAndFixedOffsetsOnly) {
  EXPECT_EQ(parseUtcOffset("UTC"), 0);
  EXPECT_EQ(parseUtcOffset("+02:00"), 7200);
  EXPECT_EQ(parseUtcOffset("-05:30"), -19800);
  EXPECT_EQ(parseUtcOffset("+14:00"), 50400);
  EXPECT_EQ(parseUtcOffset("+14:01"), std::nullopt);
  EXPECT_EQ(parseUtcOffset("+02:60"), std::nullopt);
  EXPECT_EQ(parseUtcOffset("Europe/Berlin"), std::nullopt);
  EXPECT_EQ(parseUtcOffset("utc"), std::nullopt);
  EXPECT_EQ(parseUtcOffset("+2:00"), std::nullopt);
  EXPECT_EQ(parseUtcOffset(""), std::nullopt);
}

TEST(ScheduleTiming, CronIsReadOnTheScheduleClock) {
  ScheduleTiming timing;
  timing.cron = parseCronExpression("0 9 * * *");
  timing.zone = TimeZone::fixed(2 * 3600);  // 09:00 at +02:00 is 07:00 UTC
  auto first = firstDueTime(timing, at("2026-11-25 06:00:00") * 1000);
  ASSERT_TRUE(first);
  EXPECT_EQ(text(*first / 1000), "2026-11-25 07:00");
  timing.zone = TimeZone::fixed(-5 * 3600 - 1800);  // 09:00 at -05:30 is 14:30 UTC
  first = firstDueTime(timing, at("2026-11-25 15:00:00") * 1000);
  EXPECT_EQ(text(*first / 1000), "2026-11-26 14:30");
}

TEST(ScheduleTiming, AMissedCronTimeRunsOnceThenTheNextAfterNow) {
  ScheduleTiming timing;
  timing.cron = parseCronExpression("*/5 * * * *");
  // Due at 10:00, run only at 12:02 after an outage: next is 12:05, not 10:05.
  auto next =
      nextDueTime(timing, at("2026-11-25 10:00:00") * 1000, at("2026-11-25 12:02:00") * 1000);
  EXPECT_EQ(text(*next / 1000), "2026-11-25 12:05");
  // Run on time (a moment late): the next one.
  next =
      nextDueTime(timing, at("2026-11-25 10:00:00") * 1000, at("2026-11-25 10:00:00") * 1000 + 300);
  EXPECT_EQ(text(*next / 1000), "2026-11-25 10:05");
}

TEST(ScheduleTiming, IntervalsKeepTheirPhaseAndSkipMissedTimes) {
  ScheduleTiming timing;
  timing.everySeconds = 2;
  int64_t start = at("2026-11-25 10:00:00") * 1000;
  EXPECT_EQ(firstDueTime(timing, start + 700), start + 2000);
  EXPECT_EQ(nextDueTime(timing, start, start + 300), start + 2000);
  // A pass late by 5.1 s: one job for `start`, then the next on the grid after now.
  EXPECT_EQ(nextDueTime(timing, start, start + 5100), start + 6000);
  EXPECT_EQ(nextDueTime(timing, start, start + 6000), start + 8000);
  // A clock behind the due time never moves the schedule backwards.
  EXPECT_EQ(nextDueTime(timing, start, start - 500), start + 2000);
}

TEST(CivilTime, DatabaseTimesRoundTrip) {
  EXPECT_EQ(toDatabaseTime(0), "1970-01-01 00:00:00.000");
  EXPECT_EQ(parseDatabaseTime("2028-02-29 23:59:59.123"), int64_t{1835481599123});
  EXPECT_EQ(toDatabaseTime(1835481599123), "2028-02-29 23:59:59.123");
  EXPECT_EQ(parseDatabaseTime("2027-02-29 00:00:00"), std::nullopt);
  EXPECT_EQ(parseDatabaseTime("2026-11-25 10:00:00.5"),
            parseDatabaseTime("2026-11-25 10:00:00.500"));
  EXPECT_EQ(dayOfWeek(daysFromCivil({2026, 11, 25})), 3);  // a Wednesday
  EXPECT_EQ(toDatabaseTime(-1), "1969-12-31 23:59:59.999");
}

}  // namespace rj
