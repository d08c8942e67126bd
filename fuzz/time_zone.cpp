// A TZif file (the IANA zones under /usr/share/zoneinfo that recurring schedules name) and its
// footer's POSIX TZ rule: parsed, and when accepted, its offsets read at instants across the
// range of time, which must stay within a day of UTC.
#include "recurring/time_zone.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  int64_t fixedOffset = 0;
  try {
    rj::parsePosixTimeZone(std::string(bytes), fixedOffset);
  } catch (const rj::TimeZoneError&) {
  }
  try {
    rj::TimeZone zone = rj::TimeZone::fromTzif(bytes);
    for (int64_t at : {int64_t{-5000000000}, int64_t{0}, int64_t{1790000000}, int64_t{2200000000},
                       int64_t{4200000000}, int64_t{40000000000}}) {
      int64_t offset = zone.offsetAt(at);
      if (offset < -26 * 3600 || offset > 26 * 3600) __builtin_trap();
    }
  } catch (const rj::TimeZoneError&) {
  }
  return 0;
}
