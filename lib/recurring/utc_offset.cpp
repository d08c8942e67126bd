#include "recurring/utc_offset.h"

namespace rj {

std::optional<int64_t> parseUtcOffset(const std::string& timezone) {
  if (timezone == "UTC") return 0;
  // Exactly "+HH:MM" or "-HH:MM".
  if (timezone.size() != 6 || (timezone[0] != '+' && timezone[0] != '-') || timezone[3] != ':') {
    return std::nullopt;
  }
  auto digit = [&](size_t at) -> int {
    char c = timezone[at];
    return c >= '0' && c <= '9' ? c - '0' : -1;
  };
  for (size_t at : {1, 2, 4, 5}) {
    if (digit(at) < 0) return std::nullopt;
  }
  int64_t hours = digit(1) * 10 + digit(2);
  int64_t minutes = digit(4) * 10 + digit(5);
  if (minutes > 59 || hours * 60 + minutes > 14 * 60) return std::nullopt;
  int64_t seconds = (hours * 60 + minutes) * 60;
  return timezone[0] == '-' ? -seconds : seconds;
}

}  // namespace rj
