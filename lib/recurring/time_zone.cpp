#include "recurring/time_zone.h"

#include <algorithm>
#include <cctype>

#include "util/civil_time.h"

namespace rj {

namespace {

// Offsets of real zones stay within a day; anything past this is a malformed file.
constexpr int64_t kMaxOffset = 26 * 3600;

class ByteReader {
 public:
  explicit ByteReader(std::string_view bytes) : bytes_(bytes) {}
  void need(size_t count) const {
    if (count > bytes_.size() - at_) throw TimeZoneError("TZif file is truncated");
  }
  int64_t bigEndian(size_t width) {
    need(width);
    uint64_t value = 0;
    for (size_t i = 0; i < width; ++i) value = value << 8 | static_cast<uint8_t>(bytes_[at_ + i]);
    at_ += width;
    // Sign-extend 32-bit values.
    if (width == 4) return static_cast<int32_t>(static_cast<uint32_t>(value));
    return static_cast<int64_t>(value);
  }
  uint8_t byte() {
    need(1);
    return static_cast<uint8_t>(bytes_[at_++]);
  }
  void skip(size_t count) {
    need(count);
    at_ += count;
  }
  std::string_view rest() const { return bytes_.substr(at_); }

 private:
  std::string_view bytes_;
  size_t at_ = 0;
};

struct TzifHeader {
  char version = 0;
  int64_t isutcnt = 0, isstdcnt = 0, leapcnt = 0, timecnt = 0, typecnt = 0, charcnt = 0;
};

TzifHeader readHeader(ByteReader& in) {
  in.need(44);
  std::string_view magic = in.rest().substr(0, 4);
  if (magic != "TZif") throw TimeZoneError("not a TZif file");
  in.skip(4);
  TzifHeader header;
  header.version = static_cast<char>(in.byte());
  in.skip(15);
  header.isutcnt = in.bigEndian(4);
  header.isstdcnt = in.bigEndian(4);
  header.leapcnt = in.bigEndian(4);
  header.timecnt = in.bigEndian(4);
  header.typecnt = in.bigEndian(4);
  header.charcnt = in.bigEndian(4);
  for (int64_t count : {header.isutcnt, header.isstdcnt, header.leapcnt, header.timecnt,
                        header.typecnt, header.charcnt}) {
    if (count < 0 || count > 1000000) throw TimeZoneError("TZif counts out of range");
  }
  if (header.typecnt < 1) throw TimeZoneError("TZif file without local time types");
  return header;
}

size_t blockSize(const TzifHeader& header, size_t timeWidth) {
  return header.timecnt * timeWidth + header.timecnt + header.typecnt * 6 + header.charcnt +
         header.leapcnt * (timeWidth + 4) + header.isstdcnt + header.isutcnt;
}

// "hh[:mm[:ss]]" with an optional sign; hours up to `maxHours`.
int64_t parseClock(const std::string& text, size_t& at, int64_t maxHours) {
  int64_t sign = 1;
  if (at < text.size() && (text[at] == '+' || text[at] == '-')) sign = text[at++] == '-' ? -1 : 1;
  int64_t parts[3] = {0, 0, 0};
  for (int part = 0; part < 3; ++part) {
    if (part > 0) {
      if (at >= text.size() || text[at] != ':') break;
      ++at;
    }
    size_t start = at;
    while (at < text.size() && std::isdigit(static_cast<unsigned char>(text[at])) &&
           at - start < 3) {
      parts[part] = parts[part] * 10 + (text[at++] - '0');
    }
    if (at == start) throw TimeZoneError("TZ rule: a number is missing");
  }
  if (parts[0] > maxHours || parts[1] > 59 || parts[2] > 59) {
    throw TimeZoneError("TZ rule: a time is out of range");
  }
  return sign * (parts[0] * 3600 + parts[1] * 60 + parts[2]);
}

void skipName(const std::string& text, size_t& at) {
  size_t start = at;
  if (at < text.size() && text[at] == '<') {
    size_t close = text.find('>', at);
    if (close == std::string::npos) throw TimeZoneError("TZ rule: unclosed <name>");
    at = close + 1;
  } else {
    while (at < text.size() && std::isalpha(static_cast<unsigned char>(text[at]))) ++at;
  }
  if (at - start < 3) throw TimeZoneError("TZ rule: a zone abbreviation is missing");
}

int parseNumber(const std::string& text, size_t& at, int low, int high) {
  size_t start = at;
  int value = 0;
  while (at < text.size() && std::isdigit(static_cast<unsigned char>(text[at])) && at - start < 3) {
    value = value * 10 + (text[at++] - '0');
  }
  if (at == start || value < low || value > high) throw TimeZoneError("TZ rule: bad date");
  return value;
}

DaylightRule::Change parseChange(const std::string& text, size_t& at) {
  DaylightRule::Change change;
  if (at < text.size() && text[at] == 'M') {
    ++at;
    change.kind = DaylightRule::Change::Kind::MonthWeekDay;
    change.month = parseNumber(text, at, 1, 12);
    if (at >= text.size() || text[at++] != '.') throw TimeZoneError("TZ rule: bad date");
    change.week = parseNumber(text, at, 1, 5);
    if (at >= text.size() || text[at++] != '.') throw TimeZoneError("TZ rule: bad date");
    change.day = parseNumber(text, at, 0, 6);
  } else if (at < text.size() && text[at] == 'J') {
    ++at;
    change.kind = DaylightRule::Change::Kind::JulianNoLeap;
    change.day = parseNumber(text, at, 1, 365);
  } else {
    change.kind = DaylightRule::Change::Kind::ZeroBasedDay;
    change.day = parseNumber(text, at, 0, 365);
  }
  if (at < text.size() && text[at] == '/') {
    ++at;
    change.secondsOfDay = parseClock(text, at, 167);
  }
  return change;
}

bool isLeap(int64_t year) {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

// The UTC instant of a change in `year`, read on the clock `offset` east of UTC.
int64_t changeInstant(const DaylightRule::Change& change, int64_t year, int64_t offset) {
  int64_t days = daysFromCivil({year, 1, 1});
  switch (change.kind) {
    case DaylightRule::Change::Kind::JulianNoLeap:
      // Day 60 is always March 1st: February 29th is never counted.
      days += change.day - 1 + (isLeap(year) && change.day >= 60 ? 1 : 0);
      break;
    case DaylightRule::Change::Kind::ZeroBasedDay:
      days += std::min(change.day, isLeap(year) ? 365 : 364);
      break;
    case DaylightRule::Change::Kind::MonthWeekDay: {
      int64_t first = daysFromCivil({year, change.month, 1});
      int64_t day = first + (change.day - dayOfWeek(first) + 7) % 7 + (change.week - 1) * 7;
      int64_t last = first + daysInMonth(year, change.month) - 1;
      while (day > last) day -= 7;  // week 5: the last such day
      days = day;
      break;
    }
  }
  return days * 86400 + change.secondsOfDay - offset;
}

}  // namespace

std::optional<DaylightRule> parsePosixTimeZone(const std::string& text, int64_t& fixedOffset) {
  size_t at = 0;
  skipName(text, at);
  // POSIX offsets are west of UTC: "CET-1" is one hour east.
  int64_t standard = -parseClock(text, at, 24);
  if (at == text.size()) {
    fixedOffset = standard;
    return std::nullopt;
  }
  DaylightRule rule;
  rule.standardOffset = standard;
  skipName(text, at);
  rule.daylightOffset = standard + 3600;
  if (at < text.size() && text[at] != ',') rule.daylightOffset = -parseClock(text, at, 24);
  if (at >= text.size() || text[at++] != ',') throw TimeZoneError("TZ rule: no daylight dates");
  rule.start = parseChange(text, at);
  if (at >= text.size() || text[at++] != ',') throw TimeZoneError("TZ rule: no end date");
  rule.end = parseChange(text, at);
  if (at != text.size()) throw TimeZoneError("TZ rule: unexpected text at the end");
  return rule;
}

TimeZone TimeZone::fixed(int64_t offsetSeconds) {
  TimeZone zone;
  zone.initialOffset_ = offsetSeconds;
  return zone;
}

TimeZone TimeZone::fromTzif(std::string_view bytes) {
  ByteReader in(bytes);
  TzifHeader header = readHeader(in);
  size_t timeWidth = 4;
  if (header.version >= '2') {
    // The 64-bit data after the version 1 block is the one to read.
    in.skip(blockSize(header, 4));
    header = readHeader(in);
    timeWidth = 8;
  }
  in.need(blockSize(header, timeWidth));
  TimeZone zone;
  std::vector<int64_t> transitions;
  for (int64_t i = 0; i < header.timecnt; ++i) {
    transitions.push_back(in.bigEndian(timeWidth));
    if (i > 0 && transitions[i] <= transitions[i - 1]) {
      throw TimeZoneError("TZif transitions are not in order");
    }
  }
  std::vector<uint8_t> typeOfTransition;
  for (int64_t i = 0; i < header.timecnt; ++i) {
    typeOfTransition.push_back(in.byte());
    if (typeOfTransition.back() >= header.typecnt) throw TimeZoneError("TZif type out of range");
  }
  std::vector<int64_t> typeOffsets;
  for (int64_t i = 0; i < header.typecnt; ++i) {
    int64_t offset = in.bigEndian(4);
    in.skip(2);  // isdst, abbreviation index
    if (offset < -kMaxOffset || offset > kMaxOffset)
      throw TimeZoneError("TZif offset out of range");
    typeOffsets.push_back(offset);
  }
  // Abbreviations, leap seconds (the posix zones have none) and indicators are not needed.
  in.skip(header.charcnt + header.leapcnt * (timeWidth + 4) + header.isstdcnt + header.isutcnt);
  zone.initialOffset_ = typeOffsets[0];
  zone.transitions_ = std::move(transitions);
  for (uint8_t type : typeOfTransition) zone.offsets_.push_back(typeOffsets[type]);
  if (!zone.offsets_.empty()) zone.lastOffset_ = zone.offsets_.back();
  if (timeWidth == 8) {
    std::string_view footer = in.rest();
    if (footer.size() < 2 || footer[0] != '\n') throw TimeZoneError("TZif footer is missing");
    size_t end = footer.find('\n', 1);
    if (end == std::string_view::npos) throw TimeZoneError("TZif footer is not closed");
    std::string rule(footer.substr(1, end - 1));
    if (!rule.empty()) {
      int64_t fixedOffset = 0;
      zone.rule_ = parsePosixTimeZone(rule, fixedOffset);
      if (!zone.rule_) zone.lastOffset_ = fixedOffset;
      if (zone.transitions_.empty() && !zone.rule_) zone.initialOffset_ = fixedOffset;
    }
  }
  return zone;
}

int64_t TimeZone::offsetAt(int64_t utcSeconds) const {
  if (transitions_.empty() && !rule_) return initialOffset_;
  if (!transitions_.empty() && utcSeconds < transitions_.front()) return initialOffset_;
  if (!transitions_.empty() && utcSeconds < transitions_.back()) {
    auto after = std::upper_bound(transitions_.begin(), transitions_.end(), utcSeconds);
    return offsets_[after - transitions_.begin() - 1];
  }
  if (!rule_) return lastOffset_.value_or(initialOffset_);
  const DaylightRule& rule = *rule_;
  int64_t year = civilFromDays(floorDivide(utcSeconds + rule.standardOffset, 86400)).year;
  int64_t start = changeInstant(rule.start, year, rule.standardOffset);
  int64_t end = changeInstant(rule.end, year, rule.daylightOffset);
  bool daylight = start < end ? utcSeconds >= start && utcSeconds < end
                              : !(utcSeconds >= end && utcSeconds < start);  // southern
  return daylight ? rule.daylightOffset : rule.standardOffset;
}

}  // namespace rj
