// Request ids (X-Request-Id) and the log line of a failed answer: the id a client got names the
// line that says why, with the handler and the cause.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>

#include "app/serve.h"
#include "http/request_id.h"
#include "support/fake_channel.h"
#include "util/log.h"
#include "util/log_throttle.h"

namespace rj {

namespace {

using test::FakeChannel;

const ApiRoute kFailingRoute{"test_failing", "GET", "/api/test/failing", Permission::Public};
const ApiRoute kHealthyRoute{"test_healthy", "GET", "/api/test/healthy", Permission::Public};

Response failOrSucceed(Request& request, Context&) {
  if (request.path == "/api/test/failing") {
    throw std::runtime_error("the disk is on fire\nsecond line");
  }
  return jsonText("{}");
}

FakeChannel answered(const ApiRoute& route, FakeChannel channel) {
  answer(channel, endpointHandler(route, failOrSucceed));
  return channel;
}

// What this process writes to stderr while `work` runs, through sendStderrTo (RJ_LOG_FILE's way).
template <typename Work>
std::string loggedDuring(Work&& work) {
  std::string path = testing::TempDir() + "runner-jobs-request-log-" + std::to_string(getpid());
  std::remove(path.c_str());
  int savedStderr = dup(STDERR_FILENO);
  EXPECT_FALSE(sendStderrTo(path).has_value());
  work();
  dup2(savedStderr, STDERR_FILENO);
  close(savedStderr);
  std::ifstream file(path);
  std::string text{std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
  std::remove(path.c_str());
  return text;
}

}  // namespace

TEST(RequestId, WellFormedIdsAreUpTo64SafeCharacters) {
  EXPECT_TRUE(isWellFormedRequestId("a"));
  EXPECT_TRUE(isWellFormedRequestId("0b7e8a52-56ad-4f0e-9a49-6b1d3c1a2f10"));
  EXPECT_TRUE(isWellFormedRequestId("Proxy_Request.42-x"));
  EXPECT_TRUE(isWellFormedRequestId(std::string(64, 'x')));
  EXPECT_FALSE(isWellFormedRequestId(std::string(65, 'x')));
  EXPECT_FALSE(isWellFormedRequestId(""));
  EXPECT_FALSE(isWellFormedRequestId("two words"));
  EXPECT_FALSE(isWellFormedRequestId("line\nbreak"));
  EXPECT_FALSE(isWellFormedRequestId("a:b"));
  EXPECT_FALSE(isWellFormedRequestId("id/1"));
  EXPECT_FALSE(isWellFormedRequestId("caf\xc3\xa9"));
  EXPECT_FALSE(isWellFormedRequestId("<script>"));
}

TEST(RequestId, AWellFormedIncomingIdIsKeptAnythingElseReplaced) {
  EXPECT_EQ(requestIdFor("client-7.a_b"), "client-7.a_b");
  for (const char* incoming :
       {static_cast<const char*>(nullptr), "", "bad id", "x\r\nSet-Cookie"}) {
    std::string made = requestIdFor(incoming);
    EXPECT_EQ(made.size(), 32u);
    EXPECT_TRUE(isWellFormedRequestId(made)) << made;
  }
  EXPECT_NE(requestIdFor(nullptr), requestIdFor(nullptr));
}

TEST(RequestId, EveryAnswerCarriesOne) {
  auto made = answered(kHealthyRoute, FakeChannel("GET", "/api/test/healthy"));
  EXPECT_EQ(made.status(), 200);
  ASSERT_TRUE(made.header("X-Request-Id").has_value());
  EXPECT_EQ(made.header("X-Request-Id")->size(), 32u);

  auto kept = answered(kHealthyRoute, FakeChannel("GET", "/api/test/healthy",
                                                  {{"HTTP_X_REQUEST_ID", "from-the-proxy.1"}}));
  EXPECT_EQ(kept.header("X-Request-Id"), "from-the-proxy.1");

  auto replaced = answered(
      kHealthyRoute, FakeChannel("GET", "/api/test/healthy", {{"HTTP_X_REQUEST_ID", "not ok"}}));
  EXPECT_EQ(replaced.header("X-Request-Id")->size(), 32u);

  // Errors too, the router's own included.
  auto unrouted = answered(kHealthyRoute,
                           FakeChannel("GET", "/api/elsewhere", {{"HTTP_X_REQUEST_ID", "lost-1"}}));
  EXPECT_EQ(unrouted.status(), 404);
  EXPECT_EQ(unrouted.header("X-Request-Id"), "lost-1");
}

TEST(RequestLog, AFailureIsLoggedOnceWithItsIdHandlerAndCause) {
  FakeChannel channel("GET", "/api/test/failing", {{"HTTP_X_REQUEST_ID", "req-500"}});
  std::string log = loggedDuring([&] {
    setLogProgram("test_failing");
    answer(channel, endpointHandler(kFailingRoute, failOrSucceed));
  });
  EXPECT_EQ(channel.status(), 500);
  EXPECT_EQ(channel.header("X-Request-Id"), "req-500");
  // The cause stays in the log.
  EXPECT_EQ(channel.body().find("fire"), std::string::npos) << channel.body();
  EXPECT_NE(log.find(" runner-jobs test_failing[" + std::to_string(getpid()) +
                     "]: request req-500: 500 Internal Server Error: internal error: the disk is "
                     "on fire second line\n"),
            std::string::npos)
      << log;
  // One line, starting with the time.
  EXPECT_EQ(log.find('\n'), log.size() - 1) << log;
  EXPECT_EQ(log.substr(10, 1), "T") << log;
}

TEST(RequestLog, SuccessAndClientErrorsAreNotLogged) {
  std::string log = loggedDuring([&] {
    answered(kHealthyRoute, FakeChannel("GET", "/api/test/healthy"));
    answered(kHealthyRoute, FakeChannel("GET", "/api/elsewhere"));
  });
  EXPECT_EQ(log, "");
}

TEST(LogThrottle, LetsOneLineThroughPerIntervalAndCountsTheRest) {
  LogThrottle throttle(std::chrono::seconds(60));
  auto start = LogThrottle::Clock::time_point{} + std::chrono::hours(1);
  EXPECT_EQ(throttle.pass(start), 0);
  EXPECT_EQ(throttle.pass(start + std::chrono::seconds(1)), std::nullopt);
  EXPECT_EQ(throttle.pass(start + std::chrono::seconds(59)), std::nullopt);
  EXPECT_EQ(throttle.pass(start + std::chrono::seconds(60)), 2);
  EXPECT_EQ(throttle.pass(start + std::chrono::seconds(61)), std::nullopt);
  EXPECT_EQ(throttle.pass(start + std::chrono::seconds(200)), 1);
}

}  // namespace rj
