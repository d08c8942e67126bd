#pragma once
// The maintenance passes of a long-lived handler process: a thread that, while this process
// holds the maintenance lock, runs a pass every interval, and otherwise only tries for the lock
// every few seconds. Database outages are logged and waited out; the thread never ends the
// process.
#include <chrono>
#include <cstdint>
#include <memory>
#include <thread>

namespace rj {

struct MaintenanceSettings {
  bool enabled = true;                                // RJ_MAINTENANCE (0 turns it off)
  std::chrono::milliseconds interval{1000};           // RJ_MAINTENANCE_INTERVAL_MS, 100..60000
  std::chrono::milliseconds lockRetryInterval{5000};  // RJ_MAINTENANCE_LOCK_RETRY_MS, 100..60000
};
MaintenanceSettings configuredMaintenanceSettings();

class BackgroundMaintenance {
 public:
  // Starts the thread (also when settings.enabled is false: use startBackgroundMaintenance()).
  explicit BackgroundMaintenance(MaintenanceSettings settings);
  // Stops the thread: waits for a pass in progress up to a few seconds, then leaves it behind.
  ~BackgroundMaintenance();
  BackgroundMaintenance(const BackgroundMaintenance&) = delete;
  BackgroundMaintenance& operator=(const BackgroundMaintenance&) = delete;

  // Passes this thread has run (it ran them while holding the lock).
  int64_t passesRun() const;
  bool holdsLock() const;

 private:
  struct State;
  std::shared_ptr<State> state_;  // shared with the thread, which may outlive this on a stuck pass
  std::thread thread_;
};

// The process's background maintenance as configured; nullptr when RJ_MAINTENANCE=0.
std::unique_ptr<BackgroundMaintenance> startBackgroundMaintenance();

}  // namespace rj
