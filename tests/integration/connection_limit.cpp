// The cap on threads holding a database connection (what a stream process sets): a thread past
// the cap waits until another gives its connection back, and then connects.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "db/connection.h"
#include "support/test_database.h"

namespace rj::test {

namespace {
using namespace std::chrono_literals;
}

class ConnectionLimitTest : public DatabaseTest {
 protected:
  void TearDown() override {
    limitThreadConnections(0);
    DatabaseTest::TearDown();
  }
};

TEST_F(ConnectionLimitTest, AThreadPastTheCapWaitsForAConnectionToBeGivenBack) {
  discardThreadConnection();  // this test's own thread holds none while the cap is on
  limitThreadConnections(2);
  std::atomic<int> connected{0};
  std::atomic<bool> release{false};
  auto holder = [&] {
    DatabaseThread database;
    Query(threadConnection(), "SELECT 1").rows();
    ++connected;
    while (!release) std::this_thread::sleep_for(1ms);
    discardThreadConnection();
  };
  std::thread first(holder), second(holder);
  while (connected < 2) std::this_thread::sleep_for(1ms);

  std::atomic<bool> thirdConnected{false};
  std::thread third([&] {
    DatabaseThread database;
    Query(threadConnection(), "SELECT 1").rows();
    thirdConnected = true;
  });
  std::this_thread::sleep_for(300ms);
  EXPECT_FALSE(thirdConnected) << "a third connection while two are held under a cap of 2";

  release = true;
  first.join();
  second.join();
  third.join();
  EXPECT_TRUE(thirdConnected);
}

TEST_F(ConnectionLimitTest, WithoutACapThreadsConnectAtOnce) {
  std::atomic<int> connected{0};
  std::atomic<bool> release{false};
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      DatabaseThread database;
      Query(threadConnection(), "SELECT 1").rows();
      ++connected;
      while (!release) std::this_thread::sleep_for(1ms);
    });
  }
  auto until = std::chrono::steady_clock::now() + 5s;
  while (connected < 4 && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(1ms);
  EXPECT_EQ(connected, 4);
  release = true;
  for (auto& thread : threads) thread.join();
}

}  // namespace rj::test
