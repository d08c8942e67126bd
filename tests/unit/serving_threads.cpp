// The serving thread pool: a fixed pool starts every thread; a growing one keeps its spare
// threads waiting, grows with the requests it holds up to its maximum, and shrinks after.
#include "http/serving_threads.h"

#include <gtest/gtest.h>
#include <pthread.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace {

using namespace std::chrono_literals;

// Stands in for the web server: hands out requests one at a time and lets the test decide when
// each one is answered. A thread's body takes a request, holds it until released, answers it.
class RequestSource {
 public:
  void serve(rj::ServingThreads& threads) {
    for (;;) {
      {
        std::unique_lock<std::mutex> lock(mutex_);
        changed_.wait(lock, [&] { return offered_ > 0; });
        --offered_;
      }
      threads.takeRequest();
      {
        std::unique_lock<std::mutex> lock(mutex_);
        ++held_;
        pthread_attr_t attributes;
        pthread_getattr_np(pthread_self(), &attributes);
        pthread_attr_getstacksize(&attributes, &stackBytes_);
        pthread_attr_destroy(&attributes);
        changed_.wait(lock, [&] { return released_ > 0; });
        --released_;
        --held_;
      }
      if (!threads.finishRequest()) return;
    }
  }
  void offer(int requests) {
    std::lock_guard<std::mutex> lock(mutex_);
    offered_ += requests;
    changed_.notify_all();
  }
  void release(int requests) {
    std::lock_guard<std::mutex> lock(mutex_);
    released_ += requests;
    changed_.notify_all();
  }
  int held() {
    std::lock_guard<std::mutex> lock(mutex_);
    return held_;
  }
  size_t stackBytes() {
    std::lock_guard<std::mutex> lock(mutex_);
    return stackBytes_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  int offered_ = 0;
  int released_ = 0;
  int held_ = 0;
  size_t stackBytes_ = 0;
};

// Polls `condition` for up to 5 s.
bool eventually(const std::function<bool()>& condition) {
  auto until = std::chrono::steady_clock::now() + 5s;
  while (std::chrono::steady_clock::now() < until) {
    if (condition()) return true;
    std::this_thread::sleep_for(1ms);
  }
  return condition();
}

TEST(ServingThreads, AFixedPoolStartsEveryThreadAtOnce) {
  // Leaked on purpose: its threads outlive the test, waiting for requests that never come.
  auto* source = new RequestSource;
  auto* threads = new rj::ServingThreads(
      {4, 0, 0}, [source](rj::ServingThreads& pool) { source->serve(pool); });
  threads->start();
  EXPECT_EQ(threads->running(), 4);
  EXPECT_EQ(threads->waiting(), 4);
  source->offer(4);
  ASSERT_TRUE(eventually([&] { return source->held() == 4; }));
  EXPECT_EQ(threads->running(), 4);
  EXPECT_EQ(threads->waiting(), 0);
  EXPECT_GT(source->stackBytes(), 1024u * 1024);  // the system's default
  source->release(4);
  ASSERT_TRUE(eventually([&] { return threads->waiting() == 4; }));
  EXPECT_EQ(threads->running(), 4);
}

TEST(ServingThreads, AGrowingPoolKeepsItsSpareThreadsUpToItsMaximumAndShrinksAfter) {
  auto* source = new RequestSource;
  auto* threads = new rj::ServingThreads(
      {40, 4, 256 * 1024}, [source](rj::ServingThreads& pool) { source->serve(pool); });
  threads->start();
  EXPECT_EQ(threads->running(), 4);

  // Each request held keeps 4 others waiting, until the maximum.
  source->offer(10);
  ASSERT_TRUE(eventually([&] { return source->held() == 10 && threads->waiting() == 4; }));
  EXPECT_EQ(threads->running(), 14);
  EXPECT_EQ(source->stackBytes(), 256u * 1024);

  source->offer(30);
  ASSERT_TRUE(eventually([&] { return source->held() == 40; }));
  EXPECT_EQ(threads->running(), 40);
  EXPECT_EQ(threads->waiting(), 0);

  // Once the burst is answered, threads past twice the spare ones end.
  source->release(40);
  ASSERT_TRUE(eventually([&] { return source->held() == 0 && threads->running() == 8; }));
  EXPECT_EQ(threads->waiting(), 8);

  // And the pool grows again for the next burst.
  source->offer(20);
  ASSERT_TRUE(eventually([&] { return source->held() == 20 && threads->waiting() == 4; }));
  EXPECT_EQ(threads->running(), 24);
  source->release(20);
}

}  // namespace
