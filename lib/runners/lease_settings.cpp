#include "runners/lease_settings.h"

#include "db/config.h"

namespace rj {

int64_t configuredLeaseMilliseconds() {
  return integerSetting("RJ_LEASE_SECONDS", kDefaultLeaseSeconds, 5, 3600) * 1000;
}

}  // namespace rj
