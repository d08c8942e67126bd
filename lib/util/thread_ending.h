#pragma once
// The end of a worker thread whose state it shares (and may outlive this): once told to stop,
// wait up to `wait` for `finished` (set under the lock's mutex and announced on `changed`), then
// join it. A thread still busy by then (a statement stuck on an unresponsive database) is left
// behind: the process is ending.
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace rj {

inline void joinOrLeaveBehind(std::thread& thread, std::unique_lock<std::mutex>& lock,
                              std::condition_variable& changed, const bool& finished,
                              std::chrono::seconds wait) {
  const bool done = changed.wait_for(lock, wait, [&] { return finished; });
  lock.unlock();
  if (done) {
    thread.join();
  } else {
    thread.detach();
  }
}

}  // namespace rj
