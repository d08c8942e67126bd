#pragma once
// Calendar arithmetic on the proleptic Gregorian calendar without a time zone database: days
// since 1970-01-01 and back, and the DATETIME(3) text the database stores (always UTC).
#include <cstdint>
#include <optional>
#include <string>

namespace rj {

struct CivilDate {
  int64_t year = 1970;
  int month = 1;  // 1..12
  int day = 1;    // 1..31
};

int64_t daysFromCivil(const CivilDate& date);
CivilDate civilFromDays(int64_t days);
int daysInMonth(int64_t year, int month);
// 0 = Sunday .. 6 = Saturday.
int dayOfWeek(int64_t days);
// Floor division, for times before 1970 too.
int64_t floorDivide(int64_t value, int64_t divisor);

// Milliseconds since the epoch -> "2026-11-24 12:00:00.123".
std::string toDatabaseTime(int64_t epochMilliseconds);
// "2026-11-24 12:00:00[.123...]" -> milliseconds since the epoch; nullopt when malformed.
std::optional<int64_t> parseDatabaseTime(const std::string& text);

}  // namespace rj
