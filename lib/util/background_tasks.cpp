#include "util/background_tasks.h"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <system_error>

#include "util/thread_ending.h"

namespace rj {

struct BackgroundTasks::State {
  size_t maxQueued = 0;
  ThreadResources threadResources;
  std::mutex mutex;
  std::condition_variable changed;
  std::deque<Task> queued;
  bool stopping = false;
  bool finished = false;

  void run() {
    {
      std::shared_ptr<void> resources = threadResources ? threadResources() : nullptr;
      for (;;) {
        Task task;
        {
          std::unique_lock<std::mutex> lock(mutex);
          changed.wait(lock, [&] { return stopping || !queued.empty(); });
          if (stopping) break;
          task = std::move(queued.front());
          queued.pop_front();
        }
        try {
          task();
        } catch (...) {
          // Dropped: see the header.
        }
      }
    }
    std::lock_guard<std::mutex> lock(mutex);
    finished = true;
    changed.notify_all();
  }
};

BackgroundTasks::BackgroundTasks(size_t maxQueued, ThreadResources threadResources)
    : state_(std::make_shared<State>()) {
  state_->maxQueued = maxQueued;
  state_->threadResources = std::move(threadResources);
}

BackgroundTasks::~BackgroundTasks() {
  if (!thread_.joinable()) return;
  std::unique_lock<std::mutex> lock(state_->mutex);
  state_->stopping = true;
  state_->queued.clear();
  state_->changed.notify_all();
  joinOrLeaveBehind(thread_, lock, state_->changed, state_->finished, kStopWait);
}

bool BackgroundTasks::post(Task task) {
  std::lock_guard<std::mutex> lock(state_->mutex);
  if (state_->stopping || state_->queued.size() >= state_->maxQueued) return false;
  if (!thread_.joinable()) {
    try {
      thread_ = std::thread([state = state_] { state->run(); });
    } catch (const std::system_error&) {
      return false;  // no thread to be had now; a later post tries again
    }
  }
  state_->queued.push_back(std::move(task));
  state_->changed.notify_one();
  return true;
}

}  // namespace rj
