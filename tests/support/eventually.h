#pragma once
// Waiting for an answer that is allowed to come late within a written bound (the token cache's).
#include <chrono>
#include <functional>
#include <optional>
#include <thread>

namespace rj::test {

// How long after `since` `status()` first answered `expected`, asking every 50 ms until `limit`
// after `since`; nullopt when it never did.
inline std::optional<std::chrono::milliseconds> timeUntilStatus(
    std::chrono::steady_clock::time_point since, const std::function<long()>& status, long expected,
    std::chrono::milliseconds limit) {
  using Clock = std::chrono::steady_clock;
  while (true) {
    if (status() == expected) {
      return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - since);
    }
    if (Clock::now() - since >= limit) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

}  // namespace rj::test
