#pragma once
// When a schedule is due: a cron expression read on the wall clock of a time zone, or every N
// seconds. Times are milliseconds since the epoch (UTC).
#include <cstdint>
#include <optional>

#include "recurring/cron_expression.h"
#include "recurring/time_zone.h"

namespace rj {

struct ScheduleTiming {
  std::optional<CronExpression> cron;  // when absent, everySeconds applies
  int64_t everySeconds = 0;
  TimeZone zone;  // the cron's clock
};

// The first due time of a schedule made at `nowMs`: the next cron match, or the next whole
// second plus everySeconds. nullopt when the cron expression never matches.
std::optional<int64_t> firstDueTime(const ScheduleTiming& timing, int64_t nowMs);

// The due time after `dueMs` once that one ran at `nowMs` (usually a moment later, but after an
// outage perhaps hours): the first due time after now, so that missed times are not made up one
// by one. An interval keeps its phase (dueMs + k * everySeconds). A cron schedule runs each wall
// clock time at most once: in the hour repeated when clocks go back, at its first occurrence;
// a time skipped when clocks go forward runs that much later (02:30 -> 03:30), as if the clock
// had not jumped. nullopt when the cron expression never matches again.
std::optional<int64_t> nextDueTime(const ScheduleTiming& timing, int64_t dueMs, int64_t nowMs);

}  // namespace rj
