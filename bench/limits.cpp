// The service under abuse, with its default limits (bench/run starts the stack so): prints
//  - the stream process's resident memory idle, with 64 clients that never read on a job of 200
//    events of 60 KB, and after the write timeout has cut them off;
//  - how long another user's stream waits for its first byte while one token keeps 300 stream
//    requests open;
//  - how long another runner's claim takes while one runner keeps 20 long polls waiting.
// Uses the stack of bench/run (RJ_BENCH_VAR/dev.env, RJ_CONFIG).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "admin/admin_store.h"
#include "db/config.h"
#include "db/connection.h"
#include "db/transaction.h"
#include "events/event_store.h"
#include "jobs/job_store.h"
#include "util/crypto.h"

namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

std::map<std::string, std::string> env;
int port = 0;

double secondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// A raw HTTP/1.0 connection: sends one request; reads only when asked.
class Connection {
 public:
  Connection(const std::string& method, const std::string& path,
             const std::vector<std::string>& headers, const std::string& body = "",
             bool smallReceiveBuffer = false) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (smallReceiveBuffer) {
      int size = 4096;
      ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
    }
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port));
    ::inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
      std::perror("connect");
      std::exit(1);
    }
    std::string request = method + " " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\n";
    for (const auto& header : headers) request += header + "\r\n";
    if (!body.empty()) {
      request +=
          "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
          "\r\n";
    }
    request += "\r\n" + body;
    if (::send(fd_, request.data(), request.size(), 0) != static_cast<ssize_t>(request.size())) {
      std::perror("send");
      std::exit(1);
    }
  }
  ~Connection() { ::close(fd_); }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Reads until `text` arrives or `limit` passes; the seconds it took, or -1.
  double waitFor(const std::string& text, Clock::duration limit) {
    auto start = Clock::now();
    timeval step{0, 100 * 1000};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &step, sizeof step);
    char chunk[65536];
    while (Clock::now() - start < limit) {
      ssize_t got = ::recv(fd_, chunk, sizeof chunk, 0);
      if (got > 0) received_.append(chunk, static_cast<size_t>(got));
      if (received_.find(text) != std::string::npos) return secondsSince(start);
      if (got == 0) break;
    }
    return -1;
  }

 private:
  int fd_ = -1;
  std::string received_;
};

std::vector<std::string> userHeaders(const std::string& token) {
  return {"Authorization: Bearer " + token, "X-Workspace-Id: " + env["RJ_WORKSPACE"]};
}

long residentKilobytes(const std::string& program) {
  std::string command = "ps -C " + program + " -o rss= | awk '{s+=$1} END {print s+0}'";
  std::unique_ptr<FILE, decltype(&pclose)> pipe(popen(command.c_str(), "r"), pclose);
  long kilobytes = 0;
  if (pipe && std::fscanf(pipe.get(), "%ld", &kilobytes) != 1) kilobytes = 0;
  return kilobytes;
}

std::string newJob(const std::string& type) {
  rj::NewJob request;
  request.type = type;
  return rj::JobStore().create(env["RJ_WORKSPACE"], request, std::nullopt).job.id;
}

std::string newUserToken(const std::string& name) {
  rj::AdminStore admin(rj::threadConnection());
  std::string email = name + "-" + rj::toHex(rj::randomBytes(4)) + "@bench.invalid";
  std::string userId = admin.createUser(email, name);
  admin.addMember(env["RJ_WORKSPACE"], userId, rj::Role::Member);
  return admin.issueToken(userId, name, std::nullopt).token;
}

void stalledClients() {
  std::string jobId = newJob("bench.limits.stalled");
  std::string payload = R"({"text":")" + std::string(60 * 1000, 'x') + R"("})";
  {
    rj::Transaction transaction(rj::threadConnection());
    for (int i = 0; i < 200; ++i) {
      rj::appendEvent(rj::threadConnection(), jobId, rj::EventType::StepOutput, payload);
    }
    transaction.commit();
  }
  long idle = residentKilobytes("events_stream");
  std::vector<std::unique_ptr<Connection>> stalled;
  // Eight users, eight streams each: within the per-user cap, so all 64 get a thread.
  for (int user = 0; user < 8; ++user) {
    std::string token = newUserToken("stalled" + std::to_string(user));
    for (int i = 0; i < 8; ++i) {
      stalled.push_back(std::make_unique<Connection>(
          "GET", "/api/runner-jobs/" + jobId + "/events/stream", userHeaders(token), "", true));
    }
  }
  long peak = idle;
  auto start = Clock::now();
  while (Clock::now() - start < 40s) {
    peak = std::max(peak, residentKilobytes("events_stream"));
    std::this_thread::sleep_for(250ms);
  }
  long cutOff = residentKilobytes("events_stream");
  stalled.clear();
  std::this_thread::sleep_for(2s);
  std::printf(
      "stream process RSS: idle %.1f MB, peak with 64 stalled clients %.1f MB (+%.1f MB),"
      " after the write timeout %.1f MB, after they closed %.1f MB\n",
      idle / 1024.0, peak / 1024.0, (peak - idle) / 1024.0, cutOff / 1024.0,
      residentKilobytes("events_stream") / 1024.0);
}

void greedyStreams() {
  std::string jobId = newJob("bench.limits.greedy");
  std::string greedy = newUserToken("greedy");
  std::vector<std::unique_ptr<Connection>> held;
  for (int i = 0; i < 300; ++i) {
    held.push_back(std::make_unique<Connection>(
        "GET", "/api/runner-jobs/" + jobId + "/events/stream", userHeaders(greedy)));
  }
  std::this_thread::sleep_for(2s);
  Connection other("GET", "/api/runner-jobs/" + jobId + "/events/stream",
                   userHeaders(env["RJ_TOKEN_MEMBER"]));
  double firstEvent = other.waitFor("event: job.created", 30s);
  std::printf(
      "another user's first stream event while one token holds 300 stream requests:"
      " %.3f s\n",
      firstEvent);
}

void greedyLongPolls() {
  std::string type = "bench.limits.claim." + rj::toHex(rj::randomBytes(4));
  std::string idle = "bench.limits.idle." + rj::toHex(rj::randomBytes(4));
  rj::AdminStore admin(rj::threadConnection());
  auto greedy = admin.createRunner("greedy", env["RJ_WORKSPACE"], {idle});
  auto other = admin.createRunner("other", env["RJ_WORKSPACE"], {type});
  std::vector<std::unique_ptr<Connection>> held;
  for (int i = 0; i < 20; ++i) {
    held.push_back(std::make_unique<Connection>(
        "POST", "/api/runner/claim",
        std::vector<std::string>{"Authorization: Bearer " + greedy.token},
        R"({"waitSeconds":30})"));
  }
  std::this_thread::sleep_for(1s);
  newJob(type);
  auto start = Clock::now();
  Connection claim("POST", "/api/runner/claim", {"Authorization: Bearer " + other.token},
                   R"({"waitSeconds":0})");
  double answered = claim.waitFor("\"status\":\"RUNNING\"", 40s);
  std::printf(
      "another runner's claim of a waiting job while one runner holds 20 long polls:"
      " %.3f s (answer after %.3f s)\n",
      answered < 0 ? -1 : secondsSince(start), answered);
}

}  // namespace

int main() {
  const char* var = std::getenv("RJ_BENCH_VAR");
  if (!var) {
    std::fprintf(stderr, "bench_limits: run it through bench/run\n");
    return 1;
  }
  std::ifstream file(std::string(var) + "/dev.env");
  std::stringstream text;
  text << file.rdbuf();
  env = rj::parseConfigFile(text.str());
  std::string url = env["RJ_URL"];
  port = std::stoi(url.substr(url.rfind(':') + 1));
  rj::DatabaseThread database;
  greedyLongPolls();
  greedyStreams();
  stalledClients();
  return 0;
}
