// Claims per second through the web server: 8 runners (threads, each with its own runner token,
// job type and keep-alive HTTP/1.1 connection to lighttpd over loopback) claim and complete
// 10,000 queued jobs, once claiming one job a request (no `max`, as runners did before batch
// claims) and once for each batch size named on the command line (default 10 and 50). Prints
// claims/s, the claim requests' p50/p99 latency, and checks in the database that every job was
// started exactly once (one job.started event) and completed. Uses the stack of bench/run
// (RJ_BENCH_VAR/dev.env, RJ_CONFIG).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "admin/admin_store.h"
#include "bench_stack.h"
#include "db/connection.h"
#include "http_connection.h"
#include "jobs/job_store.h"
#include "json/json.h"
#include "stream_client.h"
#include "util/crypto.h"

namespace {

constexpr int kRunners = 8;
constexpr int kJobs = 10000;
constexpr int kLoaders = 4;
// Consecutive failed requests after which a runner gives up (the run then reports FAILED).
constexpr int kMaxFailures = 20;

using rj::bench::Clock;
using rj::bench::HttpAnswer;
using rj::bench::HttpConnection;

struct Result {
  size_t claimed = 0;        // distinct jobs the runners were handed
  int duplicates = 0;        // jobs handed out more than once (the client's view)
  size_t claimRequests = 0;  // requests that answered 200
  double seconds = 0;
  std::vector<double> claimLatenciesMs;
  int64_t completed = 0;       // the database's view, after the run
  int64_t notStartedOnce = 0;  // jobs whose job.started count is not 1
  int failedRequests = 0;
  std::atomic<int> emptyClaims{0};  // 204s while jobs were left
};

// The ids of the jobs of a claim's answer: one job object, or {"jobs": [...]}.
std::vector<std::string> claimedIds(const std::string& body, bool asList) {
  rapidjson::Document document;
  std::vector<std::string> ids;
  if (rj::parseJson(document, body) || !document.IsObject()) return ids;
  if (!asList) {
    if (document.HasMember("id")) ids.push_back(document["id"].GetString());
    return ids;
  }
  if (!document.HasMember("jobs") || !document["jobs"].IsArray()) return ids;
  for (const auto& job : document["jobs"].GetArray()) ids.push_back(job["id"].GetString());
  return ids;
}

// Each job run exactly once: its job.started count is 1, and it is COMPLETED.
void verifyInDatabase(const std::vector<std::string>& types, Result& result) {
  std::string text =
      "SELECT SUM(j.status = 'COMPLETED') AS completed, SUM((SELECT COUNT(*) FROM job_events e"
      " WHERE e.job_id = j.id AND e.type = 'job.started') <> 1) AS not_started_once"
      " FROM runner_jobs j WHERE j.type IN (?";
  for (size_t i = 1; i < types.size(); ++i) text += ", ?";
  rj::Query query(rj::threadConnection(), text + ")");
  for (const auto& type : types) query.bind(type);
  auto rows = query.rows();
  rows->next();
  result.completed = rows->getInt64("completed");
  result.notStartedOnce = rows->getInt64("not_started_once");
}

// Claims `max` jobs a request (1: without `max`, as runners did before batch claims), completing
// each one at once when `complete` is set.
// Jobs claimed and never completed would come back to later runs' claims as expired leases to
// rescue (every claim rescues up to 50): an hour more keeps them out of the figures.
void holdLeases(const std::vector<std::string>& types) {
  std::string text =
      "UPDATE runner_jobs SET lease_expires_at = lease_expires_at + INTERVAL 1 HOUR"
      " WHERE status = 'RUNNING' AND type IN (?";
  for (size_t i = 1; i < types.size(); ++i) text += ", ?";
  rj::Query query(rj::threadConnection(), text + ")");
  for (const auto& type : types) query.bind(type);
  query.execute();
}

std::unique_ptr<Result> run(const std::string& workspace, int port, int64_t max, bool complete) {
  const bool batch = max > 1;
  const std::string label = (batch ? "max=" + std::to_string(max) : "no max") +
                            (complete ? ", claim+complete" : ", claims only");
  // A runner per type, named after it (live runners' names must differ); jobs of these types
  // are left alone by the dev runner and other benchmarks.
  std::string prefix = "bench.http." + rj::toHex(rj::randomBytes(4)) + ".";
  std::vector<std::string> types, tokens;
  for (int i = 0; i < kRunners; ++i) {
    types.push_back(prefix + std::to_string(i));
    tokens.push_back(rj::AdminStore(rj::threadConnection())
                         .createRunner(types.back(), workspace, {types.back()})
                         .token);
  }

  auto loadStart = Clock::now();
  rj::bench::onThreads(kLoaders, [&](int loader) {
    rj::JobStore jobs;
    for (int i = loader; i < kJobs; i += kLoaders) {
      jobs.create(workspace,
                  rj::makeNewJob(types[i % kRunners], i % 10, R"({"n":)" + std::to_string(i) + "}"),
                  std::nullopt);
    }
  });
  std::printf("[%s] queued %d jobs in %.1f s\n", label.c_str(), kJobs,
              std::chrono::duration<double>(Clock::now() - loadStart).count());

  auto owned = std::make_unique<Result>();
  Result& result = *owned;
  std::mutex mutex;
  std::map<std::string, int> handedOut;
  const std::string claimBody = batch ? R"({"max":)" + std::to_string(max) + "}" : "{}";
  auto start = Clock::now();
  std::vector<std::thread> runners;
  for (int index = 0; index < kRunners; ++index) {
    runners.emplace_back([&, index] {
      HttpConnection connection(port);
      const std::vector<std::string> headers = {"Authorization: Bearer " + tokens[index]};
      std::vector<double> latencies;
      std::vector<std::string> mine;
      size_t requests = 0;
      int failures = 0;
      auto idleSince = Clock::now();
      while (failures < kMaxFailures && static_cast<int>(mine.size()) < kJobs / kRunners) {
        auto before = Clock::now();
        HttpAnswer claim = connection.post("/api/runner/claim", headers, claimBody);
        double ms = std::chrono::duration<double, std::milli>(Clock::now() - before).count();
        if (claim.status == 204) {
          // Jobs of this runner's type are left, but SKIP LOCKED passed over them: other
          // runners' claims scan the workspace's jobs in claim order and lock each row they
          // look at for a moment. A real runner would long-poll; this one asks again.
          if (Clock::now() - idleSince > std::chrono::seconds(10)) break;
          ++result.emptyClaims;
          continue;
        }
        idleSince = Clock::now();
        if (claim.status != 200) {
          ++failures;
          std::fprintf(stderr, "claim: %d %s\n", claim.status, claim.body.c_str());
          continue;
        }
        failures = 0;
        latencies.push_back(ms);
        ++requests;
        for (const auto& id : claimedIds(claim.body, batch)) {
          mine.push_back(id);
          if (!complete) continue;
          HttpAnswer done = connection.post("/api/runner/jobs/" + id + "/complete", headers, "");
          if (done.status != 200) {
            ++failures;
            std::fprintf(stderr, "complete %s: %d %s\n", id.c_str(), done.status,
                         done.body.c_str());
          }
        }
      }
      std::lock_guard<std::mutex> lock(mutex);
      for (const auto& id : mine) ++handedOut[id];
      result.claimLatenciesMs.insert(result.claimLatenciesMs.end(), latencies.begin(),
                                     latencies.end());
      result.claimRequests += requests;
      result.failedRequests += failures;
    });
  }
  for (auto& runner : runners) runner.join();
  result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  result.claimed = handedOut.size();
  for (const auto& [id, times] : handedOut) result.duplicates += times > 1;
  verifyInDatabase(types, result);
  if (!complete) holdLeases(types);
  int64_t expectedCompleted = complete ? kJobs : 0;

  std::printf(
      "[%s] %zu distinct jobs claimed by %d runners through HTTP in %.2f s = %.0f claims/s;"
      " %zu claim requests (%.1f jobs each, and %d empty), latency p50 %.1f ms, p99 %.1f ms\n",
      label.c_str(), result.claimed, kRunners, result.seconds, result.claimed / result.seconds,
      result.claimRequests,
      result.claimRequests ? static_cast<double>(result.claimed) / result.claimRequests : 0.0,
      result.emptyClaims.load(), rj::bench::percentile(result.claimLatenciesMs, 0.5),
      rj::bench::percentile(result.claimLatenciesMs, 0.99));
  std::printf(
      "[%s] duplicates: %d handed out twice; database: %lld of %d COMPLETED, %lld not started"
      " exactly once\n",
      label.c_str(), result.duplicates, static_cast<long long>(result.completed), kJobs,
      static_cast<long long>(result.notStartedOnce));
  bool ok = result.claimed == static_cast<size_t>(kJobs) && result.duplicates == 0 &&
            result.completed == expectedCompleted && result.notStartedOnce == 0 &&
            result.failedRequests == 0;
  if (!ok) {
    std::printf("[%s] FAILED: not every job was claimed (and completed) exactly once\n",
                label.c_str());
    result.claimed = 0;
  }
  return owned;
}

}  // namespace

// Batch sizes to compare with one job a request: the arguments (e.g. `bench_http_claims 5 25`),
// else 10 and 50. Each is run claim+complete (what a runner does); one job a request and the
// largest batch also claims only, the figure the in-process bench/claims.cpp prints as "plain".
int main(int argc, char** argv) {
  rj::DatabaseThread database;
  const char* var = std::getenv("RJ_BENCH_VAR");
  if (!var) {
    std::fprintf(stderr, "bench_http_claims needs the stack of bench/run (RJ_BENCH_VAR)\n");
    return 2;
  }
  int port = rj::bench::portOf(rj::bench::readEnvFile(std::string(var) + "/dev.env")["RJ_URL"]);
  std::string workspace = rj::bench::stackWorkspace();
  std::vector<int64_t> sizes;
  for (int i = 1; i < argc; ++i) sizes.push_back(std::atoll(argv[i]));
  if (sizes.empty()) sizes = {10, 50};

  bool ok = true;
  auto rate = [](const Result& result) { return result.claimed / result.seconds; };
  for (bool complete : {true, false}) {
    auto single = run(workspace, port, 1, complete);
    ok = ok && single->claimed > 0;
    for (size_t i = complete ? 0 : sizes.size() - 1; i < sizes.size(); ++i) {
      auto batched = run(workspace, port, sizes[i], complete);
      ok = ok && batched->claimed > 0;
      if (single->claimed && batched->claimed) {
        std::printf("max=%lld vs one job a request (%s): %.2fx\n", static_cast<long long>(sizes[i]),
                    complete ? "claim+complete" : "claims only", rate(*batched) / rate(*single));
      }
    }
  }
  return ok ? 0 : 1;
}
