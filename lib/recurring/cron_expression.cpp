#include "recurring/cron_expression.h"

#include <cctype>
#include <vector>

#include "util/civil_time.h"

namespace rj {

namespace {

struct FieldRange {
  const char* name;
  int low;
  int high;
  const char* const* names;  // names[i] is the value low + i; nullptr when none
};

const char* const kMonthNames[] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                   "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
const char* const kDayNames[] = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};

const FieldRange kFields[] = {{"minute", 0, 59, nullptr},
                              {"hour", 0, 23, nullptr},
                              {"day-of-month", 1, 31, nullptr},
                              {"month", 1, 12, kMonthNames},
                              // 7 is Sunday too; folded into 0 after parsing.
                              {"day-of-week", 0, 7, kDayNames}};

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (;;) {
    size_t end = text.find(separator, start);
    parts.push_back(text.substr(start, end == std::string::npos ? end : end - start));
    if (end == std::string::npos) return parts;
    start = end + 1;
  }
}

[[noreturn]] void refuse(const FieldRange& field, const std::string& why) {
  throw CronSyntaxError(std::string("cron ") + field.name + " field: " + why);
}

int parseValue(const FieldRange& field, const std::string& text) {
  if (text.empty()) refuse(field, "a value is missing");
  if (std::isalpha(static_cast<unsigned char>(text[0]))) {
    if (field.names && text.size() == 3) {
      std::string upper;
      for (char c : text) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      int count = field.high - field.low + (field.names == kDayNames ? 0 : 1);
      for (int i = 0; i < count; ++i) {
        if (upper == field.names[i]) return field.low + i;
      }
    }
    refuse(field, "unknown name " + text.substr(0, 16));
  }
  if (text.size() > 4) refuse(field, text.substr(0, 16) + " is out of range");
  int value = 0;
  for (char c : text) {
    if (!std::isdigit(static_cast<unsigned char>(c))) refuse(field, "not a number: " + text);
    value = value * 10 + (c - '0');
  }
  if (value < field.low || value > field.high) {
    refuse(field, text + " is out of range " + std::to_string(field.low) + "-" +
                      std::to_string(field.high));
  }
  return value;
}

// One comma-separated item: *, n, a-b, with an optional /step.
void parseItem(const FieldRange& field, const std::string& item, std::vector<bool>& values) {
  std::string range = item;
  int step = 1;
  size_t slash = item.find('/');
  bool stepped = slash != std::string::npos;
  if (stepped) {
    range = item.substr(0, slash);
    std::string stepText = item.substr(slash + 1);
    if (stepText.empty() || stepText.size() > 4 ||
        stepText.find_first_not_of("0123456789") != std::string::npos) {
      refuse(field, "bad step " + stepText.substr(0, 16));
    }
    step = std::stoi(stepText);
    if (step < 1 || step > field.high) refuse(field, "step " + stepText + " is out of range");
  }
  int low = field.low;
  int high = field.high;
  if (range != "*") {
    size_t dash = range.find('-');
    low = parseValue(field, range.substr(0, dash));
    if (dash != std::string::npos) {
      high = parseValue(field, range.substr(dash + 1));
      if (high < low) refuse(field, "range " + range + " runs backwards");
    } else if (!stepped) {
      high = low;  // a single value; "a/n" runs from a to the field's end
    }
  }
  for (int value = low; value <= high; value += step) values[value] = true;
}

template <size_t N>
std::bitset<N> parseField(const FieldRange& field, const std::string& text) {
  std::vector<bool> values(field.high + 1, false);
  for (const auto& item : split(text, ',')) parseItem(field, item, values);
  std::bitset<N> bits;
  for (int value = field.low; value <= field.high; ++value) {
    if (values[value]) bits.set(value % N);  // day-of-week 7 folds into 0
  }
  return bits;
}

bool dayMatches(const CronExpression& cron, int64_t days) {
  CivilDate date = civilFromDays(days);
  bool byMonthDay = cron.daysOfMonth[date.day];
  bool byWeekDay = cron.daysOfWeek[dayOfWeek(days)];
  if (cron.dayOfMonthRestricted && cron.dayOfWeekRestricted) return byMonthDay || byWeekDay;
  return byMonthDay && byWeekDay;
}

}  // namespace

CronExpression parseCronExpression(const std::string& text) {
  if (text.size() > kMaxCronLength) {
    throw CronSyntaxError("cron must be at most " + std::to_string(kMaxCronLength) + " characters");
  }
  std::vector<std::string> fields;
  std::string current;
  for (char c : text) {
    if (c == ' ' || c == '\t') {
      if (!current.empty()) fields.push_back(current);
      current.clear();
    } else {
      current += c;
    }
  }
  if (!current.empty()) fields.push_back(current);
  if (fields.size() != 5) {
    throw CronSyntaxError(
        "cron must have 5 fields (minute hour day-of-month month day-of-week), not " +
        std::to_string(fields.size()));
  }
  CronExpression cron;
  cron.minutes = parseField<60>(kFields[0], fields[0]);
  cron.hours = parseField<24>(kFields[1], fields[1]);
  cron.daysOfMonth = parseField<32>(kFields[2], fields[2]);
  cron.months = parseField<13>(kFields[3], fields[3]);
  cron.daysOfWeek = parseField<7>(kFields[4], fields[4]);
  cron.dayOfMonthRestricted = fields[2][0] != '*';
  cron.dayOfWeekRestricted = fields[4][0] != '*';
  return cron;
}

std::optional<int64_t> nextCronMatch(const CronExpression& cron, int64_t afterSeconds) {
  int64_t minute = floorDivide(afterSeconds, 60) + 1;
  int64_t days = floorDivide(minute, 1440);
  int64_t minuteOfDay = minute - days * 1440;
  const int64_t lastDay = days + 12 * 366;
  // Skips a month, a day or an hour at a time where it cannot match: a few thousand steps at
  // most even when the next match is years away.
  while (days <= lastDay) {
    CivilDate date = civilFromDays(days);
    if (!cron.months[date.month]) {
      days = date.month == 12 ? daysFromCivil({date.year + 1, 1, 1})
                              : daysFromCivil({date.year, date.month + 1, 1});
      minuteOfDay = 0;
      continue;
    }
    if (!dayMatches(cron, days)) {
      ++days;
      minuteOfDay = 0;
      continue;
    }
    int64_t hour = minuteOfDay / 60;
    if (!cron.hours[hour]) {
      minuteOfDay = (hour + 1) * 60;
      if (minuteOfDay >= 1440) {
        ++days;
        minuteOfDay = 0;
      }
      continue;
    }
    if (!cron.minutes[minuteOfDay % 60]) {
      ++minuteOfDay;  // into the next hour, which is checked again
      if (minuteOfDay >= 1440) {
        ++days;
        minuteOfDay = 0;
      }
      continue;
    }
    return (days * 1440 + minuteOfDay) * 60;
  }
  return std::nullopt;
}

}  // namespace rj
