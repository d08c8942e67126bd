#pragma once
#include <cstdint>

namespace rj {

constexpr int64_t kDefaultLeaseSeconds = 60;

// The lease a claim or heartbeat grants: RJ_LEASE_SECONDS (5..3600) or 60 s.
int64_t configuredLeaseMilliseconds();

}  // namespace rj
