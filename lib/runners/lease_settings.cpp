#include "runners/lease_settings.h"

#include <algorithm>
#include <string>

#include "db/config.h"

namespace rj {

int64_t configuredLeaseMilliseconds() {
  std::string configured = setting("RJ_LEASE_SECONDS");
  int64_t seconds = kDefaultLeaseSeconds;
  try {
    if (!configured.empty()) seconds = std::clamp<int64_t>(std::stoll(configured), 5, 3600);
  } catch (const std::exception&) {
    // A malformed setting keeps the default rather than taking the endpoint down.
  }
  return seconds * 1000;
}

}  // namespace rj
