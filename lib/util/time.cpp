#include "util/time.h"

#include <chrono>
#include <cstdio>

namespace rj {

std::string toIsoTimestamp(const std::string& databaseTime) {
  // Date and time are always 19 characters; the fraction is padded or cut to milliseconds.
  std::string iso = databaseTime.substr(0, 19);
  if (iso.size() > 10) iso[10] = 'T';
  std::string fraction = databaseTime.size() > 20 ? databaseTime.substr(20, 3) : "";
  fraction.resize(3, '0');
  return iso + "." + fraction + "Z";
}

std::optional<std::string> toIsoTimestamp(const std::optional<std::string>& databaseTime) {
  if (!databaseTime) return std::nullopt;
  return toIsoTimestamp(*databaseTime);
}

namespace {

bool isDigit(char c) {
  return c >= '0' && c <= '9';
}

// The number in text[at, at + width) when all of it is digits.
std::optional<int> digits(std::string_view text, size_t at, size_t width) {
  if (at + width > text.size()) return std::nullopt;
  int value = 0;
  for (size_t i = at; i < at + width; ++i) {
    if (!isDigit(text[i])) return std::nullopt;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

bool isLeapYear(int year) {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int daysInMonth(int year, int month) {
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && isLeapYear(year) ? 29 : days[month - 1];
}

// Days from 1970-01-01 to the civil date (proleptic Gregorian).
int64_t daysFromCivil(int64_t year, int64_t month, int64_t day) {
  year -= month <= 2 ? 1 : 0;
  const int64_t era = year / 400;
  const int64_t yearOfEra = year - era * 400;
  const int64_t dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  const int64_t dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

}  // namespace

std::optional<int64_t> parseIsoUtcMilliseconds(std::string_view text) {
  // 2026-11-24T12:00:00 is 19 characters; the fraction and the zone follow.
  auto year = digits(text, 0, 4), month = digits(text, 5, 2), day = digits(text, 8, 2);
  auto hour = digits(text, 11, 2), minute = digits(text, 14, 2), second = digits(text, 17, 2);
  if (!year || !month || !day || !hour || !minute || !second) return std::nullopt;
  if (text[4] != '-' || text[7] != '-' || text[13] != ':' || text[16] != ':') return std::nullopt;
  if (text[10] != 'T' && text[10] != 't' && text[10] != ' ') return std::nullopt;
  if (*year < 1970 || *month < 1 || *month > 12 || *day < 1 || *day > daysInMonth(*year, *month) ||
      *hour > 23 || *minute > 59 || *second > 59) {
    return std::nullopt;
  }
  size_t at = 19;
  int64_t milliseconds = 0;
  if (at < text.size() && text[at] == '.') {
    size_t start = ++at;
    while (at < text.size() && isDigit(text[at])) {
      // Digits past the millisecond are allowed and dropped (truncated, never rounded up).
      if (at - start < 3) milliseconds = milliseconds * 10 + (text[at] - '0');
      ++at;
    }
    size_t count = at - start;
    if (count == 0 || count > 9) return std::nullopt;
    for (size_t i = count; i < 3; ++i) milliseconds *= 10;
  }
  std::string_view zone = text.substr(at);
  if (zone != "Z" && zone != "z" && zone != "+00:00") return std::nullopt;
  int64_t seconds =
      daysFromCivil(*year, *month, *day) * 86400 + *hour * 3600 + *minute * 60 + *second;
  return seconds * 1000 + milliseconds;
}

std::string toDatabaseTime(int64_t epochMilliseconds) {
  int64_t days = epochMilliseconds / 86400000;
  int64_t rest = epochMilliseconds % 86400000;
  if (rest < 0) {
    rest += 86400000;
    --days;
  }
  // Civil date from days since 1970-01-01 (the inverse of daysFromCivil).
  days += 719468;
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const int64_t dayOfEra = days - era * 146097;
  const int64_t yearOfEra =
      (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146096) / 365;
  const int64_t dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
  const int64_t monthIndex = (5 * dayOfYear + 2) / 153;
  const int64_t day = dayOfYear - (153 * monthIndex + 2) / 5 + 1;
  const int64_t month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9;
  const int64_t year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  char text[96];
  std::snprintf(text, sizeof text, "%04lld-%02lld-%02lld %02lld:%02lld:%02lld.%03lld",
                static_cast<long long>(year), static_cast<long long>(month),
                static_cast<long long>(day), static_cast<long long>(rest / 3600000),
                static_cast<long long>(rest / 60000 % 60), static_cast<long long>(rest / 1000 % 60),
                static_cast<long long>(rest % 1000));
  return text;
}

int64_t nowEpochMilliseconds() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace rj
