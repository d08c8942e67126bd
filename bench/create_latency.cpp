// Create's latency at 8 connections through the web server, and where its slow requests fall:
// 8 threads, each with its own keep-alive HTTP/1.1 connection to lighttpd, create jobs one after
// another for 15 s after a 3 s warm-up (as wrk -c8 does, so the client shares the two cores too).
// Prints req/s, p50/p90/p99/max, and the slowest 1 % of requests (the p99's tail) by the phase
// of the second they finished in: a background task that runs once a second shows as one or two
// crowded tenths. bench/run runs it twice, with the background maintenance on and off
// (RJ_MAINTENANCE=0), each on a fresh stack. The jobs' type has no runner, so they stay queued.
#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "http_connection.h"
#include "stream_client.h"

namespace {

constexpr int kConnections = 8;
constexpr auto kWarmUp = std::chrono::seconds(3);
constexpr auto kMeasured = std::chrono::seconds(15);
// Consecutive failed requests after which a connection gives up (the run then reports them).
constexpr int kMaxConsecutiveFailures = 20;

using rj::bench::Clock;
using rj::bench::HttpConnection;

struct Sample {
  double latencyMs;
  int64_t finishedMs;  // wall clock, for the phase of the second
};

struct ThreadResult {
  std::vector<Sample> samples;
  int failures = 0;
};

int64_t wallClockMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void createUntil(int port, const std::vector<std::string>& headers, Clock::time_point measureFrom,
                 Clock::time_point until, ThreadResult& result) {
  HttpConnection connection(port);
  const std::string body = R"({"type":"bench.create_latency","data":{"seconds":1}})";
  int consecutiveFailures = 0;
  while (Clock::now() < until && consecutiveFailures < kMaxConsecutiveFailures) {
    auto started = Clock::now();
    auto answer = connection.post("/api/runner-jobs", headers, body);
    auto finished = Clock::now();
    if (answer.status != 201) {
      ++result.failures;
      ++consecutiveFailures;
      continue;
    }
    consecutiveFailures = 0;
    if (started < measureFrom) continue;
    double ms = std::chrono::duration<double, std::milli>(finished - started).count();
    result.samples.push_back({ms, wallClockMs()});
  }
}

}  // namespace

// The label names the stack's settings in the output (bench/run passes "maintenance on" / "off").
int main(int argc, char** argv) {
  const char* var = std::getenv("RJ_BENCH_VAR");
  if (!var) {
    std::fprintf(stderr, "bench_create_latency needs the stack of bench/run (RJ_BENCH_VAR)\n");
    return 2;
  }
  std::string label = argc > 1 ? argv[1] : "stack";
  auto env = rj::bench::readEnvFile(std::string(var) + "/dev.env");
  int port = rj::bench::portOf(env["RJ_URL"]);
  const std::vector<std::string> headers = {"Authorization: Bearer " + env["RJ_TOKEN_MEMBER"],
                                            "X-Workspace-Id: " + env["RJ_WORKSPACE"]};

  auto measureFrom = Clock::now() + kWarmUp;
  auto until = measureFrom + kMeasured;
  std::vector<ThreadResult> results(kConnections);
  std::vector<std::thread> threads;
  for (int i = 0; i < kConnections; ++i) {
    threads.emplace_back([&, i] {
      createUntil(port, headers, measureFrom, until, results[static_cast<size_t>(i)]);
    });
  }
  for (auto& thread : threads) thread.join();

  std::vector<double> latencies;
  int failures = 0;
  for (const auto& result : results) {
    failures += result.failures;
    for (const auto& sample : result.samples) latencies.push_back(sample.latencyMs);
  }
  if (latencies.empty()) {
    std::printf("%s: no create answered 201 (%d failures)\n", label.c_str(), failures);
    return 1;
  }
  double p99 = rj::bench::percentile(latencies, 0.99);
  std::array<int, 10> slowByTenth{};
  for (const auto& result : results) {
    for (const auto& sample : result.samples) {
      if (sample.latencyMs >= p99) ++slowByTenth[(sample.finishedMs % 1000) / 100];
    }
  }
  double seconds = std::chrono::duration<double>(kMeasured).count();
  int slow = 0;
  for (int count : slowByTenth) slow += count;
  std::printf(
      "%s: create at %d connections: %.0f req/s, p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max "
      "%.1f ms, %d failed\n",
      label.c_str(), kConnections, latencies.size() / seconds,
      rj::bench::percentile(latencies, 0.5), rj::bench::percentile(latencies, 0.9), p99,
      *std::max_element(latencies.begin(), latencies.end()), failures);
  std::printf("%s: the %d requests at or past p99, by tenth of the second they ended in:",
              label.c_str(), slow);
  int crowdedTenths = 0;
  for (int count : slowByTenth) {
    std::printf(" %d", count);
    if (count > slow / 5) ++crowdedTenths;
  }
  std::printf("\n");
  std::printf("%s: tenths holding more than a fifth of them: %d\n", label.c_str(), crowdedTenths);
  return failures ? 1 : 0;
}
