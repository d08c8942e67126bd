// The live stream under load: event delivery latency (append to client, p50/p99) at 1, 100 and
// 1,000 concurrent streams, database queries per second while the streams are idle, and resident
// memory per idle stream of the stream handler process. Run by bench/run against a private stack.
#include <sys/resource.h>

#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "db/transaction.h"
#include "events/event_store.h"
#include "jobs/job_store.h"
#include "stream_client.h"

int main() {
  rlimit files{65536, 65536};
  setrlimit(RLIMIT_NOFILE, &files);
  const char* var = std::getenv("RJ_BENCH_VAR");
  if (!var) {
    std::fprintf(stderr, "run me with bench/run stream\n");
    return 2;
  }
  auto env = rj::bench::readEnvFile(std::string(var) + "/dev.env");
  std::string url = env["RJ_URL"];  // http://127.0.0.1:PORT
  int port = std::stoi(url.substr(url.rfind(':') + 1));
  rj::DatabaseThread database;
  rj::Connection& connection = rj::threadConnection();

  constexpr int kMaxStreams = 1000;
  std::vector<std::string> jobs;
  for (int i = 0; i < kMaxStreams; ++i) {
    jobs.push_back(
        rj::JobStore()
            .create(env["RJ_WORKSPACE"], rj::makeNewJob("bench.stream", 5, "{}"), std::nullopt)
            .job.id);
  }
  rj::bench::StreamClient client("127.0.0.1", port, env["RJ_TOKEN_MEMBER"], env["RJ_WORKSPACE"]);
  std::mt19937 random(42);

  client.pump(std::chrono::seconds(1));
  auto idleSample = [&](const char* label) {
    int64_t before = rj::bench::questions(connection);
    client.pump(std::chrono::seconds(5));
    int64_t after = rj::bench::questions(connection);
    // The two SHOW STATUS statements are this program's own.
    double perSecond = static_cast<double>(after - before - 1) / 5.0;
    std::printf("%-28s %8.1f queries/s (whole server: stream poller, dev runner's claim polls)\n",
                label, perSecond);
    return perSecond;
  };
  long residentWithout = rj::bench::handlerResidentKiB("events_stream");
  idleSample("idle, 0 streams:");

  for (int target : {1, 100, kMaxStreams}) {
    while (static_cast<int>(client.size()) < target)
      client.open("/api/runner-jobs/" + jobs[client.size()] + "/events/stream");
    auto until = rj::bench::Clock::now() + std::chrono::seconds(60);
    while (!client.allHave(2) && rj::bench::Clock::now() < until)
      client.pump(std::chrono::milliseconds(50));
    if (!client.allHave(2)) {
      std::fprintf(stderr, "not every stream got its replay\n");
      return 1;
    }
    client.pump(std::chrono::seconds(1));
    // Events at random moments 50..300 ms apart, each to one random watched job, so the poller
    // sees both busy and idle spells.
    std::vector<double> latencies;
    // Events carrying sentAtNs in their payload: delivery latency in ms.
    auto sentAtLatency = [&](const std::string& block, int64_t receivedAt) {
      size_t at = block.find("\"sentAtNs\":");
      if (at == std::string::npos) return;
      int64_t sentAt = std::stoll(block.substr(at + 11));
      latencies.push_back(static_cast<double>(receivedAt - sentAt) / 1e6);
    };
    const int events = 100;
    std::uniform_int_distribution<int> pick(0, target - 1);
    std::uniform_int_distribution<int> gap(50, 300);
    for (int n = 0; n < events; ++n) {
      {
        rj::Transaction transaction(connection);
        rj::appendEvent(connection, jobs[static_cast<size_t>(pick(random))],
                        rj::EventType::StepOutput,
                        "{\"sentAtNs\":" + std::to_string(rj::bench::nowNanoseconds()) + "}");
        transaction.commit();
      }
      client.pump(std::chrono::milliseconds(gap(random)), sentAtLatency);
    }
    client.pump(std::chrono::seconds(2), sentAtLatency);
    std::printf("%5d streams: latency p50 %6.1f ms  p99 %6.1f ms  (%zu of %d events)\n", target,
                rj::bench::percentile(latencies, 0.5), rj::bench::percentile(latencies, 0.99),
                latencies.size(), events);
    std::string label = "idle, " + std::to_string(target) + " streams:";
    idleSample(label.c_str());
  }
  long residentWith = rj::bench::handlerResidentKiB("events_stream");
  std::printf(
      "stream handler resident memory: %ld KiB with no stream, %ld KiB with %d idle "
      "streams: %.1f KiB per idle stream\n",
      residentWithout, residentWith, kMaxStreams,
      static_cast<double>(residentWith - residentWithout) / kMaxStreams);
  return 0;
}
