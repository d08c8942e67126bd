#pragma once
// The time zone a schedule names: "UTC", a fixed offset "+HH:MM"/"-HH:MM", or a name of the IANA
// database ("Europe/Berlin") read from its TZif file under $TZDIR or /usr/share/zoneinfo (Debian's
// tzdata package), once per process.
#include <optional>
#include <string>

#include "recurring/time_zone.h"

namespace rj {

// nullopt when the name is malformed, or names no readable TZif file.
std::optional<TimeZone> findTimeZone(const std::string& name);

}  // namespace rj
