#include "util/log_throttle.h"

namespace rj {

std::optional<int64_t> LogThrottle::pass(Clock::time_point now) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (lastPassed_ && now - *lastPassed_ < interval_) {
    ++heldBack_;
    return std::nullopt;
  }
  lastPassed_ = now;
  int64_t heldBack = heldBack_;
  heldBack_ = 0;
  return heldBack;
}

}  // namespace rj
