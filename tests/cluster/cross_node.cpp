// Across the front ends of a 3-node Galera cluster, each on its own database node: what one front
// end wrote, the other reads at once (causal reads), its streams deliver within a second, and
// an Idempotency-Key holds across nodes.
#include <gtest/gtest.h>

#include <mutex>
#include <set>
#include <thread>

#include "support/cluster.h"
#include "support/sse_client.h"

namespace rj::test {

namespace {
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

std::vector<std::string> memberHeaders() {
  return {"Authorization: Bearer " + stack().tokenMember, "X-Workspace-Id: " + stack().workspace};
}

HttpResponse memberRequest(const std::string& frontEnd, const std::string& method,
                           const std::string& path, const std::string& body = "",
                           std::vector<std::string> headers = {}) {
  for (const auto& line : memberHeaders()) headers.push_back(line);
  return httpRequest(method, frontEnd + path, headers, body);
}

std::string createThrough(const std::string& frontEnd, const std::string& type) {
  auto created =
      memberRequest(frontEnd, "POST", "/api/runner-jobs", R"({"type":")" + type + R"("})");
  EXPECT_EQ(created.status, 201) << created.body;
  return created.status == 201 ? created.json()["id"].GetString() : "";
}
}  // namespace

TEST(ClusterFixture, HasTwoFrontEndsOnThreeNodes) {
  ASSERT_EQ(stack().frontEnds().size(), 2u) << "not a cluster: " << stack().var;
  EXPECT_EQ(clusterSize(), 3);
}

TEST(CrossNode, CreateThroughOneFrontEndGetThroughTheOtherAtOnce) {
  const auto frontEnds = stack().frontEnds();
  for (int round = 0; round < 20; ++round) {
    const std::string& writer = frontEnds[round % 2];
    const std::string& reader = frontEnds[(round + 1) % 2];
    std::string id = createThrough(writer, "cluster.cross");
    auto got = memberRequest(reader, "GET", "/api/runner-jobs/" + id);
    ASSERT_EQ(got.status, 200) << "round " << round << ": " << got.body;
    EXPECT_EQ(std::string(got.json()["status"].GetString()), "QUEUED");
    // A change through the other front end at once: its read of the job is causal too.
    auto cancelled = memberRequest(reader, "POST", "/api/runner-jobs/" + id + "/cancel");
    ASSERT_EQ(cancelled.status, 200) << "round " << round << ": " << cancelled.body;
    auto again = memberRequest(writer, "GET", "/api/runner-jobs/" + id);
    EXPECT_EQ(std::string(again.json()["status"].GetString()), "CANCELLED") << again.body;
  }
}

TEST(CrossNode, StreamOnFrontEnd2GetsEventsWrittenThroughFrontEnd1WithinASecond) {
  const auto frontEnds = stack().frontEnds();
  for (int round = 0; round < 3; ++round) {
    std::string id = createThrough(frontEnds[0], "cluster.stream");
    Clock::time_point cancelledAt;
    std::thread canceller;
    auto session = readSse(
        frontEnds[1] + "/api/runner-jobs/" + id + "/events/stream", memberHeaders(),
        [&](const SseSession& current) {
          if (current.events.size() == 2 && !canceller.joinable()) {
            canceller = std::thread([&] {
              cancelledAt = Clock::now();
              memberRequest(frontEnds[0], "POST", "/api/runner-jobs/" + id + "/cancel");
            });
          }
          if (current.events.size() == 3) {
            auto latency = Clock::now() - cancelledAt;
            std::printf(
                "front end 2 streamed front end 1's cancel after %lld ms\n",
                static_cast<long long>(
                    std::chrono::duration_cast<std::chrono::milliseconds>(latency).count()));
            EXPECT_LT(latency, 1s);
          }
          return true;
        },
        15s);
    if (canceller.joinable()) canceller.join();
    ASSERT_EQ(session.events.size(), 4u) << session.raw;
    EXPECT_EQ(session.events[2].type, "job.cancelled");
    EXPECT_EQ(session.events[3].type, "stream.complete");
  }
}

TEST(CrossNode, OneIdempotencyKeyAcrossBothFrontEndsMakesOneJob) {
  const auto frontEnds = stack().frontEnds();
  for (int round = 0; round < 3; ++round) {
    std::string key = uniqueName("cluster-key");
    std::mutex guard;
    std::vector<HttpResponse> answers;
    std::vector<std::thread> clients;
    for (int client = 0; client < 8; ++client) {
      clients.emplace_back([&, client] {
        auto answer =
            memberRequest(frontEnds[client % 2], "POST", "/api/runner-jobs",
                          R"({"type":"cluster.idempotent"})", {"Idempotency-Key: " + key});
        std::lock_guard<std::mutex> lock(guard);
        answers.push_back(answer);
      });
    }
    for (auto& client : clients) client.join();
    std::set<std::string> ids;
    int created = 0;
    for (const auto& answer : answers) {
      ASSERT_TRUE(answer.status == 201 || answer.status == 200) << answer.status << answer.body;
      if (answer.status == 201) ++created;
      ids.insert(answer.json()["id"].GetString());
    }
    EXPECT_EQ(ids.size(), 1u) << "round " << round;
    EXPECT_EQ(created, 1) << "round " << round;
  }
}

}  // namespace rj::test
