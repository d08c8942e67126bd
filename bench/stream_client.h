#pragma once
// What the stream benchmarks share: many Server-Sent Events streams on one epoll loop, read raw
// over HTTP/1.0, and the figures they report (percentiles, the server's query count, a handler's
// resident memory).
#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "db/config.h"
#include "db/connection.h"

namespace rj::bench {

using Clock = std::chrono::steady_clock;

inline int64_t nowNanoseconds() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
      .count();
}

inline std::map<std::string, std::string> readEnvFile(const std::string& path) {
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  return parseConfigFile(text.str());
}

// Called with each event's text (its lines, without the blank line) and when it arrived (ns).
using EventListener = std::function<void(const std::string& block, int64_t receivedAtNs)>;

// All streams on one epoll loop, read on the calling thread.
class StreamClient {
 public:
  StreamClient(std::string host, int port, std::string token, std::string workspace)
      : port_(port),
        host_(std::move(host)),
        token_(std::move(token)),
        workspace_(std::move(workspace)),
        epoll_(epoll_create1(0)) {}

  // Opens a stream of `path` ("/api/runner-jobs/ID/events/stream").
  void open(const std::string& path) {
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
    std::string request = "GET " + path + " HTTP/1.0\r\nHost: " + host_ +
                          "\r\nAuthorization: Bearer " + token_ +
                          "\r\nX-Workspace-Id: " + workspace_ + "\r\n\r\n";
    if (write(fd, request.data(), request.size()) != static_cast<ssize_t>(request.size())) {
      std::perror("write");
      std::exit(1);
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    streams_.push_back(std::make_unique<Stream>());
    Stream* stream = streams_.back().get();
    stream->fd = fd;
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.ptr = stream;
    epoll_ctl(epoll_, EPOLL_CTL_ADD, fd, &event);
  }

  // Reads for `duration`, handing each event to `listener`.
  void pump(Clock::duration duration, const EventListener& listener = {}) {
    auto until = Clock::now() + duration;
    std::vector<epoll_event> ready(256);
    char chunk[65536];
    while (Clock::now() < until) {
      int count = epoll_wait(epoll_, ready.data(), static_cast<int>(ready.size()), 5);
      for (int i = 0; i < count; ++i) {
        auto* stream = static_cast<Stream*>(ready[i].data.ptr);
        for (;;) {
          ssize_t got = read(stream->fd, chunk, sizeof chunk);
          if (got == 0) stream->closed = true;
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
            noteEventId(*stream, block);
            if (listener) listener(block, receivedAt);
          }
        }
      }
    }
  }

  // True once every stream has at least `events` events.
  bool allHave(int events) const {
    return std::all_of(streams_.begin(), streams_.end(),
                       [&](const auto& stream) { return stream->events >= events; });
  }
  size_t size() const { return streams_.size(); }
  // Events whose id was not the one after the stream's previous event (a gap or a repeat).
  int64_t outOfOrder() const { return outOfOrder_; }
  // Streams the server closed (a stream that is watching stays open).
  size_t closed() const {
    return static_cast<size_t>(std::count_if(streams_.begin(), streams_.end(),
                                             [](const auto& stream) { return stream->closed; }));
  }

 private:
  struct Stream {
    int fd = -1;
    std::string buffer;
    int events = 0;      // events received so far
    int64_t lastId = 0;  // the id of the last event (a job's events are numbered from 1)
    bool closed = false;
  };

  void noteEventId(Stream& stream, const std::string& block) {
    size_t at = block.rfind("id: ", 0) == 0 ? 0 : block.find("\nid: ");
    if (at == std::string::npos) return;  // control events carry no id
    int64_t id = std::stoll(block.substr(block[at] == '\n' ? at + 5 : at + 4));
    if (id != stream.lastId + 1) ++outOfOrder_;
    stream.lastId = id;
  }
  int port_;
  std::string host_, token_, workspace_;
  int epoll_;
  std::vector<std::unique_ptr<Stream>> streams_;
  int64_t outOfOrder_ = 0;
};

inline double percentile(std::vector<double> values, double fraction) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  size_t index = std::min(values.size() - 1, static_cast<size_t>(fraction * values.size()));
  return values[index];
}

// The server's statement count since it started (every client's).
inline int64_t questions(Connection& connection) {
  auto rows = Query(connection, "SHOW GLOBAL STATUS LIKE 'Questions'").rows();
  rows->next();
  return std::stoll(rows->getString("Value"));
}

using CommandLineMatch = std::function<bool(const std::string& commandLine)>;

// Calls `visit` with the /proc directory of every process whose command line (its words joined
// by blanks) passes `matches`.
inline void forEachProcess(const CommandLineMatch& matches,
                           const std::function<void(const std::string& directory)>& visit) {
  DIR* proc = opendir("/proc");
  while (dirent* entry = readdir(proc)) {
    std::string pid = entry->d_name;
    if (pid.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream commandFile("/proc/" + pid + "/cmdline");
    std::string commandLine, word;
    while (std::getline(commandFile, word, '\0'))
      commandLine += (commandLine.empty() ? "" : " ") + word;
    if (matches(commandLine)) visit("/proc/" + pid);
  }
  closedir(proc);
}

// Resident memory (KiB) of the processes whose command line passes `matches`.
inline long residentKiB(const CommandLineMatch& matches) {
  long total = 0;
  forEachProcess(matches, [&](const std::string& directory) {
    std::ifstream status(directory + "/status");
    std::string line;
    while (std::getline(status, line)) {
      if (line.rfind("VmRSS:", 0) == 0) total += std::stol(line.substr(6));
    }
  });
  return total;
}

// CPU time (user + system, seconds) the processes whose command line passes `matches` have used.
inline double cpuSeconds(const CommandLineMatch& matches) {
  double total = 0;
  forEachProcess(matches, [&](const std::string& directory) {
    std::ifstream statFile(directory + "/stat");
    std::string stat((std::istreambuf_iterator<char>(statFile)), std::istreambuf_iterator<char>());
    // Fields after the command's closing parenthesis: state is field 3, utime 14, stime 15.
    std::istringstream fields(stat.substr(stat.rfind(')') + 2));
    std::vector<std::string> values;
    std::string value;
    while (fields >> value) values.push_back(value);
    if (values.size() > 12)
      total += static_cast<double>(std::stoll(values[11]) + std::stoll(values[12])) /
               static_cast<double>(sysconf(_SC_CLK_TCK));
  });
  return total;
}

// CPU seconds used by the stack's MariaDB server (its data directory is under RJ_BENCH_VAR).
inline double databaseCpuSeconds() {
  const char* var = std::getenv("RJ_BENCH_VAR");
  std::string stackVar = var ? var : "";
  return cpuSeconds([&](const std::string& commandLine) {
    return commandLine.find("mariadbd") != std::string::npos &&
           commandLine.find(stackVar) != std::string::npos;
  });
}

// Resident memory (KiB) of the stack's processes of one handler ("events_stream").
inline long handlerResidentKiB(const std::string& handler) {
  const char* build = std::getenv("RJ_BENCH_BUILD_DIR");
  std::string binary = std::string(build ? build : "") + "/handlers/" + handler;
  return residentKiB([&](const std::string& commandLine) { return commandLine == binary; });
}

// Resident memory (KiB) of the stack's lighttpd (its configuration is under RJ_BENCH_VAR).
inline long webServerResidentKiB() {
  const char* var = std::getenv("RJ_BENCH_VAR");
  std::string stackVar = var ? var : "";
  return residentKiB([&](const std::string& commandLine) {
    bool isLighttpd = commandLine.rfind("lighttpd ", 0) == 0 ||
                      commandLine.find("/lighttpd ") != std::string::npos;
    return isLighttpd && commandLine.find(stackVar) != std::string::npos;
  });
}

}  // namespace rj::bench
