// The list in a large workspace through the web server: the stack's workspace is filled with
// 200,000 finished jobs and one more of a type of its own (by SQL), then N keep-alive
// connections (threads) ask for its first page of 10 jobs for 10 s, at 8 and at 64 connections. The
// same page with a filter that matches one job (a total the page tells itself, no count) runs
// beside it as the shape without a count. Prints req/s and the latency percentiles of each, and
// checks every answer was 200 with the expected total. Uses the stack of bench/run.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "bench_stack.h"
#include "db/connection.h"
#include "http_connection.h"
#include "stream_client.h"

namespace {

constexpr int kJobs = 200000;
constexpr int kBatch = 50000;
constexpr std::chrono::seconds kDuration{10};

using rj::bench::Clock;
using rj::bench::HttpConnection;

struct Load {
  size_t answered = 0;
  size_t wrong = 0;  // not 200, or another total
  double seconds = 0;
  std::vector<double> latenciesMs;
};

Load run(int port, const std::vector<std::string>& headers, const std::string& path,
         const std::string& expectedTotal, int connections) {
  Load load;
  std::mutex mutex;
  const auto start = Clock::now();
  const auto end = start + kDuration;
  std::vector<std::thread> clients;
  for (int i = 0; i < connections; ++i) {
    clients.emplace_back([&] {
      HttpConnection connection(port);
      std::vector<double> latencies;
      size_t wrong = 0;
      while (Clock::now() < end) {
        auto before = Clock::now();
        rj::bench::HttpAnswer answer = connection.get(path, headers);
        latencies.push_back(
            std::chrono::duration<double, std::milli>(Clock::now() - before).count());
        if (answer.status != 200 || answer.body.find(expectedTotal) == std::string::npos) ++wrong;
      }
      std::lock_guard<std::mutex> lock(mutex);
      load.latenciesMs.insert(load.latenciesMs.end(), latencies.begin(), latencies.end());
      load.wrong += wrong;
    });
  }
  for (auto& client : clients) client.join();
  load.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  load.answered = load.latenciesMs.size();
  return load;
}

void report(const char* label, int connections, const Load& load) {
  using rj::bench::percentile;
  const double p50 = percentile(load.latenciesMs, 0.5), p99 = percentile(load.latenciesMs, 0.99);
  std::printf(
      "%-34s c%-3d %7.0f req/s  p50 %6.2f ms  p90 %6.2f  p99 %6.2f  p99.9 %6.2f  p99/p50 %.2fx"
      "%s\n",
      label, connections, load.answered / load.seconds, p50, percentile(load.latenciesMs, 0.9), p99,
      percentile(load.latenciesMs, 0.999), p50 > 0 ? p99 / p50 : 0.0,
      load.wrong ? "  FAILED: answers not 200 or with another total" : "");
}

}  // namespace

int main() {
  rj::DatabaseThread database;
  const char* var = std::getenv("RJ_BENCH_VAR");
  if (!var) {
    std::fprintf(stderr, "bench_list_scale needs the stack of bench/run (RJ_BENCH_VAR)\n");
    return 2;
  }
  auto env = rj::bench::readEnvFile(std::string(var) + "/dev.env");
  const int port = rj::bench::portOf(env["RJ_URL"]);
  const std::string workspace = rj::bench::stackWorkspace();
  const std::vector<std::string> headers = {"Authorization: Bearer " + env["RJ_TOKEN_MEMBER"],
                                            "X-Workspace-Id: " + workspace};

  // Finished jobs an hour old, so that the stack's own (the demo job) is the newest.
  const auto fillStart = Clock::now();
  for (int done = 0; done < kJobs; done += kBatch) {
    rj::Query(rj::threadConnection(),
              "INSERT INTO runner_jobs (id, workspace_id, type, status, created_at, updated_at,"
              " completed_at) SELECT UUID(), ?, 'bench.scale', 'COMPLETED',"
              " UTC_TIMESTAMP(3) - INTERVAL 1 HOUR, UTC_TIMESTAMP(3) - INTERVAL 1 HOUR,"
              " UTC_TIMESTAMP(3) - INTERVAL 1 HOUR FROM seq_1_to_" +
                  std::to_string(kBatch))
        .bind(workspace)
        .execute();
  }
  // The one job of its type: the filter whose page tells its total itself.
  rj::Query(rj::threadConnection(),
            "INSERT INTO runner_jobs (id, workspace_id, type, status) VALUES (UUID(), ?,"
            " 'bench.scale.one', 'COMPLETED')")
      .bind(workspace)
      .execute();
  auto counted =
      rj::Query(rj::threadConnection(), "SELECT COUNT(*) FROM runner_jobs WHERE workspace_id = ?")
          .bind(workspace)
          .rows();
  counted->next();
  const int64_t total = counted->getInt64(1);
  std::printf("filled the workspace with %d jobs and one more in %.1f s: %lld in all\n", kJobs,
              std::chrono::duration<double>(Clock::now() - fillStart).count(),
              static_cast<long long>(total));

  bool ok = true;
  for (int connections : {8, 64}) {
    Load large = run(port, headers, "/api/runner-jobs?limit=10",
                     "\"total\":" + std::to_string(total), connections);
    report("list, limit 10 (a count of all)", connections, large);
    Load small = run(port, headers, "/api/runner-jobs?limit=10&type=bench.scale.one", "\"total\":1",
                     connections);
    report("list, limit 10, a one-job filter", connections, small);
    ok = ok && large.wrong == 0 && small.wrong == 0 && large.answered > 0 && small.answered > 0;
  }
  return ok ? 0 : 1;
}
