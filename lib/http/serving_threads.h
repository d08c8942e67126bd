#pragma once
// The serving threads of a handler process: a fixed pool, or one that grows with its requests
// (a stream holds its thread for as long as it is open) and gives back what it no longer needs.
#include <cstddef>
#include <functional>
#include <mutex>

namespace rj {

struct ThreadPlan {
  int maximum = 1;  // threads at most
  // 0: all `maximum` threads start at once and stay. Otherwise the pool starts with this many
  // and keeps this many waiting for a request, starting one whenever a request takes one, up to
  // `maximum`; a thread ends when more than twice this many wait.
  int spare = 0;
  size_t stackBytes = 0;  // 0: the system's default (RLIMIT_STACK, usually 8 MiB)
};

// Runs `serve` on each thread of the plan. `serve` calls takeRequest() when a request reaches
// its thread and finishRequest() when the request is answered; finishRequest() returning false
// means the thread is not needed any more and `serve` returns.
class ServingThreads {
 public:
  using Body = std::function<void(ServingThreads&)>;
  ServingThreads(ThreadPlan plan, Body serve);
  ServingThreads(const ServingThreads&) = delete;
  ServingThreads& operator=(const ServingThreads&) = delete;

  // Starts the first threads; they are detached and live as long as the process needs them.
  void start();
  void takeRequest();
  bool finishRequest();

  // For tests and logs: threads running, and how many of them wait for a request.
  int running() const;
  int waiting() const;

 private:
  // Starts one thread; the caller holds mutex_. False when the system refuses one.
  bool startThread();
  static void* threadMain(void* self);

  const ThreadPlan plan_;
  const Body serve_;
  mutable std::mutex mutex_;
  int running_ = 0;
  int waiting_ = 0;
  bool refusalLogged_ = false;
};

}  // namespace rj
