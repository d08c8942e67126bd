#include "maintenance/background_maintenance.h"

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <exception>
#include <mutex>
#include <string>

#include "db/config.h"
#include "db/connection.h"
#include "maintenance/maintenance_lock.h"
#include "maintenance/maintenance_pass.h"
#include "util/thread_ending.h"

namespace rj {

namespace {
// How long a stopping process waits for a pass in progress before leaving the thread behind.
constexpr auto kStopWait = std::chrono::seconds(5);
}  // namespace

struct BackgroundMaintenance::State {
  MaintenanceSettings settings;
  std::mutex mutex;
  std::condition_variable changed;
  bool stopping = false;
  bool finished = false;
  std::atomic<int64_t> passes{0};
  std::atomic<bool> holding{false};

  // Sleeps until `deadline` or a stop; false when stopping.
  bool sleepUntil(std::chrono::steady_clock::time_point deadline) {
    std::unique_lock<std::mutex> lock(mutex);
    changed.wait_until(lock, deadline, [&] { return stopping; });
    return !stopping;
  }

  void run() {
    {
      DatabaseThread database;
      MaintenanceLock lock;  // closed before the thread's driver state ends
      std::string lastError;
      for (;;) {
        auto started = std::chrono::steady_clock::now();
        auto wait = settings.lockRetryInterval;
        try {
          bool elected = lock.acquireOrConfirm();
          holding = elected;
          if (elected) {
            runMaintenancePass();
            ++passes;
            wait = settings.interval;
          }
          if (!lastError.empty()) std::fprintf(stderr, "runner-jobs: maintenance resumed\n");
          lastError.clear();
        } catch (const std::exception& error) {
          holding = false;
          // Once per outage, not once a retry.
          if (lastError != error.what()) {
            std::fprintf(stderr, "runner-jobs: maintenance paused, database unavailable: %s\n",
                         error.what());
          }
          lastError = error.what();
        }
        if (!sleepUntil(started + wait)) break;
      }
    }
    std::lock_guard<std::mutex> guard(mutex);
    finished = true;
    changed.notify_all();
  }
};

MaintenanceSettings configuredMaintenanceSettings() {
  MaintenanceSettings settings;
  settings.enabled = integerSetting("RJ_MAINTENANCE", 1, 0, 1) == 1;
  settings.interval =
      std::chrono::milliseconds(integerSetting("RJ_MAINTENANCE_INTERVAL_MS", 1000, 100, 60000));
  settings.lockRetryInterval =
      std::chrono::milliseconds(integerSetting("RJ_MAINTENANCE_LOCK_RETRY_MS", 5000, 100, 60000));
  return settings;
}

BackgroundMaintenance::BackgroundMaintenance(MaintenanceSettings settings)
    : state_(std::make_shared<State>()) {
  state_->settings = settings;
  thread_ = std::thread([state = state_] { state->run(); });
}

BackgroundMaintenance::~BackgroundMaintenance() {
  std::unique_lock<std::mutex> lock(state_->mutex);
  state_->stopping = true;
  state_->changed.notify_all();
  // A pass stuck on an unresponsive database keeps its state alive; the process is ending.
  joinOrLeaveBehind(thread_, lock, state_->changed, state_->finished, kStopWait);
}

int64_t BackgroundMaintenance::passesRun() const {
  return state_->passes;
}

bool BackgroundMaintenance::holdsLock() const {
  return state_->holding;
}

std::unique_ptr<BackgroundMaintenance> startBackgroundMaintenance() {
  MaintenanceSettings settings = configuredMaintenanceSettings();
  if (!settings.enabled) return nullptr;
  return std::make_unique<BackgroundMaintenance>(settings);
}

}  // namespace rj
