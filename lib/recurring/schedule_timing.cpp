#include "recurring/schedule_timing.h"

#include <algorithm>

#include "util/civil_time.h"

namespace rj {

namespace {
std::optional<int64_t> cronAfter(const ScheduleTiming& timing, int64_t afterMs) {
  int64_t localSeconds = floorDivide(afterMs, 1000) + timing.utcOffsetSeconds;
  auto match = nextCronMatch(*timing.cron, localSeconds);
  if (!match) return std::nullopt;
  return (*match - timing.utcOffsetSeconds) * 1000;
}
}  // namespace

std::optional<int64_t> firstDueTime(const ScheduleTiming& timing, int64_t nowMs) {
  if (timing.cron) return cronAfter(timing, nowMs);
  return (floorDivide(nowMs, 1000) + timing.everySeconds) * 1000;
}

std::optional<int64_t> nextDueTime(const ScheduleTiming& timing, int64_t dueMs, int64_t nowMs) {
  if (timing.cron) return cronAfter(timing, std::max(dueMs, nowMs));
  int64_t period = timing.everySeconds * 1000;
  if (nowMs < dueMs) return dueMs + period;
  return dueMs + (floorDivide(nowMs - dueMs, period) + 1) * period;
}

}  // namespace rj
