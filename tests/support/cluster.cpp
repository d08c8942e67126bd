#include "support/cluster.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <iterator>
#include <map>
#include <mutex>
#include <thread>

#include "db/connection.h"

namespace rj::test {

namespace {
using Clock = std::chrono::steady_clock;

std::string nodeCommand(const std::string& call) {
  std::string root = RJ_SOURCE_DIR;
  return "bash -c '. " + root + "/deploy/lib.sh && . " + root + "/deploy/cluster/nodes.sh && " +
         call + "' 2>&1";
}

std::string clusterDir() {
  return stack().var + "/cluster";
}
}  // namespace

void killNode(int node) {
  commandOutput(
      nodeCommand("rj_cluster_node_stop " + clusterDir() + " " + std::to_string(node) + " kill"));
}

void startNode(int node) {
  std::string n = std::to_string(node);
  std::string output = commandOutput(nodeCommand("rj_cluster_node_start " + clusterDir() + " " + n +
                                                 " && rj_cluster_node_wait_synced " + clusterDir() +
                                                 " " + n + " && echo synced"));
  EXPECT_NE(output.find("synced"), std::string::npos) << output;
}

int clusterSize() {
  std::string output = commandOutput(nodeCommand("rj_cluster_cluster_size " + clusterDir() + " 1"));
  try {
    return std::stoi(output);
  } catch (const std::exception&) {
    ADD_FAILURE() << "cluster size: " << output;
    return 0;
  }
}

HttpResponse runnerCall(const std::string& frontEnd, const std::string& token,
                        const std::string& path, const std::string& body) {
  return httpRequest("POST", frontEnd + path, {"Authorization: Bearer " + token}, body);
}

LeaseKeeper::LeaseKeeper(std::string frontEnd, std::string token, std::string jobId)
    : thread_([this, frontEnd, token, jobId] {
        while (!stop_) {
          runnerCall(frontEnd, token, "/api/runner/jobs/" + jobId + "/heartbeat");
          for (int tick = 0; tick < 10 && !stop_; ++tick) {
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
          }
        }
      }) {}

LeaseKeeper::~LeaseKeeper() {
  stop_ = true;
  thread_.join();
}

std::vector<std::string> createJobs(const std::string& type, int count, int threads) {
  std::vector<std::string> ids;
  std::mutex guard;
  std::atomic<int> next{0};
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      for (int n; (n = next++) < count;) {
        // A careful client: an Idempotency-Key, so that a create answered 503 (conflicts past
        // the server's retries) can be sent again without making two jobs.
        const std::string key = "Idempotency-Key: " + uniqueName(type);
        HttpResponse response;
        for (int attempt = 0; attempt < 5; ++attempt) {
          response = stack().call("POST", "/api/runner-jobs", stack().tokenMember,
                                  stack().workspace, R"({"type":")" + type + R"("})", {key});
          if (response.status != 503) break;
          std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        if (response.status != 201) {
          ADD_FAILURE() << "create: " << response.status << " " << response.body;
          continue;
        }
        std::lock_guard<std::mutex> lock(guard);
        ids.push_back(response.json()["id"].GetString());
      }
    });
  }
  for (auto& worker : workers) worker.join();
  return ids;
}

ClaimRace runClaimRace(const std::string& type, int total, int runnersPerFrontEnd,
                       std::chrono::seconds limit, const std::function<void(int)>& onCompleted) {
  ClaimRace race;
  const auto frontEnds = stack().frontEnds();
  const int runners = runnersPerFrontEnd * static_cast<int>(frontEnds.size());
  race.claimedBy.resize(runners);
  std::vector<std::string> tokens;
  for (int r = 0; r < runners; ++r) tokens.push_back(stack().createRunner(type));
  std::atomic<int> completed{0}, leaseLost{0};
  std::atomic<int64_t> longestOutage{0};
  std::atomic<bool> allCompleted{false};
  const auto until = Clock::now() + limit;
  // The database decides when the race is over: a completion lost with a killed node leaves its
  // job RUNNING until its lease expires, and then some runner takes it again.
  std::thread referee([&] {
    DatabaseThread database;
    while (!allCompleted && Clock::now() < until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
      try {
        if (countJobs(type).completed >= total) allCompleted = true;
      } catch (const sql::SQLException&) {
        discardThreadConnection();  // its node went away: the next count reconnects
      }
    }
  });
  std::vector<std::thread> threads;
  for (int r = 0; r < runners; ++r) {
    threads.emplace_back([&, r] {
      const bool onFrontEnd2 = r % static_cast<int>(frontEnds.size()) == 1;
      const std::string& frontEnd = frontEnds[r % frontEnds.size()];
      // A flag beside a plain time point, not an optional: GCC 12 at -O2 takes the optional's
      // value for maybe uninitialized (-Werror=maybe-uninitialized in RelWithDebInfo builds).
      bool failing = false;
      Clock::time_point failingSince{};
      auto answered = [&](long status) {
        bool failed = status == 0 || status >= 500;
        auto now = Clock::now();
        if (failed && !failing) {
          failing = true;
          failingSince = now;
        }
        if (!failed && failing) {
          if (onFrontEnd2) {
            int64_t outage =
                std::chrono::duration_cast<std::chrono::milliseconds>(now - failingSince).count();
            int64_t seen = longestOutage.load();
            while (outage > seen && !longestOutage.compare_exchange_weak(seen, outage)) {
            }
          }
          failing = false;
        }
        return !failed;
      };
      while (!allCompleted && Clock::now() < until) {
        auto claim = runnerCall(frontEnd, tokens[r], "/api/runner/claim", R"({"waitSeconds":1})");
        if (!answered(claim.status)) {
          std::this_thread::sleep_for(std::chrono::milliseconds(100));
          continue;
        }
        if (claim.status == 204) continue;
        ASSERT_EQ(claim.status, 200) << claim.body;
        std::string id = claim.json()["id"].GetString();
        race.claimedBy[r].push_back(id);
        for (;;) {
          auto done = runnerCall(frontEnd, tokens[r], "/api/runner/jobs/" + id + "/complete",
                                 R"({"result":{"ok":true}})");
          if (!answered(done.status)) {
            if (Clock::now() > until) break;
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
            continue;
          }
          // After an answer lost to an error, an earlier send may have completed it.
          bool ended = done.status == 200 ||
                       (done.status == 409 && done.body.find("JOB_TERMINAL") != std::string::npos);
          if (done.status == 409 && done.body.find("LEASE_LOST") != std::string::npos) {
            ++leaseLost;  // the runner no longer holds the job: it stops, as runners must
            break;
          }
          EXPECT_TRUE(ended) << done.status << " " << done.body;
          int count = ++completed;
          if (onCompleted) onCompleted(count);
          break;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  referee.join();
  race.completed = completed.load();
  race.leaseLost = leaseLost.load();
  race.longestOutageOnFrontEnd2 = std::chrono::milliseconds(longestOutage.load());
  return race;
}

void runEventRace(EventRace& race, int perWriter, std::chrono::milliseconds pause,
                  int hangUpAfter) {
  race.perWriter = perWriter;
  const auto frontEnds = stack().frontEnds();
  ASSERT_EQ(frontEnds.size(), 2u);
  const std::string type = uniqueName("cluster.events");
  std::string runner = stack().createRunner(type);
  std::string id = createJobs(type, 1, 1).at(0);
  race.jobId = id;
  auto claim = runnerCall(frontEnds[0], runner, "/api/runner/claim", R"({"waitSeconds":2})");
  ASSERT_EQ(claim.status, 200) << claim.body;
  ASSERT_EQ(std::string(claim.json()["id"].GetString()), id);
  std::mutex acknowledgedGuard;
  std::thread writers([&] {
    LeaseKeeper lease(frontEnds[0], runner, id);
    std::vector<std::thread> threads;
    for (int writer = 0; writer < EventRace::kWriters; ++writer) {
      threads.emplace_back([&, writer] {
        for (int n = 0; n < perWriter;) {
          const std::string payload =
              R"({"writer":)" + std::to_string(writer) + R"(,"n":)" + std::to_string(n) + "}";
          auto appended =
              runnerCall(frontEnds[writer % 2], runner, "/api/runner/jobs/" + id + "/events",
                         R"({"type":"step.output","payload":)" + payload + "}");
          if (appended.status >= 500 || appended.status == 0) {
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
            continue;
          }
          ASSERT_EQ(appended.status, 201) << appended.body;
          {
            std::lock_guard<std::mutex> lock(acknowledgedGuard);
            race.acknowledged.emplace_back(payload, appended.json()["seq"].GetInt64());
          }
          ++n;
          std::this_thread::sleep_for(pause);
        }
      });
    }
    for (auto& thread : threads) thread.join();
    for (;;) {
      auto done = runnerCall(frontEnds[1], runner, "/api/runner/jobs/" + id + "/complete");
      if (done.status >= 500 || done.status == 0) continue;
      EXPECT_EQ(done.status, 200) << done.body;
      break;
    }
  });
  int connection = 0;
  race.reader.run(
      [&] { return frontEnds[connection++ % 2] + "/api/runner-jobs/" + id + "/events/stream"; },
      {"Authorization: Bearer " + stack().tokenMember, "X-Workspace-Id: " + stack().workspace},
      hangUpAfter, 5, std::chrono::seconds(240));
  writers.join();
}

std::vector<StoredEvent> storedEvents(const std::string& jobId) {
  Connection& connection = threadConnection();
  auto rows = Query(connection, causalRead(connection,
                                           "SELECT seq, type, payload FROM job_events"
                                           " WHERE job_id = ? ORDER BY seq"))
                  .bind(jobId)
                  .rows();
  std::vector<StoredEvent> events;
  while (rows->next()) {
    events.push_back({rows->getInt64("seq"), rows->getString("type"), rows->getString("payload")});
  }
  return events;
}

std::vector<int64_t> storedEventSeqs(const std::string& jobId) {
  std::vector<int64_t> seqs;
  for (const auto& event : storedEvents(jobId)) seqs.push_back(event.seq);
  return seqs;
}

std::string misplacedAppends(const EventRace& race, const std::vector<StoredEvent>& stored) {
  std::map<int64_t, std::string> payloadAt;
  for (const auto& event : stored) payloadAt[event.seq] = event.payload;
  std::string text;
  for (const auto& [payload, seq] : race.acknowledged) {
    auto found = payloadAt.find(seq);
    if (found != payloadAt.end() && found->second == payload) continue;
    text += payload + " @ " + std::to_string(seq) + ": " +
            (found == payloadAt.end() ? "nothing" : found->second) + "; ";
  }
  return text;
}

std::string describeSeqDifference(const std::vector<int64_t>& expected,
                                  const std::vector<int64_t>& actual) {
  std::vector<int64_t> missing, extra;
  std::set_difference(expected.begin(), expected.end(), actual.begin(), actual.end(),
                      std::back_inserter(missing));
  std::set_difference(actual.begin(), actual.end(), expected.begin(), expected.end(),
                      std::back_inserter(extra));
  return "missing " + ::testing::PrintToString(missing) + ", unexpected " +
         ::testing::PrintToString(extra);
}

JobCounts countJobs(const std::string& type) {
  JobCounts counts;
  Connection& connection = threadConnection();
  auto rows =
      Query(
          connection,
          causalRead(connection,
                     "SELECT COUNT(*) AS jobs, COALESCE(SUM(status = 'COMPLETED'), 0) AS completed,"
                     " COALESCE(SUM((SELECT COUNT(*) FROM job_events e WHERE e.job_id = j.id"
                     " AND e.type = 'job.started') > 1), 0) AS started_twice,"
                     " COALESCE(SUM((SELECT COUNT(*) FROM job_events e WHERE e.job_id = j.id"
                     " AND e.type = 'job.queued' AND e.payload LIKE '%lease expired%')), 0)"
                     " AS lease_expiries"
                     " FROM runner_jobs j WHERE workspace_id = ? AND type = ?"))
          .bind(stack().workspace)
          .bind(type)
          .rows();
  rows->next();
  counts.jobs = rows->getInt64("jobs");
  counts.completed = rows->getInt64("completed");
  counts.startedTwice = rows->getInt64("started_twice");
  counts.leaseExpiries = rows->getInt64("lease_expiries");
  rows.reset();
  auto open = Query(connection, causalRead(connection,
                                           "SELECT id, status, COALESCE(runner_id, '-') AS runner,"
                                           " last_event_seq FROM runner_jobs WHERE workspace_id = ?"
                                           " AND type = ? AND status <> 'COMPLETED' LIMIT 20"))
                  .bind(stack().workspace)
                  .bind(type)
                  .rows();
  while (open->next()) {
    counts.unfinished.push_back(open->getString("id") + " " + open->getString("status") + " " +
                                open->getString("runner") + " seq " +
                                std::to_string(open->getInt64("last_event_seq")));
  }
  return counts;
}

}  // namespace rj::test
