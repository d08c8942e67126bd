#pragma once
// Standard 5-field cron expressions: minute hour day-of-month month day-of-week, each `*`, a
// number, a range `a-b`, a step `*/n`, `a-b/n` or `a/n`, or a comma-separated list of those;
// months JAN..DEC and days SUN..SAT by name too (any case), day-of-week 7 is Sunday as 0.
// When both day fields are restricted (neither starts with `*`), a day matches either (the
// classic cron rule); otherwise both must match.
#include <bitset>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

namespace rj {

struct CronExpression {
  std::bitset<60> minutes;
  std::bitset<24> hours;
  std::bitset<32> daysOfMonth;  // 1..31
  std::bitset<13> months;       // 1..12
  std::bitset<7> daysOfWeek;    // 0 = Sunday
  bool dayOfMonthRestricted = false;
  bool dayOfWeekRestricted = false;
};

// Why an expression was refused, for a validation message ("cron hour field: 24 is out of
// range 0-23").
class CronSyntaxError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// Expressions are at most this long (a schedule stores the text).
constexpr size_t kMaxCronLength = 255;

// Throws CronSyntaxError.
CronExpression parseCronExpression(const std::string& text);

// The first whole minute strictly after `afterSeconds` (seconds since the epoch on the clock the
// expression is read in) that the expression matches; nullopt when none comes within the next
// 12 years (an expression like "0 0 30 2 *" never matches; Feb 29 comes at least every 8).
std::optional<int64_t> nextCronMatch(const CronExpression& cron, int64_t afterSeconds);

}  // namespace rj
