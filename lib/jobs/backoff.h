#pragma once
// How long an automatic retry waits: exponential in the attempt, with jitter so that jobs that
// failed together do not all come back together.
#include <cstdint>

namespace rj {

constexpr int64_t kMaxBackoffMilliseconds = 3600 * 1000;

// The ceiling for the retry after `failedAttempt` (1 for the first run):
// backoffSeconds * 2^(failedAttempt - 1), at most one hour.
int64_t backoffCeilingMilliseconds(int64_t backoffSeconds, int64_t failedAttempt);
// A delay drawn uniformly from [ceiling / 2, ceiling] ("equal jitter"): never less than half the
// exponential step, never more than the cap.
int64_t backoffMilliseconds(int64_t backoffSeconds, int64_t failedAttempt);

}  // namespace rj
