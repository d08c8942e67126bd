// The cluster against the single node (bench/run cluster runs it on both, in one run): creates/s
// through HTTP (8 clients, alternating front ends), claims/s with 8 runners (4 per front end on
// the cluster) sharing one queue of 10,000 jobs, claiming one job a request and completing each,
// conflicts per 1,000 claims (certification failures and brute-force aborts summed over the
// nodes; InnoDB deadlocks on the single node), duplicates, and stream delivery p50/p99 of events
// written through the first front end to a stream on the last one.
// usage: bench_cluster LABEL RESULTS_FILE  (the stack of RJ_BENCH_VAR; "cluster" compares itself
// with the "single" line an earlier run wrote to RESULTS_FILE)
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "admin/admin_store.h"
#include "bench_stack.h"
#include "db/config.h"
#include "db/connection.h"
#include "http_connection.h"
#include "jobs/job_store.h"
#include "json/json.h"
#include "stream_client.h"
#include "util/crypto.h"

namespace {

constexpr int kRunners = 8;
constexpr int kClaimJobs = 10000;
constexpr int kCreateClients = 8;
constexpr int kCreates = 2000;
constexpr int kStreamEvents = 100;

using rj::bench::Clock;
using rj::bench::HttpAnswer;
using rj::bench::HttpConnection;
using rj::bench::portOf;

// Conflicts so far, summed over every database server of the configuration.
int64_t conflictsSoFar() {
  rj::DbConfig config = rj::loadDbConfig();
  std::vector<rj::DbConfig> servers;
  for (const auto& host : config.hosts) {
    rj::DbConfig one = config;
    one.hosts = {host};
    servers.push_back(one);
  }
  if (servers.empty()) servers.push_back(config);
  int64_t total = 0;
  for (const auto& server : servers) {
    rj::Connection connection(server);
    auto rows = rj::Query(connection,
                          "SELECT COALESCE(SUM(VARIABLE_VALUE), 0) AS conflicts"
                          " FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME IN"
                          " ('WSREP_LOCAL_CERT_FAILURES', 'WSREP_LOCAL_BF_ABORTS',"
                          " 'INNODB_DEADLOCKS')")
                    .rows();
    if (rows->next()) total += rows->getInt64("conflicts");
  }
  return total;
}

double createsPerSecond(const std::vector<std::string>& frontEnds, const std::string& token,
                        const std::string& workspace) {
  std::atomic<int> next{0}, failed{0};
  auto start = Clock::now();
  std::vector<std::thread> clients;
  for (int client = 0; client < kCreateClients; ++client) {
    clients.emplace_back([&, client] {
      HttpConnection connection(portOf(frontEnds[client % frontEnds.size()]));
      const std::vector<std::string> headers = {"Authorization: Bearer " + token,
                                                "X-Workspace-Id: " + workspace};
      while (next++ < kCreates) {
        HttpAnswer created =
            connection.post("/api/runner-jobs", headers, R"({"type":"bench.create"})");
        if (created.status != 201) ++failed;
      }
    });
  }
  for (auto& client : clients) client.join();
  double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (failed) std::printf("  %d creates failed\n", failed.load());
  return (kCreates - failed) / seconds;
}

struct ClaimFigures {
  double perSecond = 0;
  double conflictsPerThousand = 0;
  int duplicates = 0;
  int failedRequests = 0;
  int64_t completed = 0;
};

ClaimFigures claimRace(const std::vector<std::string>& frontEnds, const std::string& workspace) {
  const std::string type = "bench.cluster." + rj::toHex(rj::randomBytes(4));
  std::vector<std::string> tokens;
  for (int r = 0; r < kRunners; ++r) {
    tokens.push_back(rj::AdminStore(rj::threadConnection())
                         .createRunner(type + "." + std::to_string(r), workspace, {type})
                         .token);
  }
  rj::bench::onThreads(4, [&](int loader) {
    rj::JobStore jobs;
    for (int i = loader; i < kClaimJobs; i += 4) {
      jobs.create(workspace, rj::makeNewJob(type, 5, "{}"), std::nullopt);
    }
  });
  std::mutex mutex;
  std::map<std::string, int> handedOut;
  std::atomic<int> claimed{0}, failed{0};
  int64_t conflictsBefore = conflictsSoFar();
  auto start = Clock::now();
  std::vector<std::thread> runners;
  for (int r = 0; r < kRunners; ++r) {
    runners.emplace_back([&, r] {
      HttpConnection connection(portOf(frontEnds[r % frontEnds.size()]));
      const std::vector<std::string> headers = {"Authorization: Bearer " + tokens[r]};
      std::vector<std::string> mine;
      auto idleSince = Clock::now();
      while (claimed.load() < kClaimJobs && Clock::now() - idleSince < std::chrono::seconds(20)) {
        HttpAnswer claim = connection.post("/api/runner/claim", headers, "{}");
        if (claim.status == 204) continue;
        if (claim.status != 200) {
          ++failed;
          continue;
        }
        idleSince = Clock::now();
        rapidjson::Document job;
        if (rj::parseJson(job, claim.body) || !job.HasMember("id")) continue;
        std::string id = job["id"].GetString();
        mine.push_back(id);
        ++claimed;
        for (int attempt = 0; attempt < 20; ++attempt) {
          HttpAnswer done = connection.post("/api/runner/jobs/" + id + "/complete", headers, "");
          if (done.status == 200) break;
          ++failed;
        }
      }
      std::lock_guard<std::mutex> lock(mutex);
      for (const auto& id : mine) ++handedOut[id];
    });
  }
  for (auto& runner : runners) runner.join();
  double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  ClaimFigures figures;
  figures.perSecond = handedOut.size() / seconds;
  figures.conflictsPerThousand =
      1000.0 * static_cast<double>(conflictsSoFar() - conflictsBefore) / kClaimJobs;
  for (const auto& [id, times] : handedOut) figures.duplicates += times > 1;
  figures.failedRequests = failed.load();
  auto rows = rj::Query(rj::threadConnection(),
                        rj::causalRead(rj::threadConnection(),
                                       "SELECT COUNT(*) AS completed FROM runner_jobs"
                                       " WHERE type = ? AND status = 'COMPLETED'"))
                  .bind(type)
                  .rows();
  rows->next();
  figures.completed = rows->getInt64("completed");
  return figures;
}

// Events appended through the first front end, read on a stream of the last one.
std::pair<double, double> streamDelivery(const std::vector<std::string>& frontEnds,
                                         const std::string& token, const std::string& workspace) {
  const std::string type = "bench.cluster-stream." + rj::toHex(rj::randomBytes(4));
  std::string runnerToken =
      rj::AdminStore(rj::threadConnection()).createRunner(type, workspace, {type}).token;
  std::string jobId =
      rj::JobStore().create(workspace, rj::makeNewJob(type, 5, "{}"), std::nullopt).job.id;
  HttpConnection writer(portOf(frontEnds.front()));
  const std::vector<std::string> runnerHeaders = {"Authorization: Bearer " + runnerToken};
  for (int attempt = 0; attempt < 50; ++attempt) {
    if (writer.post("/api/runner/claim", runnerHeaders, "{}").status == 200) break;
  }
  rj::bench::StreamClient streams("127.0.0.1", portOf(frontEnds.back()), token, workspace);
  streams.open("/api/runner-jobs/" + jobId + "/events/stream");
  streams.pump(std::chrono::milliseconds(500));
  std::vector<double> latencies;
  std::thread sender([&] {
    for (int n = 0; n < kStreamEvents; ++n) {
      writer.post("/api/runner/jobs/" + jobId + "/events", runnerHeaders,
                  R"({"type":"step.output","payload":{"sentAt":)" +
                      std::to_string(rj::bench::nowNanoseconds()) + "}}");
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });
  auto until = Clock::now() + std::chrono::seconds(30);
  while (latencies.size() < kStreamEvents && Clock::now() < until) {
    streams.pump(std::chrono::milliseconds(100), [&](const std::string& block, int64_t at) {
      size_t sent = block.find("\"sentAt\":");
      if (sent == std::string::npos) return;
      latencies.push_back((at - std::stoll(block.substr(sent + 9))) / 1e6);
    });
  }
  sender.join();
  writer.post("/api/runner/jobs/" + jobId + "/complete", runnerHeaders, "");
  return {rj::bench::percentile(latencies, 0.5), rj::bench::percentile(latencies, 0.99)};
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3 || !std::getenv("RJ_BENCH_VAR")) {
    std::fprintf(stderr, "usage: bench_cluster LABEL RESULTS_FILE (under bench/run)\n");
    return 2;
  }
  const std::string label = argv[1], resultsPath = argv[2];
  rj::DatabaseThread database;
  auto env = rj::bench::readEnvFile(std::string(std::getenv("RJ_BENCH_VAR")) + "/dev.env");
  std::vector<std::string> frontEnds = {env["RJ_URL"]};
  if (!env["RJ_URL_2"].empty()) frontEnds.push_back(env["RJ_URL_2"]);
  const std::string workspace = env["RJ_WORKSPACE"], token = env["RJ_TOKEN_MEMBER"];

  double creates = createsPerSecond(frontEnds, token, workspace);
  ClaimFigures claims = claimRace(frontEnds, workspace);
  auto [streamP50, streamP99] = streamDelivery(frontEnds, token, workspace);
  std::printf(
      "[%s] %zu front end(s): creates %.0f/s; claims %.0f/s (8 runners, %d jobs, claim +"
      " complete), %.1f conflicts per 1,000 claims, %d duplicates, %lld of %d COMPLETED,"
      " %d failed requests; stream delivery p50 %.1f ms, p99 %.1f ms\n",
      label.c_str(), frontEnds.size(), creates, claims.perSecond, kClaimJobs,
      claims.conflictsPerThousand, claims.duplicates, static_cast<long long>(claims.completed),
      kClaimJobs, claims.failedRequests, streamP50, streamP99);

  std::map<std::string, std::pair<double, double>> saved;  // label -> creates, claims
  {
    std::ifstream in(resultsPath);
    std::string name;
    double savedCreates, savedClaims;
    while (in >> name >> savedCreates >> savedClaims) saved[name] = {savedCreates, savedClaims};
  }
  saved[label] = {creates, claims.perSecond};
  {
    std::ofstream out(resultsPath);
    for (const auto& [name, figures] : saved) {
      out << name << " " << figures.first << " " << figures.second << "\n";
    }
  }
  if (label != "single" && saved.count("single")) {
    std::printf("[%s vs single] creates %.2fx, claims %.2fx (target: claims >= 0.5x)\n",
                label.c_str(), creates / saved["single"].first,
                claims.perSecond / saved["single"].second);
  }
  bool ok = claims.duplicates == 0 && claims.completed == kClaimJobs;
  if (!ok)
    std::printf("[%s] FAILED: not every job was claimed and completed exactly once\n",
                label.c_str());
  return ok ? 0 : 1;
}
