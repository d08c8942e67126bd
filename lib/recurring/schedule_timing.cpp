#include "recurring/schedule_timing.h"

#include <algorithm>

#include "util/civil_time.h"

namespace rj {

namespace {

// Wall clock seconds of the zone at an instant.
int64_t wallClock(const TimeZone& zone, int64_t utcSeconds) {
  return utcSeconds + zone.offsetAt(utcSeconds);
}

// The first instant after `afterUtc` whose wall clock time matches the cron expression and is
// after `wallStart`. A wall time that occurs twice (clocks going back) is taken at its first
// occurrence after `afterUtc`; one that never occurs (clocks going forward) at the instant the
// offset before the change gives it.
std::optional<int64_t> cronAfter(const ScheduleTiming& timing, int64_t afterUtc,
                                 int64_t wallStart) {
  const TimeZone& zone = timing.zone;
  // Bounded: each round moves the wall clock forward by at least a minute.
  for (int round = 0; round < 10000; ++round) {
    auto match = nextCronMatch(*timing.cron, wallStart);
    if (!match) return std::nullopt;
    int64_t wall = *match;
    int64_t earlier = wall - zone.offsetAt(wall - 86400);
    int64_t later = wall - zone.offsetAt(wall + 86400);
    std::optional<int64_t> chosen;
    for (int64_t candidate : {std::min(earlier, later), std::max(earlier, later)}) {
      if (candidate > afterUtc && wallClock(zone, candidate) == wall) {
        chosen = candidate;
        break;
      }
    }
    bool exists = wallClock(zone, earlier) == wall || wallClock(zone, later) == wall;
    // A wall time in the gap: as the clock before the change would read it.
    if (!chosen && !exists && earlier > afterUtc) chosen = earlier;
    if (chosen) return chosen;
    wallStart = wall;
  }
  return std::nullopt;
}

}  // namespace

std::optional<int64_t> firstDueTime(const ScheduleTiming& timing, int64_t nowMs) {
  int64_t now = floorDivide(nowMs, 1000);
  if (!timing.cron) return (now + timing.everySeconds) * 1000;
  auto due = cronAfter(timing, now, wallClock(timing.zone, now));
  if (!due) return std::nullopt;
  return *due * 1000;
}

std::optional<int64_t> nextDueTime(const ScheduleTiming& timing, int64_t dueMs, int64_t nowMs) {
  if (!timing.cron) {
    int64_t period = timing.everySeconds * 1000;
    if (nowMs < dueMs) return dueMs + period;
    return dueMs + (floorDivide(nowMs - dueMs, period) + 1) * period;
  }
  int64_t due = floorDivide(dueMs, 1000);
  int64_t now = floorDivide(nowMs, 1000);
  // The wall clock never goes back for a schedule: a repeated hour does not run twice.
  int64_t wallStart = std::max(wallClock(timing.zone, due), wallClock(timing.zone, now));
  auto next = cronAfter(timing, std::max(due, now), wallStart);
  if (!next) return std::nullopt;
  return *next * 1000;
}

}  // namespace rj
