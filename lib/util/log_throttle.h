#pragma once
// Lets a repeated log line through at most once per interval (a monitor that asks every few
// seconds must not fill the log) and counts the ones it held back.
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>

namespace rj {

class LogThrottle {
 public:
  using Clock = std::chrono::steady_clock;
  explicit LogThrottle(Clock::duration interval) : interval_(interval) {}

  // nullopt: hold this line back. Otherwise log it: the value is how many lines were held back
  // since the last one let through. The first line always passes.
  std::optional<int64_t> pass(Clock::time_point now = Clock::now());

 private:
  Clock::duration interval_;
  std::mutex mutex_;
  std::optional<Clock::time_point> lastPassed_;
  int64_t heldBack_ = 0;
};

}  // namespace rj
