#include "db/retry.h"

#include <algorithm>
#include <random>

namespace rj {

std::chrono::milliseconds retryDelay(const sql::SQLException& error, int attempt) {
  if (!isConflict(error)) return std::chrono::milliseconds(15 * attempt * attempt);
  thread_local std::mt19937 generator{std::random_device{}()};
  // 1..4 ms after the first conflict, doubling up to 1..256 ms: at most about 1 s in all.
  const int ceiling = 4 << std::min(attempt - 1, 6);
  return std::chrono::milliseconds(std::uniform_int_distribution<int>(1, ceiling)(generator));
}

}  // namespace rj
