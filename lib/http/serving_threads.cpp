#include "http/serving_threads.h"

#include <pthread.h>

#include <cstring>
#include <string>

#include "util/log.h"

namespace rj {

ServingThreads::ServingThreads(ThreadPlan plan, Body serve)
    : plan_(plan), serve_(std::move(serve)) {}

void ServingThreads::start() {
  std::lock_guard<std::mutex> lock(mutex_);
  int first = plan_.spare > 0 ? plan_.spare : plan_.maximum;
  if (first > plan_.maximum) first = plan_.maximum;
  if (first < 1) first = 1;
  for (int i = 0; i < first; ++i) {
    if (!startThread()) break;
  }
}

void ServingThreads::takeRequest() {
  std::lock_guard<std::mutex> lock(mutex_);
  --waiting_;
  // Keep `spare` threads in accept, so the next request does not wait for a thread to start.
  if (plan_.spare > 0 && waiting_ < plan_.spare && running_ < plan_.maximum) startThread();
}

bool ServingThreads::finishRequest() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (plan_.spare > 0 && waiting_ >= 2 * plan_.spare) {
    // A burst is over: this thread's stack and per-thread buffers go back to the system.
    --running_;
    return false;
  }
  ++waiting_;
  return true;
}

int ServingThreads::running() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return running_;
}

int ServingThreads::waiting() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return waiting_;
}

bool ServingThreads::startThread() {
  pthread_attr_t attributes;
  pthread_attr_init(&attributes);
  pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
  if (plan_.stackBytes > 0) pthread_attr_setstacksize(&attributes, plan_.stackBytes);
  pthread_t thread;
  int failed = pthread_create(&thread, &attributes, &ServingThreads::threadMain, this);
  pthread_attr_destroy(&attributes);
  if (failed != 0) {
    // Out of memory or over the system's thread limit: serve with the threads there are.
    if (!refusalLogged_) {
      logLine("cannot start another serving thread (" + std::to_string(running_) +
              " running): " + std::strerror(failed));
      refusalLogged_ = true;
    }
    return false;
  }
  ++running_;
  ++waiting_;
  return true;
}

void* ServingThreads::threadMain(void* self) {
  auto* threads = static_cast<ServingThreads*>(self);
  threads->serve_(*threads);
  return nullptr;
}

}  // namespace rj
