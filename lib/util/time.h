#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace rj {

// "2026-11-24 12:00:00.123" (a DATETIME(3) in UTC) -> "2026-11-24T12:00:00.123Z".
std::string toIsoTimestamp(const std::string& databaseTime);
std::optional<std::string> toIsoTimestamp(const std::optional<std::string>& databaseTime);

// Milliseconds since 1970-01-01T00:00:00Z of an ISO-8601 UTC timestamp
// "YYYY-MM-DDTHH:MM:SS[.fraction](Z|+00:00)" (a lower-case t or z, or a space for the T, pass too);
// nullopt for anything else, including other offsets, impossible dates and years before 1970.
std::optional<int64_t> parseIsoUtcMilliseconds(std::string_view text);
// The clock, in milliseconds since the epoch.
int64_t nowEpochMilliseconds();

}  // namespace rj
