#pragma once
// A job's command as a child process in its own process group: the job data on its stdin, its
// stdout and stderr read line by line, and the whole group killed on cancellation.
#include <sys/types.h>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "file_descriptor.h"

namespace rj::runner {

enum class OutputStream { Stdout, Stderr };

using LineHandler = std::function<void(OutputStream, const std::string&)>;

class ChildProcess {
 public:
  // Starts argv[0] (searched in PATH when it has no slash) with `input` written to its stdin.
  // Throws std::runtime_error saying why when it cannot be started (no pipe, no fork, no exec).
  ChildProcess(const std::vector<std::string>& argv, std::string input);
  // Kills the group and reaps the child if it is still running.
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // Waits up to `timeout` for output and hands every complete line to onLine (a line longer than
  // 16 KiB is handed over in pieces).
  void pump(std::chrono::milliseconds timeout, const LineHandler& onLine);
  // The child has exited and its output is drained, or it exited more than two seconds ago (what
  // it started may keep the pipes open for ever: the rest is not read).
  bool finished() const;
  // SIGTERM to the process group now, SIGKILL if it is still there two seconds later.
  void terminate();
  pid_t pid() const { return pid_; }
  // "exit status N" or "killed by signal N" once finished().
  std::string describeExit() const;
  bool succeeded() const;
  // Exited with `status` (not killed by a signal).
  bool exitedWith(int status) const;

 private:
  void reap(bool block);
  pid_t pid_ = -1;
  FileDescriptor stdin_;
  FileDescriptor stdout_;
  FileDescriptor stderr_;
  std::string input_;
  size_t inputWritten_ = 0;
  std::string stdoutBuffer_;
  std::string stderrBuffer_;
  bool exited_ = false;
  int waitStatus_ = 0;
  std::chrono::steady_clock::time_point exitedAt_;
  bool terminating_ = false;
  std::chrono::steady_clock::time_point terminatedAt_;
};

}  // namespace rj::runner
