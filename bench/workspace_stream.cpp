// The workspace stream under load: delivery latency of job changes (commit to client, p50/p99)
// with 100 and 1,000 open workspace streams while 4 writers change jobs, database queries per
// second while those streams are idle, and resident memory of the workspace stream process. Run
// by bench/run against a private stack (bench/run workspace_stream).
#include <sys/resource.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "db/transaction.h"
#include "events/event_store.h"
#include "jobs/job_store.h"
#include "stream_client.h"

namespace {

using rj::bench::Clock;

// When each change was committed, by "jobId:seq".
class SentTimes {
 public:
  void record(const std::string& key, int64_t at) {
    std::lock_guard<std::mutex> lock(mutex_);
    times_[key] = at;
  }
  std::optional<int64_t> find(const std::string& key) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto found = times_.find(key);
    if (found == times_.end()) return std::nullopt;
    return found->second;
  }

 private:
  std::mutex mutex_;
  std::unordered_map<std::string, int64_t> times_;
};

// "jobId:seq" of a job.changed event's text, or "" for other events.
std::string changeKey(const std::string& block) {
  if (block.find("event: job.changed") == std::string::npos) return "";
  size_t seq = block.find("\"seq\":");
  size_t id = block.find("\"job\":{\"id\":\"");
  if (seq == std::string::npos || id == std::string::npos) return "";
  return block.substr(id + 13, 36) + ":" + std::to_string(std::stoll(block.substr(seq + 6)));
}

}  // namespace

int main() {
  rlimit files{65536, 65536};
  setrlimit(RLIMIT_NOFILE, &files);
  const char* var = std::getenv("RJ_BENCH_VAR");
  if (!var) {
    std::fprintf(stderr, "run me with bench/run workspace_stream\n");
    return 2;
  }
  auto env = rj::bench::readEnvFile(std::string(var) + "/dev.env");
  std::string url = env["RJ_URL"];  // http://127.0.0.1:PORT
  int port = std::stoi(url.substr(url.rfind(':') + 1));
  std::string workspace = env["RJ_WORKSPACE"];
  rj::DatabaseThread database;
  rj::Connection& connection = rj::threadConnection();

  constexpr int kWriters = 4;
  constexpr int kJobsPerWriter = 8;
  std::vector<std::string> jobs;
  for (int i = 0; i < kWriters * kJobsPerWriter; ++i) {
    jobs.push_back(rj::JobStore()
                       .create(workspace, rj::makeNewJob("bench.workspace", 5, "{}"), std::nullopt)
                       .job.id);
  }
  rj::bench::StreamClient client("127.0.0.1", port, env["RJ_TOKEN_MEMBER"], workspace);
  const std::string path = "/api/runner-jobs/events/stream";

  auto idleSample = [&](const std::string& label) {
    int64_t before = rj::bench::questions(connection);
    client.pump(std::chrono::seconds(5));
    int64_t after = rj::bench::questions(connection);
    // The two SHOW STATUS statements are this program's own.
    double perSecond = static_cast<double>(after - before - 1) / 5.0;
    std::printf("%-30s %8.1f queries/s (whole server: pollers, maintenance, the dev runner)\n",
                label.c_str(), perSecond);
  };
  long residentWithout = rj::bench::handlerResidentKiB("workspace_events_stream");
  idleSample("idle, 0 workspace streams:");

  for (int target : {100, 1000}) {
    while (static_cast<int>(client.size()) < target) client.open(path);
    // Each stream starts with stream.ready.
    auto until = Clock::now() + std::chrono::seconds(60);
    while (!client.allHave(1) && Clock::now() < until) client.pump(std::chrono::milliseconds(50));
    if (!client.allHave(1)) {
      std::fprintf(stderr, "not every workspace stream became ready\n");
      return 1;
    }
    client.pump(std::chrono::seconds(1));

    // 4 writers, each changing its own jobs at random moments 200..800 ms apart (about 8 changes
    // a second in all, each delivered to every open stream), for 15 s.
    SentTimes sent;
    std::atomic<bool> stop{false};
    std::atomic<int> changes{0};
    std::vector<std::thread> writers;
    for (int writer = 0; writer < kWriters; ++writer) {
      writers.emplace_back([&, writer] {
        rj::DatabaseThread writerDatabase;
        rj::Connection& own = rj::threadConnection();
        std::mt19937 random(static_cast<unsigned>(writer) + 7);
        std::uniform_int_distribution<int> gap(200, 800);
        std::uniform_int_distribution<int> pick(0, kJobsPerWriter - 1);
        while (!stop) {
          const std::string& job =
              jobs[static_cast<size_t>(writer * kJobsPerWriter + pick(random))];
          int64_t at = rj::bench::nowNanoseconds();
          rj::Transaction transaction(own);
          int64_t seq = rj::appendEvent(own, job, rj::EventType::JobProgress, "{}");
          transaction.commit();
          sent.record(job + ":" + std::to_string(seq), at);
          ++changes;
          std::this_thread::sleep_for(std::chrono::milliseconds(gap(random)));
        }
      });
    }
    std::vector<double> latencies;
    std::vector<std::string> unmatched;
    auto measure = [&](const std::string& block, int64_t receivedAt) {
      std::string key = changeKey(block);
      if (key.empty()) return;
      if (auto at = sent.find(key)) {
        latencies.push_back(static_cast<double>(receivedAt - *at) / 1e6);
      } else {
        unmatched.push_back(key);  // recorded just after its commit: look again at the end
      }
    };
    client.pump(std::chrono::seconds(15), measure);
    stop = true;
    for (auto& writer : writers) writer.join();
    client.pump(std::chrono::seconds(2), measure);
    // A change can reach a client before its writer recorded the time (just after the commit):
    // those are counted as delivered, without a latency that would be too small.
    size_t delivered = latencies.size() + unmatched.size();
    size_t expected = static_cast<size_t>(changes.load()) * static_cast<size_t>(target);
    std::printf(
        "%5d workspace streams, 4 writers: latency p50 %6.1f ms  p99 %6.1f ms  max %6.1f ms"
        "  (%d changes, %zu of %zu deliveries)\n",
        target, rj::bench::percentile(latencies, 0.5), rj::bench::percentile(latencies, 0.99),
        rj::bench::percentile(latencies, 1.0), changes.load(), delivered, expected);
    idleSample("idle, " + std::to_string(target) + " workspace streams:");
  }
  long residentWith = rj::bench::handlerResidentKiB("workspace_events_stream");
  std::printf(
      "workspace stream process resident memory: %ld KiB with no stream, %ld KiB with %zu idle "
      "streams\n",
      residentWithout, residentWith, client.size());
  return 0;
}
