#include "util/time.h"

#include <chrono>

#include "util/civil_time.h"

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
      daysFromCivil(CivilDate{*year, *month, *day}) * 86400 + *hour * 3600 + *minute * 60 + *second;
  return seconds * 1000 + milliseconds;
}

int64_t nowEpochMilliseconds() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace rj
