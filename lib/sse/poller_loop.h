#pragma once
// What every stream poller shares: its watchers, keyed by what they watch (a job, a workspace),
// and the thread that ticks while there are any: fast while the ticks find work, backing off to
// the idle interval while they do not, asleep while there is no watcher at all.
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "db/connection.h"

namespace rj {

struct PollerSettings {
  // Poll interval while events flow, and the longest one it backs off to while idle.
  std::chrono::milliseconds fastInterval{20};
  std::chrono::milliseconds idleInterval{50};
  // How often the watchers' credentials are checked again (one query for all of them).
  std::chrono::milliseconds credentialInterval{10000};
  // The job streams' poller reads every watched job each tick while it watches at most this many;
  // past that, each tick reads the jobs written within recentWindow, the newly watched ones and a
  // slice of the rest, so that every job is read at least once every sweepTicks ticks.
  size_t readAllUpTo = 256;
  int sweepTicks = 20;
  std::chrono::milliseconds recentWindow{1000};
};

template <typename Watcher>
class PollerLoop {
 public:
  using Watchers = std::map<std::string, std::vector<std::shared_ptr<Watcher>>>;

  // Starts the thread; `tick` runs on it (with a database connection of its own) and says
  // whether it found work. An owner that declares its loop last has every other member built
  // before the first tick and still there after the last.
  PollerLoop(PollerSettings settings, std::function<bool()> tick)
      : settings_(settings), tick_(std::move(tick)), thread_([this] { run(); }) {}
  ~PollerLoop() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }
  PollerLoop(const PollerLoop&) = delete;
  PollerLoop& operator=(const PollerLoop&) = delete;

  void add(const std::string& key, std::shared_ptr<Watcher> watcher) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      watchers_[key].push_back(std::move(watcher));
      snapshot_.reset();
    }
    wake_.notify_all();
  }

  void remove(const std::string& key, const std::shared_ptr<Watcher>& watcher) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto found = watchers_.find(key);
    if (found == watchers_.end()) return;
    auto& list = found->second;
    list.erase(std::remove(list.begin(), list.end(), watcher), list.end());
    if (list.empty()) watchers_.erase(found);
    snapshot_.reset();
  }

  // The watchers as they are now, for one tick. Copied only after a change: with thousands of
  // streams open and few coming and going, most ticks reuse the last copy.
  std::shared_ptr<const Watchers> snapshot() const {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!snapshot_) snapshot_ = std::make_shared<const Watchers>(watchers_);
    return snapshot_;
  }

 private:
  void run() {
    DatabaseThread database;
    auto interval = settings_.fastInterval;
    std::unique_lock<std::mutex> lock(mutex_);
    while (!stopping_) {
      if (watchers_.empty()) {
        wake_.wait(lock, [&] { return stopping_ || !watchers_.empty(); });
        interval = settings_.fastInterval;
        continue;
      }
      lock.unlock();
      bool busy = tick_();
      lock.lock();
      interval = busy ? settings_.fastInterval : std::min(interval * 2, settings_.idleInterval);
      wake_.wait_for(lock, interval, [&] { return stopping_; });
    }
  }

  PollerSettings settings_;
  std::function<bool()> tick_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  Watchers watchers_;
  mutable std::shared_ptr<const Watchers> snapshot_;  // watchers_ as of the last change
  bool stopping_ = false;
  std::thread thread_;  // last: starts once everything above is built
};

}  // namespace rj
