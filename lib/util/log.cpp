#include "util/log.h"

#include <fcntl.h>
#include <sys/types.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>

namespace rj {

namespace {
std::string& programName() {
  static std::string name;
  return name;
}

std::string utcNow() {
  auto now = std::chrono::system_clock::now();
  auto milliseconds =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  std::time_t seconds = static_cast<std::time_t>(milliseconds / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[40];
  size_t length = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &utc);
  std::snprintf(text + length, sizeof text - length, ".%03dZ",
                static_cast<int>(milliseconds % 1000));
  return text;
}
}  // namespace

void setLogProgram(const std::string& name) {
  programName() = name;
}

void logLine(const std::string& message) {
  std::string line = utcNow() + " runner-jobs";
  if (!programName().empty()) line += " " + programName();
  line += "[" + std::to_string(getpid()) + "]: ";
  for (char c : message) line += c == '\n' || c == '\r' ? ' ' : c;
  line += '\n';
  // One write(2) per line: lines of other threads, and of other processes appending to the same
  // file (O_APPEND), stay whole.
  const char* next = line.data();
  size_t left = line.size();
  while (left > 0) {
    ssize_t written = ::write(STDERR_FILENO, next, left);
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) return;  // nowhere to report that the log failed
    next += written;
    left -= static_cast<size_t>(written);
  }
}

std::optional<std::string> sendStderrTo(const std::string& path) {
  int file = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
  if (file < 0) return "cannot open RJ_LOG_FILE " + path + ": " + std::strerror(errno);
  int error = ::dup2(file, STDERR_FILENO) < 0 ? errno : 0;
  ::close(file);
  if (error != 0) return "cannot log to RJ_LOG_FILE " + path + ": " + std::strerror(error);
  return std::nullopt;
}

}  // namespace rj
