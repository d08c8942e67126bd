// A recurring schedule's cron expression (POST /api/recurring-jobs, rjadmin recurring add):
// parsed, and when accepted, its next match searched from a few points in time, which must be a
// whole minute after the start that the expression matches.
#include "recurring/cron_expression.h"

#include <cstddef>
#include <cstdint>
#include <string>

#include "recurring/utc_offset.h"
#include "util/civil_time.h"

namespace {
bool matches(const rj::CronExpression& cron, int64_t seconds) {
  int64_t days = rj::floorDivide(seconds, 86400);
  int64_t minuteOfDay = (seconds - days * 86400) / 60;
  rj::CivilDate date = rj::civilFromDays(days);
  bool byMonthDay = cron.daysOfMonth[date.day];
  bool byWeekDay = cron.daysOfWeek[rj::dayOfWeek(days)];
  bool day = cron.dayOfMonthRestricted && cron.dayOfWeekRestricted ? byMonthDay || byWeekDay
                                                                   : byMonthDay && byWeekDay;
  return cron.months[date.month] && day && cron.hours[minuteOfDay / 60] &&
         cron.minutes[minuteOfDay % 60];
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  rj::parseUtcOffset(text);
  rj::CronExpression cron;
  try {
    cron = rj::parseCronExpression(text);
  } catch (const rj::CronSyntaxError&) {
    return 0;
  }
  for (int64_t after : {int64_t{0}, int64_t{1798761599}, int64_t{4107542399}, int64_t{-86401}}) {
    auto match = rj::nextCronMatch(cron, after);
    if (!match) continue;
    if (*match <= after || *match % 60 != 0 || *match - after > 13LL * 366 * 86400) {
      __builtin_trap();
    }
    if (!matches(cron, *match)) __builtin_trap();
  }
  return 0;
}
