// Claims per second: 8 runners (threads, each with its own database connection) calling the claim
// service directly — the same code the runner_claim handler runs, without HTTP — over 10,000
// queued jobs. Uses the stack of bench/run (RJ_CONFIG, RJ_BENCH_VAR/dev.env).
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
#include "db/config.h"
#include "db/connection.h"
#include "jobs/job_store.h"
#include "runners/claim_service.h"
#include "util/crypto.h"

namespace {

constexpr int kRunners = 8;
constexpr int kJobs = 10000;
constexpr int kLoaders = 4;

std::string benchWorkspace() {
  const char* var = std::getenv("RJ_BENCH_VAR");
  if (!var) return "";
  std::ifstream file(std::string(var) + "/dev.env");
  std::stringstream text;
  text << file.rdbuf();
  return rj::parseConfigFile(text.str())["RJ_WORKSPACE"];
}

template <typename Work>
void onThreads(int count, Work work) {
  std::vector<std::thread> threads;
  for (int i = 0; i < count; ++i) {
    threads.emplace_back([&, i] {
      rj::DatabaseThread database;
      work(i);
    });
  }
  for (auto& thread : threads) thread.join();
}

}  // namespace

int main() {
  rj::DatabaseThread database;
  std::string workspace = benchWorkspace();
  if (workspace.empty())
    workspace = rj::AdminStore(rj::threadConnection()).createWorkspace("bench");
  // A type of its own: the dev runner (demo.count) and other benchmarks leave these alone.
  std::string type = "bench.claims." + rj::toHex(rj::randomBytes(4));
  auto issued = rj::AdminStore(rj::threadConnection()).createRunner("bench", workspace, {type});
  rj::RunnerIdentity runner{issued.id, "bench", workspace, {type}};

  auto loadStart = std::chrono::steady_clock::now();
  onThreads(kLoaders, [&](int loader) {
    rj::JobStore jobs;
    for (int i = loader; i < kJobs; i += kLoaders) {
      rj::NewJob job;
      job.type = type;
      job.priority = i % 10;
      job.data = R"({"n":)" + std::to_string(i) + "}";
      jobs.create(workspace, job, std::nullopt);
    }
  });
  double loadSeconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - loadStart).count();

  std::mutex mutex;
  std::set<std::string> claimed;
  std::atomic<int> duplicates{0};
  std::vector<double> latenciesMs;
  auto start = std::chrono::steady_clock::now();
  onThreads(kRunners, [&](int) {
    // An hour's lease: on a loaded machine the run may outlast the default 60 s, and a rescued
    // lease would count a job twice.
    rj::ClaimService claims(3600 * 1000);
    std::vector<double> mine;
    for (;;) {
      auto before = std::chrono::steady_clock::now();
      auto job = claims.claim(runner, {});
      if (!job) break;
      mine.push_back(
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - before)
              .count());
      std::lock_guard<std::mutex> lock(mutex);
      if (!claimed.insert(job->id).second) ++duplicates;
    }
    std::lock_guard<std::mutex> lock(mutex);
    latenciesMs.insert(latenciesMs.end(), mine.begin(), mine.end());
  });
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::sort(latenciesMs.begin(), latenciesMs.end());
  auto percentile = [&](double p) {
    return latenciesMs.empty() ? 0.0
                               : latenciesMs[static_cast<size_t>(p * (latenciesMs.size() - 1))];
  };
  std::printf("queued %d jobs in %.1f s (%.0f creates/s, 4 threads)\n", kJobs, loadSeconds,
              kJobs / loadSeconds);
  std::printf(
      "claims: %zu distinct jobs by %d runners in %.2f s = %.0f claims/s"
      " (latency p50 %.1f ms, p99 %.1f ms); duplicates: %d\n",
      claimed.size(), kRunners, seconds, claimed.size() / seconds, percentile(0.5),
      percentile(0.99), duplicates.load());
  return claimed.size() == static_cast<size_t>(kJobs) && duplicates == 0 ? 0 : 1;
}
