#pragma once
#include <optional>
#include <string>

namespace rj {

// "2026-11-24 12:00:00.123" (a DATETIME(3) in UTC) -> "2026-11-24T12:00:00.123Z".
std::string toIsoTimestamp(const std::string& databaseTime);
std::optional<std::string> toIsoTimestamp(const std::optional<std::string>& databaseTime);

}  // namespace rj
