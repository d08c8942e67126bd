#pragma once
// The database's health as a process last saw it. /api/health needs no token: without a bound,
// every monitor, load balancer or stranger polling it would cost the database a query. A check
// at most `maxAge` old answers instead, so a process checks at most once per `maxAge`, however
// often it is asked; an outage (or the recovery from one) shows within `maxAge`.
#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <string>

namespace rj {

class HealthProbe {
 public:
  // nullopt when the database answered, else why not.
  using Check = std::function<std::optional<std::string>()>;
  using Clock = std::function<std::chrono::steady_clock::time_point()>;

  HealthProbe(
      Check check, std::chrono::milliseconds maxAge,
      Clock clock = [] { return std::chrono::steady_clock::now(); });

  // The last check's result while it is younger than maxAge; otherwise checks again. Threads
  // that find the result old at the same moment may each check: the mutex is not held while the
  // database is asked, which may take a connection timeout.
  std::optional<std::string> problem();

 private:
  Check check_;
  std::chrono::milliseconds maxAge_;
  Clock clock_;
  std::mutex mutex_;
  std::optional<std::chrono::steady_clock::time_point> checkedAt_;
  std::optional<std::string> problem_;
};

}  // namespace rj
