// The live event stream through lighttpd: guards before the first byte, replay, resume, live
// delivery, keep-alives, hang-ups, and no loss or duplicate across reconnects, concurrent writers
// and a database restart.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <set>
#include <thread>

#include "db/connection.h"
#include "support/resuming_reader.h"
#include "support/sse_client.h"
#include "support/stack.h"
#include "util/uuid.h"

namespace rj::test {

namespace {
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

const Stack& s() {
  return stack();
}

std::string createJob(const std::string& type = "e2e.stream") {
  auto response = s().call("POST", "/api/runner-jobs", s().tokenMember, s().workspace,
                           R"({"type":")" + type + R"("})");
  EXPECT_EQ(response.status, 201) << response.body;
  return response.json()["id"].GetString();
}

void cancelJob(const std::string& id) {
  auto response =
      s().call("POST", "/api/runner-jobs/" + id + "/cancel", s().tokenMember, s().workspace);
  EXPECT_EQ(response.status, 200) << response.body;
}

std::string streamUrl(const std::string& id, const std::string& query = "") {
  return s().url + "/api/runner-jobs/" + id + "/events/stream" + query;
}

std::vector<std::string> memberHeaders(const std::string& token = "") {
  return {"Authorization: Bearer " + (token.empty() ? s().tokenMember : token),
          "X-Workspace-Id: " + s().workspace};
}

bool keepReading(const SseSession&) {
  return true;
}

// A reader of the job's stream as the member.
void readWholeStream(ResumingReader& reader, const std::string& jobId, int hangUpAfter, int cuts,
                     Clock::duration limit) {
  reader.run([&] { return streamUrl(jobId); }, memberHeaders(), hangUpAfter, cuts, limit);
}

}  // namespace

TEST(StreamGuards, FailuresAreJsonBeforeAnyStreamByte) {
  std::string id = createJob();
  auto expectJsonError = [](const SseSession& session, long status) {
    EXPECT_EQ(session.status, status) << session.raw;
    EXPECT_EQ(session.headers.at("content-type"), "application/json; charset=utf-8");
    EXPECT_NE(session.raw.find("\"statusCode\":" + std::to_string(status)), std::string::npos)
        << session.raw;
    EXPECT_EQ(session.raw.find("retry:"), std::string::npos);
  };
  expectJsonError(readSse(streamUrl(id), {"X-Workspace-Id: " + s().workspace}, keepReading, 5s),
                  401);
  expectJsonError(readSse(streamUrl(id), {"Authorization: Bearer nope"}, keepReading, 5s), 401);
  expectJsonError(
      readSse(streamUrl(id), {"Authorization: Bearer " + s().tokenMember}, keepReading, 5s), 400);
  expectJsonError(readSse(streamUrl(id, "?workspaceId=" + s().workspace),
                          {"Authorization: Bearer " + s().tokenOther}, keepReading, 5s),
                  403);
  // Another workspace's job, seen from that workspace, does not exist.
  expectJsonError(
      readSse(streamUrl(id),
              {"Authorization: Bearer " + s().tokenOther, "X-Workspace-Id: " + s().otherWorkspace},
              keepReading, 5s),
      404);
  expectJsonError(readSse(streamUrl(newUuid()), memberHeaders(), keepReading, 5s), 404);
  expectJsonError(readSse(streamUrl("not-a-uuid"), memberHeaders(), keepReading, 5s), 400);
  auto withCursor = [&](const std::string& cursor) {
    auto headers = memberHeaders();
    headers.push_back("Last-Event-ID: " + cursor);
    return readSse(streamUrl(id), headers, keepReading, 5s);
  };
  expectJsonError(withCursor("abc"), 400);
  expectJsonError(withCursor("-1"), 400);
  expectJsonError(withCursor("1' OR '1'='1"), 400);
  expectJsonError(readSse(streamUrl(id, "?lastEventId=abc"), memberHeaders(), keepReading, 5s),
                  400);
  cancelJob(id);
}

TEST(Stream, ReplaysFromTheStartAndCompletesATerminalJob) {
  std::string id = createJob();
  cancelJob(id);
  // A GUEST may watch; EventSource's way in: the workspace in the query.
  auto session = readSse(streamUrl(id, "?workspaceId=" + s().workspace),
                         {"Authorization: Bearer " + s().tokenGuest}, keepReading, 10s);
  ASSERT_EQ(session.status, 200) << session.raw;
  EXPECT_TRUE(session.ended);
  EXPECT_EQ(session.headers["content-type"].rfind("text/event-stream", 0), 0u);
  EXPECT_EQ(session.headers["cache-control"], "no-cache");
  EXPECT_EQ(session.headers["x-accel-buffering"], "no");
  EXPECT_EQ(session.raw.rfind("retry: 3000\n\n", 0), 0u) << session.raw;
  ASSERT_EQ(session.events.size(), 4u) << session.raw;
  EXPECT_EQ(sequenceNumbers(session.events), (std::vector<int64_t>{1, 2, 3}));
  EXPECT_EQ(session.events[0].type, "job.created");
  EXPECT_EQ(session.events[1].type, "job.queued");
  EXPECT_EQ(session.events[2].type, "job.cancelled");
  EXPECT_NE(session.events[2].data.find("\"jobId\":\"" + id + "\""), std::string::npos);
  EXPECT_NE(session.events[2].data.find("\"seq\":3"), std::string::npos);
  EXPECT_EQ(session.events[3].type, "stream.complete");
  EXPECT_FALSE(session.events[3].id.has_value());
  EXPECT_EQ(session.events[3].data, R"({"status":"CANCELLED"})");
}

TEST(Stream, ResumeSkipsDeliveredEvents) {
  std::string id = createJob();
  cancelJob(id);
  auto headers = memberHeaders();
  headers.push_back("Last-Event-ID: 2");
  auto byHeader = readSse(streamUrl(id), headers, keepReading, 10s);
  EXPECT_EQ(sequenceNumbers(byHeader.events), (std::vector<int64_t>{3}));
  EXPECT_EQ(byHeader.events.back().type, "stream.complete");

  auto byQuery = readSse(streamUrl(id, "?lastEventId=1"), memberHeaders(), keepReading, 10s);
  EXPECT_EQ(sequenceNumbers(byQuery.events), (std::vector<int64_t>{2, 3}));

  auto past = readSse(streamUrl(id, "?lastEventId=3"), memberHeaders(), keepReading, 10s);
  ASSERT_EQ(past.events.size(), 1u) << past.raw;
  EXPECT_EQ(past.events[0].type, "stream.complete");
}

TEST(Stream, LiveEventsArriveUnbufferedWithinAPollInterval) {
  std::string id = createJob();
  Clock::time_point cancelledAt;
  std::thread canceller;
  auto session = readSse(
      streamUrl(id), memberHeaders(),
      [&](const SseSession& current) {
        // Both replayed events are through lighttpd while the stream stays open: now change the
        // job.
        if (current.events.size() == 2 && !canceller.joinable()) {
          canceller = std::thread([&] {
            cancelledAt = Clock::now();
            cancelJob(id);
          });
        }
        if (current.events.size() == 3) {
          auto latency = Clock::now() - cancelledAt;
          std::printf("job.cancelled reached the client %lld ms after the cancel was sent\n",
                      static_cast<long long>(
                          std::chrono::duration_cast<std::chrono::milliseconds>(latency).count()));
          // The idle poll interval is 50 ms; the cancel request itself takes part of this.
          EXPECT_LT(latency, 1000ms);
        }
        return true;
      },
      15s);
  if (canceller.joinable()) canceller.join();
  ASSERT_EQ(session.events.size(), 4u) << session.raw;
  EXPECT_EQ(session.events[2].type, "job.cancelled");
  EXPECT_EQ(session.events[3].type, "stream.complete");
  EXPECT_TRUE(session.ended);
}

TEST(Stream, IdleStreamSendsKeepAlives) {
  std::string id = createJob();
  // The test stack sends a keep-alive after 2 s without events (15 s by default).
  auto session = readSse(
      streamUrl(id), memberHeaders(),
      [](const SseSession& current) { return current.comments == 0; }, 10s);
  EXPECT_EQ(session.comments, 1) << session.raw;
  EXPECT_NE(session.raw.find("\n: keep-alive\n\n"), std::string::npos);
  cancelJob(id);
}

TEST(Stream, HungUpStreamsFreeTheirThreads) {
  // The test stack's stream process has 4 threads. Streams that stayed behind after their client
  // hung up would hold them, and the later connections here would wait and time out. (A hang-up
  // is noticed at the latest by the next keep-alive write, 2 s on the test stack.)
  std::string id = createJob();
  // Three users take turns: a user may hold 3 streams, so the 4 threads are what runs out.
  const std::string tokens[] = {s().tokenMember, s().tokenOwner, s().tokenGuest};
  for (int round = 0; round < 12; ++round) {
    auto started = Clock::now();
    auto session = readSse(
        streamUrl(id), memberHeaders(tokens[round % 3]),
        [](const SseSession& current) { return current.events.size() < 2; }, 5s);
    ASSERT_EQ(sequenceNumbers(session.events), (std::vector<int64_t>{1, 2}))
        << "round " << round << ": " << session.raw;
    EXPECT_LT(Clock::now() - started, 3s) << "round " << round;
  }
  cancelJob(id);
}

TEST(Stream, NoLossNoDuplicatesWithFourWritersAndFiveReconnects) {
  std::string id = createJob();
  constexpr int kWriters = 4;
  constexpr int kPerWriter = 125;
  std::atomic<bool> writersDone{false};
  std::thread writers([&] {
    std::vector<std::thread> threads;
    for (int writer = 0; writer < kWriters; ++writer) {
      threads.emplace_back([&, writer] {
        DatabaseThread database;
        for (int n = 0; n < kPerWriter; ++n) {
          s().appendEvent(
              id, EventType::StepOutput,
              R"({"writer":)" + std::to_string(writer) + R"(,"n":)" + std::to_string(n) + "}");
          std::this_thread::sleep_for(3ms);
        }
      });
    }
    for (auto& thread : threads) thread.join();
    writersDone = true;
    cancelJob(id);
  });
  ResumingReader reader;
  readWholeStream(reader, id, 70, 5, 120s);
  writers.join();
  ASSERT_TRUE(writersDone);
  ASSERT_TRUE(reader.completedWith.has_value()) << "the stream never completed";
  EXPECT_EQ(*reader.completedWith, R"({"status":"CANCELLED"})");
  EXPECT_GE(reader.connections, 6);
  auto seqs = sequenceNumbers(reader.events);
  const int64_t total = 2 + kWriters * kPerWriter + 1;
  ASSERT_EQ(seqs.size(), size_t(total));
  for (int64_t i = 0; i < total; ++i) ASSERT_EQ(seqs[i], i + 1) << "at position " << i;
  EXPECT_EQ(writerOutputs(reader.events).distinct.size(), size_t(kWriters * kPerWriter));
}

// Runs last in this file: every handler of the stack loses its database connection here.
TEST(StreamDatabaseRestart, ClientGetsRetryableErrorAndResumesWithoutLoss) {
  std::string id = createJob();
  std::atomic<bool> restarted{false};
  std::thread operatorThread([&] {
    std::this_thread::sleep_for(1s);
    std::string command = "bash -c '. \"" + std::string(RJ_SOURCE_DIR) +
                          "/deploy/lib.sh\" && rj_mariadb_stop \"" + s().var +
                          "/mariadb\" && sleep 2 && rj_mariadb_start \"" + s().var + "/mariadb\"'";
    EXPECT_EQ(std::system(command.c_str()), 0);
    restarted = true;
    DatabaseThread database;
    discardThreadConnection();
    for (int n = 0; n < 5; ++n)
      s().appendEvent(id, EventType::StepOutput, R"({"afterRestart":true})");
    cancelJob(id);
  });
  ResumingReader reader;
  readWholeStream(reader, id, 0, 0, 90s);
  operatorThread.join();
  ASSERT_TRUE(restarted);
  EXPECT_GE(reader.retryableErrors, 1);
  EXPECT_GE(reader.connections, 2);
  ASSERT_TRUE(reader.completedWith.has_value());
  EXPECT_EQ(sequenceNumbers(reader.events), (std::vector<int64_t>{1, 2, 3, 4, 5, 6, 7, 8}));
}

}  // namespace rj::test
