// The pure parts of scheduling: ISO-8601 UTC times and the retry backoff.
#include <gtest/gtest.h>

#include <set>

#include "jobs/backoff.h"
#include "util/civil_time.h"
#include "util/time.h"

namespace rj {

TEST(IsoTime, ParsesUtcTimestampsToEpochMilliseconds) {
  EXPECT_EQ(parseIsoUtcMilliseconds("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(parseIsoUtcMilliseconds("2026-11-25T16:11:21Z"), 1795623081000);
  EXPECT_EQ(parseIsoUtcMilliseconds("2026-11-25T16:11:21.5Z"), 1795623081500);
  EXPECT_EQ(parseIsoUtcMilliseconds("2026-11-25T16:11:21.123456789+00:00"), 1795623081123);
  EXPECT_EQ(parseIsoUtcMilliseconds("2024-02-29 23:59:59z"), 1709251199000);
}

TEST(IsoTime, RefusesOtherZonesAndImpossibleDates) {
  for (const char* text :
       {"", "2026-11-25", "2026-11-25T16:11:21", "2026-11-25T16:11:21+01:00",
        "2026-02-29T00:00:00Z", "2026-13-01T00:00:00Z", "2026-00-10T00:00:00Z",
        "2026-11-25T24:00:00Z", "2026-11-25T16:60:00Z", "2026-11-25T16:11:60Z",
        "1969-12-31T23:59:59Z", "2026-11-25T16:11:21.Z", "2026-11-25T16:11:21.1234567890Z",
        "2026-11-25X16:11:21Z", "2026-11-25T16:11:21Z ", "+026-11-25T16:11:21Z",
        "2026-1a-25T16:11:21Z"}) {
    EXPECT_FALSE(parseIsoUtcMilliseconds(text).has_value()) << text;
  }
}

TEST(IsoTime, DatabaseTimeIsTheInverse) {
  EXPECT_EQ(toDatabaseTime(0), "1970-01-01 00:00:00.000");
  EXPECT_EQ(toDatabaseTime(1709251199999), "2024-02-29 23:59:59.999");
  for (int64_t at : {int64_t{951782400000}, int64_t{4102444799123}, int64_t{1795623081500}}) {
    std::string iso = toIsoTimestamp(toDatabaseTime(at));
    EXPECT_EQ(parseIsoUtcMilliseconds(iso), at) << iso;
  }
}

TEST(Backoff, DoublesPerAttemptUpToAnHourWithJitterInTheUpperHalf) {
  EXPECT_EQ(backoffCeilingMilliseconds(10, 1), 10000);
  EXPECT_EQ(backoffCeilingMilliseconds(10, 2), 20000);
  EXPECT_EQ(backoffCeilingMilliseconds(10, 4), 80000);
  EXPECT_EQ(backoffCeilingMilliseconds(10, 25), 3600000);
  EXPECT_EQ(backoffCeilingMilliseconds(86400, 1), 3600000);
  std::set<int64_t> seen;
  for (int i = 0; i < 200; ++i) {
    int64_t delay = backoffMilliseconds(10, 3);
    EXPECT_GE(delay, 20000);
    EXPECT_LE(delay, 40000);
    seen.insert(delay);
  }
  EXPECT_GT(seen.size(), 50u) << "no jitter";
}

}  // namespace rj
