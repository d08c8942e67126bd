// Time zones from the IANA database's TZif files, their POSIX TZ rules, and cron schedules on
// a wall clock with daylight saving time (the hour skipped in spring, the hour repeated in
// autumn).
#include "recurring/time_zone.h"

#include <gtest/gtest.h>

#include "recurring/schedule_timing.h"
#include "recurring/zone_database.h"
#include "util/civil_time.h"

namespace rj {

namespace {
int64_t at(const std::string& text) {
  return parseDatabaseTime(text).value_or(0) / 1000;
}
std::string text(int64_t seconds) {
  return toDatabaseTime(seconds * 1000).substr(0, 16);
}
TimeZone zone(const std::string& name) {
  auto found = findTimeZone(name);
  EXPECT_TRUE(found) << name << " (is tzdata installed?)";
  return found.value_or(TimeZone());
}
ScheduleTiming cronIn(const std::string& cron, const std::string& zoneName) {
  ScheduleTiming timing;
  timing.cron = parseCronExpression(cron);
  timing.zone = zone(zoneName);
  return timing;
}
// The UTC due times of a schedule from `start` on, as "YYYY-MM-DD HH:MM", each run on time.
std::vector<std::string> dueTimes(const ScheduleTiming& timing, const std::string& start,
                                  int count) {
  std::vector<std::string> times;
  auto due = firstDueTime(timing, at(start) * 1000);
  for (int i = 0; i < count && due; ++i) {
    times.push_back(text(*due / 1000));
    due = nextDueTime(timing, *due, *due + 200);
  }
  return times;
}
}  // namespace

TEST(TimeZone, BerlinOffsetsAroundItsChanges) {
  TimeZone berlin = zone("Europe/Berlin");
  EXPECT_EQ(berlin.offsetAt(at("2026-01-15 12:00:00")), 3600);
  EXPECT_EQ(berlin.offsetAt(at("2026-07-15 12:00:00")), 7200);
  // 2026-03-29 01:00 UTC: 02:00 CET becomes 03:00 CEST.
  EXPECT_EQ(berlin.offsetAt(at("2026-03-29 00:59:59")), 3600);
  EXPECT_EQ(berlin.offsetAt(at("2026-03-29 01:00:00")), 7200);
  // 2026-10-25 01:00 UTC: 03:00 CEST becomes 02:00 CET.
  EXPECT_EQ(berlin.offsetAt(at("2026-10-25 00:59:59")), 7200);
  EXPECT_EQ(berlin.offsetAt(at("2026-10-25 01:00:00")), 3600);
  // Past the file's transitions the footer rule (CET-1CEST,M3.5.0,M10.5.0/3) applies.
  EXPECT_EQ(berlin.offsetAt(at("2100-03-28 00:59:59")), 3600);
  EXPECT_EQ(berlin.offsetAt(at("2100-03-28 01:00:00")), 7200);
  EXPECT_EQ(berlin.offsetAt(at("2100-10-31 00:59:59")), 7200);
  EXPECT_EQ(berlin.offsetAt(at("2100-10-31 01:00:00")), 3600);
  // Before 1893 Berlin kept local mean time (+0:53:28).
  EXPECT_EQ(berlin.offsetAt(at("1850-01-01 00:00:00")), 3208);
}

TEST(TimeZone, SouthernHemisphereRuleWrapsTheYear) {
  TimeZone sydney = zone("Australia/Sydney");
  EXPECT_EQ(sydney.offsetAt(at("2026-01-15 00:00:00")), 11 * 3600);
  EXPECT_EQ(sydney.offsetAt(at("2026-07-15 00:00:00")), 10 * 3600);
  EXPECT_EQ(sydney.offsetAt(at("2090-01-15 00:00:00")), 11 * 3600);
  EXPECT_EQ(sydney.offsetAt(at("2090-07-15 00:00:00")), 10 * 3600);
}

TEST(TimeZone, NamesAreCheckedBeforeAnyFileIsRead) {
  EXPECT_FALSE(findTimeZone("../../etc/passwd"));
  EXPECT_FALSE(findTimeZone("/etc/localtime"));
  EXPECT_FALSE(findTimeZone("Europe//Berlin"));
  EXPECT_FALSE(findTimeZone("right/Europe/Berlin"));
  EXPECT_FALSE(findTimeZone("Mars/Base"));
  EXPECT_FALSE(findTimeZone("zone.tab"));
  EXPECT_FALSE(findTimeZone(""));
  EXPECT_TRUE(findTimeZone("UTC"));
  EXPECT_TRUE(findTimeZone("+05:30"));
  EXPECT_TRUE(findTimeZone("America/Argentina/Buenos_Aires"));
  EXPECT_TRUE(findTimeZone("Etc/GMT+5"));
  EXPECT_EQ(zone("Etc/GMT+5").offsetAt(at("2026-01-01 00:00:00")), -5 * 3600);
  EXPECT_EQ(zone("Asia/Kolkata").offsetAt(at("2026-01-01 00:00:00")), 5 * 3600 + 1800);
}

TEST(TimeZone, MalformedFilesAreRefused) {
  EXPECT_THROW(TimeZone::fromTzif(""), TimeZoneError);
  EXPECT_THROW(TimeZone::fromTzif("TZif2"), TimeZoneError);
  EXPECT_THROW(TimeZone::fromTzif(std::string(44, '\0')), TimeZoneError);
  std::string header = "TZif" + std::string(40, '\0');
  EXPECT_THROW(TimeZone::fromTzif(header), TimeZoneError);  // no local time type
}

TEST(PosixTimeZone, RulesAndFixedOffsets) {
  int64_t fixed = 0;
  EXPECT_FALSE(parsePosixTimeZone("<+0530>-5:30", fixed));
  EXPECT_EQ(fixed, 5 * 3600 + 1800);
  auto rule = parsePosixTimeZone("EST5EDT,M3.2.0,M11.1.0", fixed);
  ASSERT_TRUE(rule);
  EXPECT_EQ(rule->standardOffset, -5 * 3600);
  EXPECT_EQ(rule->daylightOffset, -4 * 3600);
  EXPECT_EQ(rule->start.month, 3);
  EXPECT_EQ(rule->start.week, 2);
  EXPECT_EQ(rule->end.secondsOfDay, 7200);
  EXPECT_TRUE(parsePosixTimeZone("<-03>3<-02>,M3.5.0/-2,M10.5.0/-1", fixed));
  EXPECT_TRUE(parsePosixTimeZone("XXX3YYY,J60/25,300", fixed));
  EXPECT_THROW(parsePosixTimeZone("EST", fixed), TimeZoneError);
  EXPECT_THROW(parsePosixTimeZone("EST5EDT", fixed), TimeZoneError);
  EXPECT_THROW(parsePosixTimeZone("EST5EDT,M13.1.0,M11.1.0", fixed), TimeZoneError);
  EXPECT_THROW(parsePosixTimeZone("EST5EDT,M3.2.0,M11.1.0x", fixed), TimeZoneError);
}

TEST(CronInAZone, DailyTimeFollowsTheWallClockAcrossDaylightSavingTime) {
  // 09:00 in Berlin is 08:00 UTC in winter, 07:00 UTC in summer.
  EXPECT_EQ(dueTimes(cronIn("0 9 * * *", "Europe/Berlin"), "2026-03-27 12:00:00", 3),
            (std::vector<std::string>{"2026-03-28 08:00", "2026-03-29 07:00", "2026-03-30 07:00"}));
}

TEST(CronInAZone, ATimeInTheSkippedHourRunsOnceAnHourLater) {
  // 2026-03-29 02:30 does not exist in Berlin: it runs at 03:30 CEST (01:30 UTC).
  EXPECT_EQ(dueTimes(cronIn("30 2 * * *", "Europe/Berlin"), "2026-03-28 12:00:00", 3),
            (std::vector<std::string>{"2026-03-29 01:30", "2026-03-30 00:30", "2026-03-31 00:30"}));
  // Every 30 minutes across the gap: 01:30 CET, then 03:00 CEST; 02:00 and 02:30 land on 03:00
  // and 03:30, which run once each.
  EXPECT_EQ(dueTimes(cronIn("*/30 * * * *", "Europe/Berlin"), "2026-03-29 00:15:00", 4),
            (std::vector<std::string>{"2026-03-29 00:30", "2026-03-29 01:00", "2026-03-29 01:30",
                                      "2026-03-29 02:00"}));
}

TEST(CronInAZone, ATimeInTheRepeatedHourRunsOnceAtItsFirstOccurrence) {
  // 2026-10-25 02:30 happens twice in Berlin (00:30 and 01:30 UTC): once, at the first.
  EXPECT_EQ(dueTimes(cronIn("30 2 * * *", "Europe/Berlin"), "2026-10-24 12:00:00", 2),
            (std::vector<std::string>{"2026-10-25 00:30", "2026-10-26 01:30"}));
  // Hourly through the repeated hour: each wall clock hour once.
  EXPECT_EQ(dueTimes(cronIn("0 * * * *", "Europe/Berlin"), "2026-10-24 23:30:00", 4),
            (std::vector<std::string>{"2026-10-25 00:00", "2026-10-25 02:00", "2026-10-25 03:00",
                                      "2026-10-25 04:00"}));
}

TEST(CronInAZone, AScheduleMadeInTheSecondPassOfTheRepeatedHourWaitsForTheNextDay) {
  ScheduleTiming timing = cronIn("30 2 * * *", "Europe/Berlin");
  // 01:10 UTC is 02:10 CET, the second 02:xx: the 02:30 due at 01:30 UTC is still ahead.
  auto first = firstDueTime(timing, at("2026-10-25 01:10:00") * 1000);
  ASSERT_TRUE(first);
  EXPECT_EQ(text(*first / 1000), "2026-10-25 01:30");
}

TEST(CronInAZone, NewYorkChangesOnSundaysInMarchAndNovember) {
  EXPECT_EQ(dueTimes(cronIn("0 12 * * SUN", "America/New_York"), "2026-03-01 00:00:00", 3),
            (std::vector<std::string>{"2026-03-01 17:00", "2026-03-08 16:00", "2026-03-15 16:00"}));
}

}  // namespace rj
