// Retention under load: loads RJ_BENCH_PRUNE_JOBS (100,000) terminal jobs through the jobs service
// (create, then cancel: three events each), times /api/metrics' queries over them, then prunes
// them with rjadmin's defaults (500 jobs a batch, 20 ms pauses) while 4 threads keep creating and
// claiming jobs, and reports the prune's time and those calls' latency during it.
// Uses the stack of bench/run (RJ_CONFIG, RJ_BENCH_VAR/dev.env).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>
#include <vector>

#include "admin/admin_store.h"
#include "bench_stack.h"
#include "db/config.h"
#include "db/connection.h"
#include "jobs/job_store.h"
#include "operations/retention.h"
#include "operations/workspace_metrics.h"
#include "runners/claim_service.h"
#include "runners/lease_store.h"
#include "util/crypto.h"

namespace {

constexpr int kLoaders = 4;
constexpr int kBusyThreads = 4;

using Clock = std::chrono::steady_clock;

double millisecondsSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

using rj::bench::onThreads;

struct Latencies {
  std::vector<double> milliseconds;
  void print(const char* what) {
    std::sort(milliseconds.begin(), milliseconds.end());
    auto at = [&](double p) {
      return milliseconds.empty()
                 ? 0.0
                 : milliseconds[static_cast<size_t>(p * (milliseconds.size() - 1))];
    };
    std::printf("  %-22s %6zu calls: p50 %.1f ms, p99 %.1f ms, max %.1f ms\n", what,
                milliseconds.size(), at(0.5), at(0.99), milliseconds.empty() ? 0 : at(1.0));
  }
};

}  // namespace

int main() {
  rj::DatabaseThread database;
  std::string workspace = rj::bench::benchWorkspace();
  const char* configured = std::getenv("RJ_BENCH_PRUNE_JOBS");
  int jobs = configured ? std::atoi(configured) : 100000;
  std::string type = "bench.prune." + rj::toHex(rj::randomBytes(4));

  auto loadStart = Clock::now();
  onThreads(kLoaders, [&](int loader) {
    rj::JobStore store;
    for (int i = loader; i < jobs; i += kLoaders) {
      auto created = store.create(workspace, rj::makeNewJob(type, 5, R"({"n":1})"), std::nullopt);
      store.cancel(workspace, created.job.id);
    }
  });
  std::printf("loaded %d cancelled jobs (3 events each) in %.1f s\n", jobs,
              millisecondsSince(loadStart) / 1000);
  rj::Query(rj::threadConnection(),
            "UPDATE runner_jobs SET completed_at = UTC_TIMESTAMP(3) - INTERVAL 2 DAY"
            " WHERE type = ?")
      .bind(type)
      .execute();

  Latencies scrape;
  for (int i = 0; i < 30; ++i) {
    auto start = Clock::now();
    std::string text = rj::prometheusText(rj::MetricsService().collect(workspace));
    scrape.milliseconds.push_back(millisecondsSince(start));
  }
  std::printf("metrics of a workspace with %d jobs (queries and formatting, no HTTP):\n", jobs);
  scrape.print("scrape");

  std::string busyType = "bench.busy." + rj::toHex(rj::randomBytes(4));
  auto issued =
      rj::AdminStore(rj::threadConnection()).createRunner("bench-busy", workspace, {busyType});
  rj::RunnerIdentity runner{issued.id, "bench-busy", workspace, {busyType}};
  std::atomic<bool> pruning{true};
  std::mutex mutex;
  Latencies creates, claims;
  std::thread busy([&] {
    onThreads(kBusyThreads, [&](int) {
      rj::JobStore store;
      rj::ClaimService claimService(3600 * 1000);
      rj::LeaseStore leases(3600 * 1000);
      Latencies myCreates, myClaims;
      while (pruning) {
        auto start = Clock::now();
        store.create(workspace, rj::makeNewJob(busyType, 5, "{}"), std::nullopt);
        myCreates.milliseconds.push_back(millisecondsSince(start));
        start = Clock::now();
        auto job = claimService.claim(runner, {});
        myClaims.milliseconds.push_back(millisecondsSince(start));
        if (job) leases.complete(runner, job->id, std::nullopt);
      }
      std::lock_guard<std::mutex> lock(mutex);
      creates.milliseconds.insert(creates.milliseconds.end(), myCreates.milliseconds.begin(),
                                  myCreates.milliseconds.end());
      claims.milliseconds.insert(claims.milliseconds.end(), myClaims.milliseconds.begin(),
                                 myClaims.milliseconds.end());
    });
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  rj::PruneOptions options;
  options.olderThanSeconds = 86400;
  rj::PruneReport report = rj::pruneTerminalJobs(rj::threadConnection(), options);
  pruning = false;
  busy.join();
  std::printf("prune: deleted %lld jobs and %lld events in %.1f s (%lld batches of <= %lld)\n",
              static_cast<long long>(report.jobs), static_cast<long long>(report.events),
              report.seconds, static_cast<long long>(report.batches),
              static_cast<long long>(options.batchSize));
  std::printf("during the prune, %d threads each creating, claiming and completing:\n",
              kBusyThreads);
  creates.print("create");
  claims.print("claim");
  return report.jobs >= jobs ? 0 : 1;
}
