// The background thread of a handler process: tasks run in the order posted, on one thread that
// holds its resources while it lives, a full queue refuses, a throwing task does not stop the
// ones after it, and stopping drops what has not begun.
#include "util/background_tasks.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <future>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

namespace rj {
namespace {

TEST(BackgroundTasks, TasksRunInTheOrderPostedOnOneThreadHoldingItsResources) {
  std::atomic<int> resourcesMade{0};
  std::atomic<bool> resourcesHeld{false};
  std::mutex mutex;
  std::vector<int> ran;
  std::vector<std::thread::id> threads;
  std::promise<void> done;
  {
    BackgroundTasks tasks(16, [&] {
      ++resourcesMade;
      resourcesHeld = true;
      return std::shared_ptr<void>(nullptr, [&](void*) { resourcesHeld = false; });
    });
    for (int i = 0; i < 5; ++i) {
      ASSERT_TRUE(tasks.post([&, i] {
        std::lock_guard<std::mutex> lock(mutex);
        EXPECT_TRUE(resourcesHeld);
        ran.push_back(i);
        threads.push_back(std::this_thread::get_id());
        if (i == 4) done.set_value();
      }));
    }
    ASSERT_EQ(done.get_future().wait_for(std::chrono::seconds(10)), std::future_status::ready);
  }
  EXPECT_EQ(ran, (std::vector<int>{0, 1, 2, 3, 4}));
  for (auto id : threads) {
    EXPECT_EQ(id, threads.front());
    EXPECT_NE(id, std::this_thread::get_id());
  }
  EXPECT_EQ(resourcesMade, 1);
  EXPECT_FALSE(resourcesHeld);  // given back when the thread ended
}

TEST(BackgroundTasks, AFullQueueRefusesAndStoppingDropsWhatHasNotBegun) {
  std::promise<void> started;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<int> ran{0};
  {
    BackgroundTasks tasks(2, nullptr);
    ASSERT_TRUE(tasks.post([&] {
      started.set_value();
      released.wait();
      ++ran;
    }));
    started.get_future().wait();  // the first runs: two may wait behind it
    EXPECT_TRUE(tasks.post([&] { ++ran; }));
    EXPECT_TRUE(tasks.post([&] { ++ran; }));
    EXPECT_FALSE(tasks.post([&] { ++ran; }));
    release.set_value();  // the destructor below stops before the two waiting begin, or after
  }
  EXPECT_GE(ran.load(), 1);
  EXPECT_LE(ran.load(), 3);
}

TEST(BackgroundTasks, ATaskThatThrowsDoesNotStopTheOnesAfterIt) {
  std::promise<void> done;
  BackgroundTasks tasks(4, nullptr);
  ASSERT_TRUE(tasks.post([] { throw std::runtime_error("the database went away"); }));
  ASSERT_TRUE(tasks.post([&] { done.set_value(); }));
  EXPECT_EQ(done.get_future().wait_for(std::chrono::seconds(10)), std::future_status::ready);
}

TEST(BackgroundTasks, NothingRunsWithoutAPost) {
  std::atomic<int> resourcesMade{0};
  {
    BackgroundTasks tasks(4, [&] {
      ++resourcesMade;
      return std::shared_ptr<void>();
    });
  }
  EXPECT_EQ(resourcesMade, 0);  // no thread was started
}

}  // namespace
}  // namespace rj
