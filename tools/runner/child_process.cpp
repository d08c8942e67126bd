#include "child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace rj::runner {

namespace {
constexpr size_t kMaxLineBytes = 16 * 1024;
constexpr auto kKillGrace = std::chrono::seconds(2);

void closeFd(int& fd) {
  if (fd >= 0) close(fd);
  fd = -1;
}

void makePipe(int ends[2]) {
  if (pipe2(ends, O_CLOEXEC) != 0)
    throw std::runtime_error(std::string("pipe: ") + strerror(errno));
}

// Moves complete lines (and over-long pieces) out of the buffer; at end of stream, the rest too.
void emitLines(std::string& buffer, OutputStream stream, bool atEnd, const LineHandler& onLine) {
  size_t start = 0;
  for (;;) {
    size_t newline = buffer.find('\n', start);
    if (newline == std::string::npos) break;
    size_t end = newline > start && buffer[newline - 1] == '\r' ? newline - 1 : newline;
    onLine(stream, buffer.substr(start, end - start));
    start = newline + 1;
  }
  buffer.erase(0, start);
  while (buffer.size() >= kMaxLineBytes) {
    onLine(stream, buffer.substr(0, kMaxLineBytes));
    buffer.erase(0, kMaxLineBytes);
  }
  if (atEnd && !buffer.empty()) {
    onLine(stream, buffer);
    buffer.clear();
  }
}
}  // namespace

ChildProcess::ChildProcess(const std::vector<std::string>& argv, std::string input)
    : input_(std::move(input)) {
  if (argv.empty()) throw std::runtime_error("empty command");
  int in[2], out[2], err[2];
  makePipe(in);
  makePipe(out);
  makePipe(err);
  std::vector<char*> arguments;
  for (const auto& argument : argv) arguments.push_back(const_cast<char*>(argument.c_str()));
  arguments.push_back(nullptr);
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error(std::string("fork: ") + strerror(errno));
  if (pid_ == 0) {
    // Its own group, so a cancel reaches whatever the command starts in turn.
    setpgid(0, 0);
    // Should the runner itself be killed outright, the command does not outlive it.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    signal(SIGPIPE, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    signal(SIGINT, SIG_DFL);
    dup2(in[0], 0);
    dup2(out[1], 1);
    dup2(err[1], 2);
    execvp(arguments[0], arguments.data());
    std::string message =
        std::string("rj-runner: cannot run ") + arguments[0] + ": " + strerror(errno) + "\n";
    ssize_t ignored = write(2, message.data(), message.size());
    (void)ignored;
    _exit(127);
  }
  setpgid(pid_, pid_);  // also from here, so terminate() cannot race the child's own call
  close(in[0]);
  close(out[1]);
  close(err[1]);
  stdin_ = in[1];
  stdout_ = out[0];
  stderr_ = err[0];
  fcntl(stdin_, F_SETFL, O_NONBLOCK);
  if (input_.empty()) closeFd(stdin_);
}

ChildProcess::~ChildProcess() {
  if (!exited_) {
    kill(-pid_, SIGKILL);
    reap(true);
  }
  closeFd(stdin_);
  closeFd(stdout_);
  closeFd(stderr_);
}

void ChildProcess::reap(bool block) {
  if (exited_) return;
  int status = 0;
  pid_t done;
  do {
    done = waitpid(pid_, &status, block ? 0 : WNOHANG);
  } while (done < 0 && errno == EINTR);
  if (done == pid_) {
    exited_ = true;
    waitStatus_ = status;
    // Whatever the command left running in its group goes with it.
    kill(-pid_, SIGKILL);
  }
}

void ChildProcess::pump(std::chrono::milliseconds timeout, const LineHandler& onLine) {
  if (terminating_ && !exited_ && std::chrono::steady_clock::now() - terminatedAt_ > kKillGrace) {
    kill(-pid_, SIGKILL);
  }
  pollfd fds[3];
  int count = 0;
  if (stdout_ >= 0) fds[count++] = {stdout_, POLLIN, 0};
  if (stderr_ >= 0) fds[count++] = {stderr_, POLLIN, 0};
  if (stdin_ >= 0) fds[count++] = {stdin_, POLLOUT, 0};
  int ready = poll(fds, count, static_cast<int>(timeout.count()));
  if (ready > 0) {
    for (int i = 0; i < count; ++i) {
      if (!fds[i].revents) continue;
      if (fds[i].fd == stdin_) {
        ssize_t written =
            write(stdin_, input_.data() + inputWritten_, input_.size() - inputWritten_);
        if (written > 0) inputWritten_ += static_cast<size_t>(written);
        // Done, or the command does not read its input (EPIPE): close it either way.
        if (inputWritten_ == input_.size() || (written < 0 && errno != EAGAIN)) closeFd(stdin_);
        continue;
      }
      bool isStdout = fds[i].fd == stdout_;
      std::string& buffer = isStdout ? stdoutBuffer_ : stderrBuffer_;
      OutputStream stream = isStdout ? OutputStream::Stdout : OutputStream::Stderr;
      char chunk[8192];
      ssize_t got = read(fds[i].fd, chunk, sizeof chunk);
      if (got > 0) {
        buffer.append(chunk, static_cast<size_t>(got));
        emitLines(buffer, stream, false, onLine);
      } else if (got == 0 || (errno != EAGAIN && errno != EINTR)) {
        emitLines(buffer, stream, true, onLine);
        closeFd(isStdout ? stdout_ : stderr_);
      }
    }
  }
  reap(false);
  if (exited_) closeFd(stdin_);
}

bool ChildProcess::finished() const {
  return exited_ && stdout_ < 0 && stderr_ < 0;
}

void ChildProcess::terminate() {
  if (exited_ || terminating_) return;
  terminating_ = true;
  terminatedAt_ = std::chrono::steady_clock::now();
  kill(-pid_, SIGTERM);
}

bool ChildProcess::succeeded() const {
  return exited_ && WIFEXITED(waitStatus_) && WEXITSTATUS(waitStatus_) == 0;
}

std::string ChildProcess::describeExit() const {
  if (!exited_) return "still running";
  if (WIFSIGNALED(waitStatus_)) return "killed by signal " + std::to_string(WTERMSIG(waitStatus_));
  return "exit status " + std::to_string(WEXITSTATUS(waitStatus_));
}

}  // namespace rj::runner
