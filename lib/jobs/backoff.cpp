#include "jobs/backoff.h"

#include <algorithm>
#include <random>

namespace rj {

int64_t backoffCeilingMilliseconds(int64_t backoffSeconds, int64_t failedAttempt) {
  int64_t ceiling = std::max<int64_t>(backoffSeconds, 1) * 1000;
  for (int64_t step = 1; step < failedAttempt && ceiling < kMaxBackoffMilliseconds; ++step) {
    ceiling *= 2;
  }
  return std::min(ceiling, kMaxBackoffMilliseconds);
}

int64_t backoffMilliseconds(int64_t backoffSeconds, int64_t failedAttempt) {
  int64_t ceiling = backoffCeilingMilliseconds(backoffSeconds, failedAttempt);
  thread_local std::mt19937_64 generator{std::random_device{}()};
  std::uniform_int_distribution<int64_t> jitter(ceiling / 2, ceiling);
  return jitter(generator);
}

}  // namespace rj
