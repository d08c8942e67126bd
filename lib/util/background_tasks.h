#pragma once
// Work a handler process does beside its requests, on a thread of its own, so that no request
// waits for it: tasks run one at a time in the order posted. The thread starts with the first
// task and holds `threadResources()` (a database connection's driver state) while it lives. A
// task that throws is dropped; what it was for must cope without it.
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <thread>

namespace rj {

class BackgroundTasks {
 public:
  using Task = std::function<void()>;
  using ThreadResources = std::function<std::shared_ptr<void>()>;

  // At most `maxQueued` tasks wait; post() refuses more.
  BackgroundTasks(size_t maxQueued, ThreadResources threadResources);
  // Drops the tasks not begun, waits for the one running up to stopWait, then leaves the thread
  // behind (a task stuck on an unresponsive database; the process is ending).
  ~BackgroundTasks();
  BackgroundTasks(const BackgroundTasks&) = delete;
  BackgroundTasks& operator=(const BackgroundTasks&) = delete;

  // False when the queue is full or the thread could not start: the task will not run.
  bool post(Task task);

  static constexpr std::chrono::seconds kStopWait{5};

 private:
  struct State;
  std::shared_ptr<State> state_;  // shared with the thread, which may outlive this
  std::thread thread_;
};

}  // namespace rj
