// Claims per second: 8 runners (threads, each with its own database connection) calling the claim
// service directly — the same code the runner_claim handler runs, without HTTP — over 10,000
// queued jobs, plain and with the scheduling mix (see main). Uses the stack of bench/run
// (RJ_CONFIG, RJ_BENCH_VAR/dev.env).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>
#include <vector>

#include "admin/admin_store.h"
#include "bench_stack.h"
#include "db/config.h"
#include "db/connection.h"
#include "jobs/job_store.h"
#include "runners/claim_service.h"
#include "runners/lease_store.h"
#include "util/crypto.h"

namespace {

constexpr int kRunners = 8;
constexpr int kJobs = 10000;
constexpr int kLoaders = 4;

using rj::bench::onThreads;

// What the queue holds and what a runner does with a job it claimed.
struct Mix {
  const char* name;
  bool scheduling = false;  // half scheduled an hour ahead, a quarter under 10 concurrency keys
  bool complete = false;    // each claimed job is completed at once (frees its concurrency slot)
};

struct Result {
  size_t claimed = 0;
  int duplicates = 0;
  double seconds = 0;
  double p50 = 0, p99 = 0;
};

Result run(const std::string& workspace, const Mix& mix) {
  // A type of its own: the dev runner (demo.count) and other benchmarks leave these alone.
  std::string type = "bench.claims." + rj::toHex(rj::randomBytes(4));
  // Named after its type: the names of live runners must differ.
  auto issued = rj::AdminStore(rj::threadConnection()).createRunner(type, workspace, {type});
  rj::RunnerIdentity runner{issued.id, type, workspace, {type}};
  size_t due = 0;
  for (int i = 0; i < kJobs; ++i) due += !mix.scheduling || i % 2 == 0;

  auto loadStart = std::chrono::steady_clock::now();
  onThreads(kLoaders, [&](int loader) {
    rj::JobStore jobs;
    for (int i = loader; i < kJobs; i += kLoaders) {
      rj::NewJob job = rj::makeNewJob(type, i % 10, R"({"n":)" + std::to_string(i) + "}");
      if (mix.scheduling && i % 2 == 1) job.delaySeconds = 3600;
      if (mix.scheduling && i % 4 == 0) {
        job.concurrencyKey = "key-" + std::to_string(i / 4 % 10);
        job.concurrencyLimit = 2;
      }
      jobs.create(workspace, job, std::nullopt);
    }
  });
  double loadSeconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - loadStart).count();
  std::printf("[%s] queued %d jobs in %.1f s (%.0f creates/s, 4 threads)\n", mix.name, kJobs,
              loadSeconds, kJobs / loadSeconds);

  std::mutex mutex;
  std::set<std::string> claimed;
  std::atomic<int> duplicates{0};
  std::atomic<size_t> taken{0};
  std::vector<double> latenciesMs;
  auto start = std::chrono::steady_clock::now();
  onThreads(kRunners, [&](int) {
    // An hour's lease: on a loaded machine the run may outlast the default 60 s, and a rescued
    // lease would count a job twice.
    rj::ClaimService claims(3600 * 1000);
    rj::LeaseStore leases(3600 * 1000);
    std::vector<double> mine;
    int idle = 0;
    while (taken < due) {
      auto before = std::chrono::steady_clock::now();
      auto job = claims.claim(runner, {});
      if (!job) {
        // Only jobs under full keys left for now: other runners hold their slots. Without
        // completions nothing frees them, so the run ends.
        if (!mix.complete || ++idle > 2000) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
        continue;
      }
      idle = 0;
      mine.push_back(
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - before)
              .count());
      ++taken;
      if (mix.complete) leases.complete(runner, job->id, std::nullopt);
      std::lock_guard<std::mutex> lock(mutex);
      if (!claimed.insert(job->id).second) ++duplicates;
    }
    std::lock_guard<std::mutex> lock(mutex);
    latenciesMs.insert(latenciesMs.end(), mine.begin(), mine.end());
  });
  Result result;
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::sort(latenciesMs.begin(), latenciesMs.end());
  auto percentile = [&](double p) {
    return latenciesMs.empty() ? 0.0
                               : latenciesMs[static_cast<size_t>(p * (latenciesMs.size() - 1))];
  };
  result.claimed = claimed.size();
  result.duplicates = duplicates.load();
  result.p50 = percentile(0.5);
  result.p99 = percentile(0.99);
  std::printf(
      "[%s] claims: %zu distinct jobs (of %zu due) by %d runners in %.2f s = %.0f claims/s"
      " (latency p50 %.1f ms, p99 %.1f ms); duplicates: %d\n",
      mix.name, result.claimed, due, kRunners, result.seconds, result.claimed / result.seconds,
      result.p50, result.p99, result.duplicates);
  bool ok = result.claimed == due && result.duplicates == 0;
  if (!ok) std::printf("[%s] FAILED: not every due job was claimed exactly once\n", mix.name);
  result.claimed = ok ? result.claimed : 0;
  return result;
}

}  // namespace

// The plain figure (claims only, every job due), then claim-and-complete over the plain queue and
// over the scheduling mix (half scheduled an hour ahead, a quarter under 10 concurrency keys of
// limit 2): completions are what free concurrency slots, so the mix is compared with the same
// runner loop over the plain queue, and with the plain claims-only figure.
int main() {
  rj::DatabaseThread database;
  std::string workspace = rj::bench::benchWorkspace();
  Result plain = run(workspace, Mix{"plain", false, false});
  Result plainComplete = run(workspace, Mix{"plain, claim+complete", false, true});
  Result mixed = run(workspace, Mix{"scheduling mix, claim+complete", true, true});
  auto rate = [](const Result& result) { return result.claimed / result.seconds; };
  std::printf("scheduling mix vs plain claim+complete: %.2fx; vs plain claims only: %.2fx\n",
              rate(mixed) / rate(plainComplete), rate(mixed) / rate(plain));
  return plain.claimed && plainComplete.claimed && mixed.claimed ? 0 : 1;
}
