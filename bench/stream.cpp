// The live stream under load: event delivery latency (append to client, p50/p99) at 1, 100 and
// 1,000 concurrent streams, database queries per second while the streams are idle, and resident
// memory per idle stream of the stream handler process. Run by bench/run against a private stack.
#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "db/config.h"
#include "db/connection.h"
#include "db/transaction.h"
#include "events/event_store.h"
#include "jobs/job_store.h"

namespace {

using Clock = std::chrono::steady_clock;

int64_t nowNanoseconds() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
      .count();
}

std::map<std::string, std::string> readEnvFile(const std::string& path) {
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  return rj::parseConfigFile(text.str());
}

struct Stream {
  int fd = -1;
  std::string jobId;
  std::string buffer;
  int events = 0;  // events received so far
};

// All streams on one epoll loop in a thread of their own; latencies are collected as they come.
class StreamClient {
 public:
  StreamClient(std::string host, int port, std::string token, std::string workspace)
      : port_(port),
        host_(std::move(host)),
        token_(std::move(token)),
        workspace_(std::move(workspace)),
        epoll_(epoll_create1(0)) {}

  void open(const std::string& jobId) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port_));
    inet_pton(AF_INET, host_.c_str(), &address.sin_addr);
    if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
      std::perror("connect");
      std::exit(1);
    }
    // HTTP/1.0: the body comes unchunked and ends with the connection.
    std::string request =
        "GET /api/runner-jobs/" + jobId + "/events/stream HTTP/1.0\r\nHost: " + host_ +
        "\r\nAuthorization: Bearer " + token_ + "\r\nX-Workspace-Id: " + workspace_ + "\r\n\r\n";
    if (write(fd, request.data(), request.size()) != static_cast<ssize_t>(request.size())) {
      std::perror("write");
      std::exit(1);
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    streams_.push_back(std::make_unique<Stream>());
    Stream* stream = streams_.back().get();
    stream->fd = fd;
    stream->jobId = jobId;
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.ptr = stream;
    epoll_ctl(epoll_, EPOLL_CTL_ADD, fd, &event);
  }

  // Reads for `duration`, parsing events; returns the latencies (ms) of events carrying sentAtNs.
  std::vector<double> pump(Clock::duration duration) {
    std::vector<double> latencies;
    auto until = Clock::now() + duration;
    std::vector<epoll_event> ready(256);
    char chunk[65536];
    while (Clock::now() < until) {
      int count = epoll_wait(epoll_, ready.data(), static_cast<int>(ready.size()), 5);
      for (int i = 0; i < count; ++i) {
        auto* stream = static_cast<Stream*>(ready[i].data.ptr);
        for (;;) {
          ssize_t got = read(stream->fd, chunk, sizeof chunk);
          if (got <= 0) break;
          int64_t receivedAt = nowNanoseconds();
          stream->buffer.append(chunk, static_cast<size_t>(got));
          size_t end;
          while ((end = stream->buffer.find("\n\n")) != std::string::npos) {
            std::string block = stream->buffer.substr(0, end);
            stream->buffer.erase(0, end + 2);
            if (block.find("\nevent: ") == std::string::npos && block.rfind("event: ", 0) != 0) {
              continue;
            }
            ++stream->events;
            size_t at = block.find("\"sentAtNs\":");
            if (at != std::string::npos) {
              int64_t sentAt = std::stoll(block.substr(at + 11));
              latencies.push_back(static_cast<double>(receivedAt - sentAt) / 1e6);
            }
          }
        }
      }
    }
    return latencies;
  }

  // True once every stream has at least `events` events.
  bool allHave(int events) const {
    return std::all_of(streams_.begin(), streams_.end(),
                       [&](const auto& stream) { return stream->events >= events; });
  }
  size_t size() const { return streams_.size(); }

 private:
  int port_;
  std::string host_, token_, workspace_;
  int epoll_;
  std::vector<std::unique_ptr<Stream>> streams_;
};

double percentile(std::vector<double> values, double fraction) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  size_t index = std::min(values.size() - 1, static_cast<size_t>(fraction * values.size()));
  return values[index];
}

int64_t questions(rj::Connection& connection) {
  auto rows = rj::Query(connection, "SHOW GLOBAL STATUS LIKE 'Questions'").rows();
  rows->next();
  return std::stoll(rows->getString("Value"));
}

// Resident memory (KiB) of the stack's stream handler processes.
long streamHandlerResidentKiB() {
  long total = 0;
  DIR* proc = opendir("/proc");
  while (dirent* entry = readdir(proc)) {
    std::string pid = entry->d_name;
    if (pid.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream commandLine("/proc/" + pid + "/cmdline");
    std::string command;
    std::getline(commandLine, command, '\0');
    const char* build = std::getenv("RJ_BENCH_BUILD_DIR");
    if (command != std::string(build ? build : "") + "/handlers/events_stream") continue;
    std::ifstream status("/proc/" + pid + "/status");
    std::string line;
    while (std::getline(status, line)) {
      if (line.rfind("VmRSS:", 0) == 0) total += std::stol(line.substr(6));
    }
  }
  closedir(proc);
  return total;
}

}  // namespace

int main() {
  rlimit files{65536, 65536};
  setrlimit(RLIMIT_NOFILE, &files);
  const char* var = std::getenv("RJ_BENCH_VAR");
  if (!var) {
    std::fprintf(stderr, "run me with bench/run stream\n");
    return 2;
  }
  auto env = readEnvFile(std::string(var) + "/dev.env");
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
  StreamClient client("127.0.0.1", port, env["RJ_TOKEN_MEMBER"], env["RJ_WORKSPACE"]);
  std::mt19937 random(42);

  client.pump(std::chrono::seconds(1));
  auto idleSample = [&](const char* label) {
    int64_t before = questions(connection);
    client.pump(std::chrono::seconds(5));
    int64_t after = questions(connection);
    // The two SHOW STATUS statements are this program's own.
    double perSecond = static_cast<double>(after - before - 1) / 5.0;
    std::printf("%-28s %8.1f queries/s (whole server: stream poller, dev runner's claim polls)\n",
                label, perSecond);
    return perSecond;
  };
  long residentWithout = streamHandlerResidentKiB();
  idleSample("idle, 0 streams:");

  for (int target : {1, 100, kMaxStreams}) {
    while (static_cast<int>(client.size()) < target) client.open(jobs[client.size()]);
    auto until = Clock::now() + std::chrono::seconds(60);
    while (!client.allHave(2) && Clock::now() < until) client.pump(std::chrono::milliseconds(50));
    if (!client.allHave(2)) {
      std::fprintf(stderr, "not every stream got its replay\n");
      return 1;
    }
    client.pump(std::chrono::seconds(1));
    // Events at random moments 50..300 ms apart, each to one random watched job, so the poller
    // sees both busy and idle spells.
    std::vector<double> latencies;
    const int events = 100;
    std::uniform_int_distribution<int> pick(0, target - 1);
    std::uniform_int_distribution<int> gap(50, 300);
    for (int n = 0; n < events; ++n) {
      {
        rj::Transaction transaction(connection);
        rj::appendEvent(connection, jobs[static_cast<size_t>(pick(random))],
                        rj::EventType::StepOutput,
                        "{\"sentAtNs\":" + std::to_string(nowNanoseconds()) + "}");
        transaction.commit();
      }
      auto got = client.pump(std::chrono::milliseconds(gap(random)));
      latencies.insert(latencies.end(), got.begin(), got.end());
    }
    auto rest = client.pump(std::chrono::seconds(2));
    latencies.insert(latencies.end(), rest.begin(), rest.end());
    std::printf("%5d streams: latency p50 %6.1f ms  p99 %6.1f ms  (%zu of %d events)\n", target,
                percentile(latencies, 0.5), percentile(latencies, 0.99), latencies.size(), events);
    std::string label = "idle, " + std::to_string(target) + " streams:";
    idleSample(label.c_str());
  }
  long residentWith = streamHandlerResidentKiB();
  std::printf(
      "stream handler resident memory: %ld KiB with no stream, %ld KiB with %d idle "
      "streams: %.1f KiB per idle stream\n",
      residentWithout, residentWith, kMaxStreams,
      static_cast<double>(residentWith - residentWithout) / kMaxStreams);
  return 0;
}
