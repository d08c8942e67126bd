#include "util/civil_time.h"

#include <cstdio>

namespace rj {

int64_t floorDivide(int64_t value, int64_t divisor) {
  int64_t quotient = value / divisor;
  if ((value % divisor != 0) && ((value < 0) != (divisor < 0))) --quotient;
  return quotient;
}

// Howard Hinnant's days_from_civil / civil_from_days (public domain algorithms).
int64_t daysFromCivil(const CivilDate& date) {
  int64_t year = date.year - (date.month <= 2 ? 1 : 0);
  int64_t era = floorDivide(year, 400);
  int64_t yearOfEra = year - era * 400;
  int64_t monthIndex = date.month > 2 ? date.month - 3 : date.month + 9;
  int64_t dayOfYear = (153 * monthIndex + 2) / 5 + date.day - 1;
  int64_t dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

CivilDate civilFromDays(int64_t days) {
  days += 719468;
  int64_t era = floorDivide(days, 146097);
  int64_t dayOfEra = days - era * 146097;
  int64_t yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146096) / 365;
  int64_t dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
  int64_t monthIndex = (5 * dayOfYear + 2) / 153;
  CivilDate date;
  date.day = static_cast<int>(dayOfYear - (153 * monthIndex + 2) / 5 + 1);
  date.month = static_cast<int>(monthIndex < 10 ? monthIndex + 3 : monthIndex - 9);
  date.year = yearOfEra + era * 400 + (date.month <= 2 ? 1 : 0);
  return date;
}

int daysInMonth(int64_t year, int month) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

int dayOfWeek(int64_t days) {
  // 1970-01-01 was a Thursday.
  return static_cast<int>(days + 4 - floorDivide(days + 4, 7) * 7);
}

std::string toDatabaseTime(int64_t epochMilliseconds) {
  int64_t seconds = floorDivide(epochMilliseconds, 1000);
  int64_t days = floorDivide(seconds, 86400);
  int64_t secondOfDay = seconds - days * 86400;
  CivilDate date = civilFromDays(days);
  char text[64];
  std::snprintf(text, sizeof text, "%04lld-%02d-%02d %02lld:%02lld:%02lld.%03lld",
                static_cast<long long>(date.year), date.month, date.day,
                static_cast<long long>(secondOfDay / 3600),
                static_cast<long long>(secondOfDay / 60 % 60),
                static_cast<long long>(secondOfDay % 60),
                static_cast<long long>(epochMilliseconds - seconds * 1000));
  return text;
}

std::optional<int64_t> parseDatabaseTime(const std::string& text) {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, consumed = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2d %2d:%2d:%2d%n", &year, &month, &day, &hour, &minute,
                  &second, &consumed) != 6 ||
      consumed != 19) {
    return std::nullopt;
  }
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 ||
      minute > 59 || second > 59) {
    return std::nullopt;
  }
  int64_t milliseconds = 0;
  if (text.size() > 20 && text[19] == '.') {
    // Milliseconds: the first three digits of the fraction, padded.
    std::string fraction = text.substr(20, 3);
    fraction.resize(3, '0');
    for (char digit : fraction) {
      if (digit < '0' || digit > '9') return std::nullopt;
      milliseconds = milliseconds * 10 + (digit - '0');
    }
  }
  int64_t days = daysFromCivil({year, month, day});
  return ((days * 86400) + hour * 3600 + minute * 60 + second) * 1000 + milliseconds;
}

}  // namespace rj
