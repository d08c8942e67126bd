#pragma once
// A time zone as offsets from UTC over time, without the C library's process-wide TZ state
// (localtime and setenv("TZ") are not safe beside the serving threads): UTC, a fixed offset, or
// a zone of the IANA database read from its TZif file (RFC 8536: the transitions, then the
// footer's POSIX TZ rule for times after the last one).
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace rj {

class TimeZoneError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A POSIX TZ rule with daylight saving time ("CET-1CEST,M3.5.0,M10.5.0/3"), offsets east of UTC.
struct DaylightRule {
  struct Change {
    enum class Kind { JulianNoLeap, ZeroBasedDay, MonthWeekDay };
    Kind kind = Kind::MonthWeekDay;
    int day = 0;                  // Jn: 1..365, n: 0..365, Mm.w.d: d 0..6
    int month = 0;                // Mm.w.d: 1..12
    int week = 0;                 // Mm.w.d: 1..5 (5 = the last)
    int64_t secondsOfDay = 7200;  // local time of the change, -167h..167h
  };
  int64_t standardOffset = 0;
  int64_t daylightOffset = 0;
  Change start;  // into daylight time (read on the standard clock)
  Change end;    // back to standard time (read on the daylight clock)
};

class TimeZone {
 public:
  TimeZone() = default;  // UTC
  static TimeZone fixed(int64_t offsetSeconds);
  // Throws TimeZoneError when the bytes are not a well-formed TZif file.
  static TimeZone fromTzif(std::string_view bytes);

  // Seconds east of UTC in effect at the instant `utcSeconds`.
  int64_t offsetAt(int64_t utcSeconds) const;

 private:
  int64_t initialOffset_ = 0;          // before the first transition
  std::vector<int64_t> transitions_;   // instants, ascending
  std::vector<int64_t> offsets_;       // the offset from each transition on
  std::optional<int64_t> lastOffset_;  // after the last transition, without a rule
  std::optional<DaylightRule> rule_;   // after the last transition
};

// Parses the footer of a TZif file ("EST5EDT,M3.2.0,M11.1.0", "<+0530>-5:30"): a fixed offset
// (rule without daylight time: nullopt and `fixedOffset` set) or a daylight rule. Throws
// TimeZoneError.
std::optional<DaylightRule> parsePosixTimeZone(const std::string& text, int64_t& fixedOffset);

}  // namespace rj
