// The live stream under load: event delivery latency (append to client, p50/p99) at 1, 100,
// 1,000 and 10,000 concurrent streams, whether every stream got its events in order with no gap,
// database queries per second while the streams are idle, GET by id beside the 10,000 open
// streams, and resident memory of the stream handler process and of lighttpd. Run by bench/run
// against a private stack.
#include <sys/resource.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "db/transaction.h"
#include "events/event_store.h"
#include "http_connection.h"
#include "jobs/job_store.h"
#include "stream_client.h"

int main() {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // figures as they come, also into a log file
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

  constexpr int kMaxStreams = 10000;
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
    double cpuBefore = rj::bench::databaseCpuSeconds();
    client.pump(std::chrono::seconds(5));
    double cpuAfter = rj::bench::databaseCpuSeconds();
    int64_t after = rj::bench::questions(connection);
    // The two SHOW STATUS statements are this program's own.
    double perSecond = static_cast<double>(after - before - 1) / 5.0;
    std::printf(
        "%-28s %8.1f queries/s, MariaDB %4.1f %% of a core (whole server: stream poller, dev "
        "runner's claim polls)\n",
        label, perSecond, (cpuAfter - cpuBefore) / 5.0 * 100.0);
    return perSecond;
  };
  long residentWithout = rj::bench::handlerResidentKiB("events_stream");
  long webServerWithout = rj::bench::webServerResidentKiB();
  idleSample("idle, 0 streams:");

  for (int target : {1, 100, 1000, kMaxStreams}) {
    // Opened in waves of 500, as a crowd of browsers arrives: each wave's replays done before
    // the next (every stream's job.created and job.queued).
    auto openingStarted = rj::bench::Clock::now();
    while (static_cast<int>(client.size()) < target) {
      int wave = std::min(target, static_cast<int>(client.size()) + 500);
      while (static_cast<int>(client.size()) < wave)
        client.open("/api/runner-jobs/" + jobs[client.size()] + "/events/stream");
      auto until = rj::bench::Clock::now() + std::chrono::seconds(60);
      while (!client.allHave(2) && rj::bench::Clock::now() < until)
        client.pump(std::chrono::milliseconds(50));
      if (!client.allHave(2)) {
        std::fprintf(stderr, "not every stream of %d got its replay (%zu closed by the server)\n",
                     wave, client.closed());
        return 1;
      }
    }
    std::printf("%5d streams open and replayed in %.1f s\n", target,
                std::chrono::duration<double>(rj::bench::Clock::now() - openingStarted).count());
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

  // Ordinary requests beside the open streams: GET by id on 4 keep-alive connections for 10 s,
  // while this thread keeps reading the streams.
  std::mutex latencyMutex;
  std::vector<double> getLatencies;
  std::atomic<int> failedGets{0};
  std::atomic<bool> getting{true};
  std::vector<std::thread> getters;
  for (int n = 0; n < 4; ++n) {
    getters.emplace_back([&, n] {
      rj::bench::HttpConnection http(port);
      std::vector<double> mine;
      std::string path = "/api/runner-jobs/" + jobs[static_cast<size_t>(n)];
      while (getting) {
        auto started = rj::bench::Clock::now();
        auto answer = http.get(path, {"Authorization: Bearer " + env["RJ_TOKEN_MEMBER"],
                                      "X-Workspace-Id: " + env["RJ_WORKSPACE"]});
        if (answer.status != 200) ++failedGets;
        mine.push_back(
            std::chrono::duration<double, std::milli>(rj::bench::Clock::now() - started).count());
      }
      std::lock_guard<std::mutex> lock(latencyMutex);
      getLatencies.insert(getLatencies.end(), mine.begin(), mine.end());
    });
  }
  client.pump(std::chrono::seconds(10));
  getting = false;
  for (auto& getter : getters) getter.join();
  std::printf(
      "GET by id beside %d open streams: %.0f req/s, p50 %.1f ms, p99 %.1f ms, %d not 200\n",
      kMaxStreams, static_cast<double>(getLatencies.size()) / 10.0,
      rj::bench::percentile(getLatencies, 0.5), rj::bench::percentile(getLatencies, 0.99),
      failedGets.load());

  long residentWith = rj::bench::handlerResidentKiB("events_stream");
  long webServerWith = rj::bench::webServerResidentKiB();
  std::printf(
      "stream handler resident memory: %ld KiB with no stream, %ld KiB with %d idle "
      "streams: %.1f KiB per idle stream\n",
      residentWithout, residentWith, kMaxStreams,
      static_cast<double>(residentWith - residentWithout) / kMaxStreams);
  std::printf("lighttpd resident memory: %ld KiB with no stream, %ld KiB with %d idle streams\n",
              webServerWithout, webServerWith, kMaxStreams);
  std::printf("together with %d idle streams: %.0f MiB\n", kMaxStreams,
              static_cast<double>(residentWith + webServerWith) / 1024.0);
  std::printf(
      "events out of order (a gap or a repeat) over all streams: %lld; streams closed: %zu\n",
      static_cast<long long>(client.outOfOrder()), client.closed());
  return client.outOfOrder() == 0 && client.closed() == 0 ? 0 : 1;
}
