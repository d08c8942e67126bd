// The workspace stream through lighttpd: guards before the first byte, start at the present,
// replay and resume from a workspace-wide cursor, filters, no loss or duplicate with concurrent
// writers and reconnects, and `reset` after retention deleted what a cursor had not read.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <set>
#include <thread>

#include "db/connection.h"
#include "json/json.h"
#include "support/sse_client.h"
#include "support/stack.h"

namespace rj::test {

namespace {
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

const Stack& s() {
  return stack();
}

std::string createJob(const std::string& type) {
  auto response = s().call("POST", "/api/runner-jobs", s().tokenMember, s().workspace,
                           R"({"type":")" + type + R"("})");
  EXPECT_EQ(response.status, 201) << response.body;
  return response.json()["id"].GetString();
}

void cancelJob(const std::string& id) {
  auto response =
      s().call("POST", "/api/runner-jobs/" + id + "/cancel", s().tokenMember, s().workspace, "");
  EXPECT_EQ(response.status, 200) << response.body;
}

std::string streamUrl(const std::string& query = "") {
  return s().url + "/api/runner-jobs/events/stream" + query;
}

std::vector<std::string> memberHeaders(std::optional<std::string> lastEventId = std::nullopt) {
  std::vector<std::string> headers{"Authorization: Bearer " + s().tokenMember,
                                   "X-Workspace-Id: " + s().workspace};
  if (lastEventId) headers.push_back("Last-Event-ID: " + *lastEventId);
  return headers;
}

// A parsed job.changed event.
struct Change {
  int64_t position = 0;
  std::string event;
  int64_t seq = 0;
  std::string jobId;
  std::string type;
  std::string status;
};

Change parseChange(const SseEvent& event) {
  rapidjson::Document data;
  EXPECT_FALSE(parseJson(data, event.data)) << event.data;
  Change change;
  change.position = std::stoll(event.id.value_or("0"));
  change.event = data["event"].GetString();
  change.seq = data["seq"].GetInt64();
  change.jobId = data["job"]["id"].GetString();
  change.type = data["job"]["type"].GetString();
  change.status = data["job"]["status"].GetString();
  return change;
}

std::vector<Change> changesIn(const SseSession& session) {
  std::vector<Change> changes;
  for (const auto& event : session.events) {
    if (event.type == "job.changed") changes.push_back(parseChange(event));
  }
  return changes;
}

bool refusedAsBusy(const SseSession& session) {
  return session.raw.find("Too many open streams") != std::string::npos;
}

// readSse, again while the answer is "too many open streams": the stack caps a user at 3 open
// streams per process, and a stream its client left holds its slot until the next keep-alive
// (2 s in the stack) shows the hang-up.
SseSession readStream(const std::string& url, const std::vector<std::string>& headers,
                      const SseListener& listener, std::chrono::milliseconds timeout) {
  auto until = Clock::now() + timeout;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now());
    auto session = readSse(url, headers, listener, left);
    if (!refusedAsBusy(session) || Clock::now() + 500ms >= until) return session;
    std::this_thread::sleep_for(500ms);
  }
}

// Reads until the first stream.ready (the replay is over) and returns the session.
SseSession readUntilReady(const std::string& query, std::optional<std::string> lastEventId,
                          const std::string& token = "") {
  auto headers = memberHeaders(lastEventId);
  if (!token.empty()) headers[0] = "Authorization: Bearer " + token;
  return readStream(
      streamUrl(query), headers,
      [](const SseSession& now) {
        return now.events.empty() || now.events.back().type != "stream.ready";
      },
      15s);
}

// The cursor of the present: what a stream without Last-Event-ID starts from.
std::string presentCursor() {
  auto session = readUntilReady("", std::nullopt);
  EXPECT_EQ(session.status, 200) << session.raw;
  EXPECT_FALSE(session.events.empty()) << session.raw;
  return session.events.empty() ? "0" : session.events.back().id.value_or("0");
}

}  // namespace

TEST(WorkspaceStreamGuards, FailuresAreJsonBeforeAnyStreamByte) {
  auto expectJsonError = [](const SseSession& session, long status, const std::string& text = "") {
    EXPECT_EQ(session.status, status) << session.raw;
    EXPECT_EQ(session.headers.at("content-type"), "application/json; charset=utf-8");
    EXPECT_EQ(session.raw.find("retry:"), std::string::npos);
    if (!text.empty()) {
      EXPECT_NE(session.raw.find(text), std::string::npos) << session.raw;
    }
  };
  auto keepReading = [](const SseSession&) { return true; };
  expectJsonError(readSse(streamUrl(), {"X-Workspace-Id: " + s().workspace}, keepReading, 5s), 401);
  expectJsonError(
      readSse(streamUrl(), {"Authorization: Bearer " + s().tokenMember}, keepReading, 5s), 400);
  // A user of another workspace cannot watch this one.
  expectJsonError(readSse(streamUrl("?workspaceId=" + s().workspace),
                          {"Authorization: Bearer " + s().tokenOther}, keepReading, 5s),
                  403);
  expectJsonError(readSse(streamUrl(), memberHeaders("abc"), keepReading, 5s), 400,
                  "INVALID_LAST_EVENT_ID");
  expectJsonError(readSse(streamUrl(), memberHeaders("1' OR '1'='1"), keepReading, 5s), 400);
  expectJsonError(readSse(streamUrl("?lastEventId=-1"), memberHeaders(), keepReading, 5s), 400);
  expectJsonError(readSse(streamUrl("?status=DONE"), memberHeaders(), keepReading, 5s), 400,
                  "status must be one of");
  expectJsonError(
      readSse(streamUrl("?type=a%27%3B%20DROP%20TABLE%20x"), memberHeaders(), keepReading, 5s), 400,
      "type must be");
}

TEST(WorkspaceStream, StartsAtThePresentAndDeliversLiveChanges) {
  std::string type = uniqueName("e2e.ws.live");
  std::string jobId;
  std::thread creator;
  // A GUEST may watch, with the workspace in the query like EventSource sends it.
  auto session = readStream(
      streamUrl("?type=" + type + "&workspaceId=" + s().workspace),
      {"Authorization: Bearer " + s().tokenGuest},
      [&](const SseSession& now) {
        if (!creator.joinable() && now.events.size() == 1 && now.events[0].type == "stream.ready") {
          creator = std::thread([&] { jobId = createJob(type); });
        }
        return changesIn(now).size() < 2;
      },
      15s);
  if (creator.joinable()) creator.join();
  ASSERT_EQ(session.status, 200) << session.raw;
  EXPECT_EQ(session.headers["content-type"].rfind("text/event-stream", 0), 0u);
  EXPECT_EQ(session.raw.rfind("retry: 3000\n\n", 0), 0u) << session.raw;
  ASSERT_GE(session.events.size(), 3u) << session.raw;
  // Without a cursor nothing old is replayed: the first event says where the stream starts.
  EXPECT_EQ(session.events[0].type, "stream.ready");
  ASSERT_TRUE(session.events[0].id.has_value());
  EXPECT_EQ(session.events[0].data, R"({"cursor":)" + *session.events[0].id + "}");
  auto changes = changesIn(session);
  ASSERT_EQ(changes.size(), 2u) << session.raw;
  EXPECT_EQ(changes[0].event, "job.created");
  EXPECT_EQ(changes[1].event, "job.queued");
  EXPECT_EQ(changes[0].jobId, jobId);
  EXPECT_EQ(changes[1].seq, 2);
  EXPECT_EQ(changes[1].status, "QUEUED");
  EXPECT_GT(changes[0].position, std::stoll(*session.events[0].id));
  EXPECT_GT(changes[1].position, changes[0].position);
  // The summary leaves the job's data out.
  EXPECT_EQ(session.raw.find("\"data\""), std::string::npos);
  cancelJob(jobId);
}

TEST(WorkspaceStream, ReplaysAndResumesFromTheCursor) {
  std::string type = uniqueName("e2e.ws.replay");
  std::string cursor = presentCursor();
  std::string first = createJob(type);
  std::string second = createJob(type);
  cancelJob(first);

  auto replay = readUntilReady("?type=" + type, cursor);
  ASSERT_EQ(replay.status, 200) << replay.raw;
  auto changes = changesIn(replay);
  ASSERT_EQ(changes.size(), 5u) << replay.raw;
  std::vector<std::pair<std::string, std::string>> seen;
  for (const auto& change : changes) seen.push_back({change.jobId, change.event});
  EXPECT_EQ(seen, (std::vector<std::pair<std::string, std::string>>{{first, "job.created"},
                                                                    {first, "job.queued"},
                                                                    {second, "job.created"},
                                                                    {second, "job.queued"},
                                                                    {first, "job.cancelled"}}));
  for (size_t i = 1; i < changes.size(); ++i)
    EXPECT_GT(changes[i].position, changes[i - 1].position);
  EXPECT_EQ(changes[4].status, "CANCELLED");
  EXPECT_EQ(changes[4].seq, 3);
  EXPECT_EQ(replay.events.back().type, "stream.ready");
  EXPECT_GE(std::stoll(*replay.events.back().id), changes[4].position);

  // Resuming after the third change sends the last two only, by header or by query.
  std::string third = std::to_string(changes[2].position);
  auto byHeader = changesIn(readUntilReady("?type=" + type, third));
  ASSERT_EQ(byHeader.size(), 2u);
  EXPECT_EQ(byHeader[0].position, changes[3].position);
  EXPECT_EQ(byHeader[1].position, changes[4].position);
  auto byQuery = changesIn(readUntilReady("?type=" + type + "&lastEventId=" + third, std::nullopt));
  EXPECT_EQ(byQuery.size(), 2u);
  // The cursor of the last change: nothing more.
  EXPECT_TRUE(
      changesIn(readUntilReady("?type=" + type, std::to_string(changes[4].position))).empty());
  cancelJob(second);
}

TEST(WorkspaceStream, FiltersByTypeAndStatus) {
  std::string kept = uniqueName("e2e.ws.kept");
  std::string other = uniqueName("e2e.ws.other");
  std::string cursor = presentCursor();
  std::string keptJob = createJob(kept);
  std::string otherJob = createJob(other);
  cancelJob(keptJob);
  cancelJob(otherJob);

  auto cancelled =
      changesIn(readUntilReady("?status=CANCELLED&type=" + kept + "," + other, cursor));
  ASSERT_EQ(cancelled.size(), 2u);
  EXPECT_EQ(cancelled[0].jobId, keptJob);
  EXPECT_EQ(cancelled[1].jobId, otherJob);
  for (const auto& change : cancelled) EXPECT_EQ(change.event, "job.cancelled");

  auto keptOnly = changesIn(readUntilReady("?type=" + kept, cursor));
  ASSERT_EQ(keptOnly.size(), 3u);
  for (const auto& change : keptOnly) EXPECT_EQ(change.jobId, keptJob);

  // Another workspace's stream never carries this workspace's changes.
  auto elsewhere = readStream(
      streamUrl("?type=" + kept + "&lastEventId=" + cursor),
      {"Authorization: Bearer " + s().tokenOther, "X-Workspace-Id: " + s().otherWorkspace},
      [](const SseSession& now) {
        return now.events.empty() || now.events.back().type != "stream.ready";
      },
      15s);
  ASSERT_EQ(elsewhere.status, 200) << elsewhere.raw;
  EXPECT_TRUE(changesIn(elsewhere).empty()) << elsewhere.raw;
}

TEST(WorkspaceStream, NoLossNoDuplicatesWithFourWritersOnFiftyJobsAndFiveReconnects) {
  std::string type = uniqueName("e2e.ws.race");
  constexpr int kJobs = 50;
  constexpr int kWriters = 4;
  constexpr int kProgressPerJob = 5;
  std::string cursor = presentCursor();
  std::vector<std::string> jobs;
  for (int i = 0; i < kJobs; ++i) jobs.push_back(createJob(type));
  // Each job: created, queued, its progress events, cancelled.
  const size_t expected = size_t(kJobs) * (2 + kProgressPerJob + 1);

  std::thread writers([&] {
    std::vector<std::thread> threads;
    for (int writer = 0; writer < kWriters; ++writer) {
      threads.emplace_back([&, writer] {
        DatabaseThread database;
        for (int round = 0; round < kProgressPerJob; ++round) {
          for (int job = writer; job < kJobs; job += kWriters) {
            s().appendEvent(jobs[job], EventType::JobProgress,
                            R"({"percent":)" + std::to_string(round * 10) + "}");
          }
        }
        for (int job = writer; job < kJobs; job += kWriters) cancelJob(jobs[job]);
      });
    }
    for (auto& thread : threads) thread.join();
  });

  // Like EventSource: reconnects with the last id; cuts the connection itself 5 times.
  std::vector<Change> received;
  std::string lastId = cursor;
  int cuts = 5;
  int connections = 0;
  auto until = Clock::now() + 120s;
  while (received.size() < expected && Clock::now() < until) {
    size_t before = received.size();
    bool cutThisTime = cuts > 0;
    auto session = readStream(
        streamUrl("?type=" + type), memberHeaders(lastId),
        [&](const SseSession& now) {
          size_t got = before + changesIn(now).size();
          if (got >= expected) return false;
          return !(cutThisTime && changesIn(now).size() >= 60);
        },
        std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now()));
    ++connections;
    ASSERT_EQ(session.status, 200) << session.raw;
    for (const auto& event : session.events) {
      EXPECT_NE(event.type, "reset") << event.data;
      EXPECT_NE(event.type, "error") << event.data;
      if (event.id) lastId = *event.id;
      if (event.type == "job.changed") received.push_back(parseChange(event));
    }
    if (cutThisTime) --cuts;
  }
  writers.join();
  EXPECT_GE(connections, 6);
  ASSERT_EQ(received.size(), expected);
  // Cursor order across the whole read, and each job's events exactly once, in seq order.
  std::map<std::string, std::vector<int64_t>> seqsByJob;
  for (size_t i = 0; i < received.size(); ++i) {
    if (i > 0) {
      EXPECT_GT(received[i].position, received[i - 1].position) << "at " << i;
    }
    seqsByJob[received[i].jobId].push_back(received[i].seq);
  }
  ASSERT_EQ(seqsByJob.size(), size_t(kJobs));
  std::vector<int64_t> everySeq;
  for (int64_t seq = 1; seq <= 2 + kProgressPerJob + 1; ++seq) everySeq.push_back(seq);
  for (const auto& [jobId, seqs] : seqsByJob) EXPECT_EQ(seqs, everySeq) << jobId;
}

TEST(WorkspaceStream, ACursorOlderThanRetentionGetsReset) {
  std::string type = uniqueName("e2e.ws.reset");
  std::string cursor = presentCursor();
  std::string id = createJob(type);
  cancelJob(id);
  std::string later = createJob(type);
  auto before = changesIn(readUntilReady("?type=" + type, cursor));
  ASSERT_EQ(before.size(), 5u);

  // Everything the log holds up to the cancel is "old"; the job too. Retention deletes both.
  Query(threadConnection(),
        "UPDATE workspace_changes SET created_at = UTC_TIMESTAMP(3) - INTERVAL 2 DAY"
        " WHERE position <= ?")
      .bind(before[2].position)
      .execute();
  Query(threadConnection(),
        "UPDATE runner_jobs SET completed_at = UTC_TIMESTAMP(3) - INTERVAL 2 DAY WHERE id = ?")
      .bind(id)
      .execute();
  std::string report = s().admin("prune --older-than 1d");
  EXPECT_NE(report.find("workspace changes"), std::string::npos) << report;

  // From the old cursor: reset (no id), then stream.ready with the cursor to go on from.
  auto stale = readUntilReady("?type=" + type, cursor);
  ASSERT_EQ(stale.status, 200) << stale.raw;
  ASSERT_EQ(stale.events.size(), 2u) << stale.raw;
  EXPECT_EQ(stale.events[0].type, "reset");
  EXPECT_FALSE(stale.events[0].id.has_value());
  EXPECT_NE(stale.events[0].data.find("reload"), std::string::npos);
  EXPECT_EQ(stale.events[1].type, "stream.ready");
  EXPECT_GE(std::stoll(*stale.events[1].id), before[4].position);

  // From a cursor after what was deleted: the rest, no reset.
  auto fresh = readUntilReady("?type=" + type, std::to_string(before[2].position));
  auto rest = changesIn(fresh);
  ASSERT_EQ(rest.size(), 2u) << fresh.raw;
  EXPECT_EQ(rest[0].jobId, later);
  EXPECT_EQ(fresh.events.front().type, "job.changed");

  // A cursor from the future (a restored database) is as lost as a pruned one.
  auto future = readUntilReady("", "999999999999");
  ASSERT_FALSE(future.events.empty());
  EXPECT_EQ(future.events[0].type, "reset");
  cancelJob(later);
}

}  // namespace rj::test
