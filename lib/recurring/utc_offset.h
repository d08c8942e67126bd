#pragma once
// Fixed offsets a schedule's timezone may be given as: "UTC", "+HH:MM" or "-HH:MM" (-14:00 ..
// +14:00). Zones with daylight saving time are read from the IANA database (zone_database.h).
#include <cstdint>
#include <optional>
#include <string>

namespace rj {

// Seconds east of UTC; nullopt when the text is not "UTC" or a valid fixed offset.
std::optional<int64_t> parseUtcOffset(const std::string& timezone);

}  // namespace rj
