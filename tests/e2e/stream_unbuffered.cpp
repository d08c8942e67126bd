// The event stream arrives unbuffered through the web server in front of the handlers: every event
// reaches the client within one poll interval while the connection stays open. Run against
// lighttpd here and against Apache and nginx by the web server fixtures (RJ_TEST_STACK_VAR).
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <optional>

#include "support/sse_client.h"
#include "support/stack.h"

namespace rj::test {

namespace {
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

const Stack& s() {
  return stack();
}

std::chrono::milliseconds since(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
}

}  // namespace

TEST(UnbufferedStream, EveryEventArrivesWithinOnePollInterval) {
  auto created = s().call("POST", "/api/runner-jobs", s().tokenMember, s().workspace,
                          R"({"type":"e2e.unbuffered"})");
  ASSERT_EQ(created.status, 201) << created.body;
  std::string id = created.json()["id"].GetString();
  size_t replayed = s().call("GET", "/api/runner-jobs/" + id, s().tokenMember, s().workspace)
                        .json()["events"]
                        .Size();
  ASSERT_GE(replayed, 1u);

  // Spawning a handler process (mod_fcgid starts one on demand) may take a moment; after that,
  // the stream's poll interval (50 ms by default) bounds every delivery.
  const auto firstBytesLimit = 3000ms;
  const auto deliveryLimit = 1000ms;
  Clock::time_point start = Clock::now(), appended, cancelled;
  std::optional<std::chrono::milliseconds> firstBytes, replay, progress, cancellation;
  bool endedBeforeCancel = false;

  auto session = readSse(
      s().url + "/api/runner-jobs/" + id + "/events/stream",
      {"Authorization: Bearer " + s().tokenMember, "X-Workspace-Id: " + s().workspace},
      [&](const SseSession& current) {
        if (!firstBytes) firstBytes = since(start);
        if (current.events.empty()) return true;
        const SseEvent& last = current.events.back();
        if (current.events.size() == replayed && !replay) {
          replay = since(start);
          // The connection is open and idle: the next event can only arrive if nothing buffers.
          appended = Clock::now();
          s().appendEvent(id, EventType::StepOutput, R"({"line":"unbuffered"})");
        } else if (last.type == "step.output" && !progress) {
          progress = since(appended);
          auto answer = s().call("POST", "/api/runner-jobs/" + id + "/cancel", s().tokenMember,
                                 s().workspace);
          EXPECT_EQ(answer.status, 200) << answer.body;
          cancelled = Clock::now();
        } else if (last.type == "job.cancelled") {
          cancellation = since(cancelled);
        } else if (last.type == "stream.complete" && !cancellation) {
          endedBeforeCancel = true;
        }
        return true;
      },
      20s);

  ASSERT_EQ(session.status, 200) << session.raw;
  EXPECT_EQ(session.headers["content-type"].rfind("text/event-stream", 0), 0u);
  EXPECT_EQ(session.headers.count("content-length"), 0u);
  EXPECT_EQ(session.headers.count("content-encoding"), 0u);
  ASSERT_TRUE(firstBytes);
  EXPECT_LT(*firstBytes, firstBytesLimit);
  ASSERT_TRUE(replay) << "the replay never arrived: " << session.raw;
  EXPECT_LT(*replay, firstBytesLimit) << "the replay was held back";
  ASSERT_TRUE(progress) << "an event appended while the stream was open never arrived: "
                        << session.raw;
  EXPECT_LT(*progress, deliveryLimit) << "an event appended mid-stream was held back";
  ASSERT_TRUE(cancellation) << session.raw;
  EXPECT_LT(*cancellation, deliveryLimit);
  EXPECT_FALSE(endedBeforeCancel);
  ASSERT_FALSE(session.events.empty());
  EXPECT_EQ(session.events.back().type, "stream.complete");
  EXPECT_TRUE(session.ended);
}

// The workspace stream too: a change made while the stream is open and idle arrives at once.
TEST(UnbufferedStream, WorkspaceChangesArriveWhileTheStreamIsOpen) {
  std::string type = uniqueName("e2e.unbuffered.workspace");
  const auto deliveryLimit = 1000ms;
  Clock::time_point created;
  std::optional<std::chrono::milliseconds> delivery;
  std::string jobId;
  auto session = readSse(
      s().url + "/api/runner-jobs/events/stream?type=" + type,
      {"Authorization: Bearer " + s().tokenMember, "X-Workspace-Id: " + s().workspace},
      [&](const SseSession& current) {
        if (current.events.empty()) return true;
        const SseEvent& last = current.events.back();
        if (last.type == "stream.ready" && jobId.empty()) {
          auto answer = s().call("POST", "/api/runner-jobs", s().tokenMember, s().workspace,
                                 R"({"type":")" + type + R"("})");
          // From the commit on: under plain CGI the create itself starts a process.
          created = Clock::now();
          EXPECT_EQ(answer.status, 201) << answer.body;
          jobId = answer.json()["id"].GetString();
        } else if (last.type == "job.changed" && !delivery) {
          delivery = since(created);
          return false;
        }
        return true;
      },
      20s);
  ASSERT_EQ(session.status, 200) << session.raw;
  EXPECT_EQ(session.headers["content-type"].rfind("text/event-stream", 0), 0u);
  ASSERT_TRUE(delivery) << "a change made while the stream was open never arrived: " << session.raw;
  EXPECT_LT(*delivery, deliveryLimit) << "a change made mid-stream was held back";
  EXPECT_NE(session.raw.find(jobId), std::string::npos);
  s().call("POST", "/api/runner-jobs/" + jobId + "/cancel", s().tokenMember, s().workspace, "");
}

TEST(UnbufferedStream, GuardsAnswerBeforeTheStreamStarts) {
  auto response = httpRequest(
      "GET", s().url + "/api/runner-jobs/00000000-0000-4000-8000-000000000000/events/stream",
      {"X-Workspace-Id: " + s().workspace});
  EXPECT_EQ(response.status, 401);
  EXPECT_EQ(response.json()["statusCode"].GetInt(), 401);
}

}  // namespace rj::test
