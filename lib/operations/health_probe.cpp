#include "operations/health_probe.h"

#include <utility>

namespace rj {

HealthProbe::HealthProbe(Check check, std::chrono::milliseconds maxAge, Clock clock)
    : check_(std::move(check)), maxAge_(maxAge), clock_(std::move(clock)) {}

std::optional<std::string> HealthProbe::problem() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (checkedAt_ && clock_() - *checkedAt_ < maxAge_) return problem_;
  }
  auto startedAt = clock_();
  auto found = check_();
  std::lock_guard<std::mutex> lock(mutex_);
  // A check that started earlier than the stored one is older news: the stored one stays.
  if (!checkedAt_ || startedAt >= *checkedAt_) {
    checkedAt_ = startedAt;
    problem_ = found;
  }
  return found;
}

}  // namespace rj
