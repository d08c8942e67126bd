#pragma once
// The time zones a schedule may name: "UTC" or a fixed offset "+HH:MM" / "-HH:MM" (-14:00 ..
// +14:00). No zone with daylight saving time: C++17 has no time zone database, and the C
// library's TZ/localtime is process-wide state that the serving threads cannot share safely.
#include <cstdint>
#include <optional>
#include <string>

namespace rj {

// Seconds east of UTC; nullopt when the text is not "UTC" or a valid fixed offset.
std::optional<int64_t> parseUtcOffset(const std::string& timezone);

}  // namespace rj
