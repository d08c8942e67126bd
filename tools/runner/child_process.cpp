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
// How long output is still read once the command has exited.
constexpr auto kOutputDrain = std::chrono::seconds(2);

struct Pipe {
  FileDescriptor read;
  FileDescriptor write;
};

Pipe makePipe() {
  int ends[2];
  if (pipe2(ends, O_CLOEXEC) != 0)
    throw std::runtime_error(std::string("pipe: ") + strerror(errno));
  return {FileDescriptor(ends[0]), FileDescriptor(ends[1])};
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
  Pipe in = makePipe();
  Pipe out = makePipe();
  Pipe err = makePipe();
  // The child writes exec's errno here; a successful exec closes it (O_CLOEXEC) unwritten.
  Pipe execFailure = makePipe();
  std::vector<char*> arguments;
  for (const auto& argument : argv) arguments.push_back(const_cast<char*>(argument.c_str()));
  arguments.push_back(nullptr);
  pid_t parent = getpid();
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error(std::string("fork: ") + strerror(errno));
  if (pid_ == 0) {
    // Only async-signal-safe calls from here: libcurl's threads may hold the malloc lock.
    // Its own group, so a cancel reaches whatever the command starts in turn.
    setpgid(0, 0);
    // Should the runner itself be killed outright, the command does not outlive it; and should
    // the runner already be gone (before prctl took effect), neither does it.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    signal(SIGPIPE, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    signal(SIGINT, SIG_DFL);
    dup2(in.read.get(), 0);
    dup2(out.write.get(), 1);
    dup2(err.write.get(), 2);
    execvp(arguments[0], arguments.data());
    int error = errno;
    ssize_t ignored = write(execFailure.write.get(), &error, sizeof error);
    (void)ignored;
    _exit(127);
  }
  setpgid(pid_, pid_);  // also from here, so terminate() cannot race the child's own call
  execFailure.write.reset();
  int execError = 0;
  ssize_t got;
  do {
    got = read(execFailure.read.get(), &execError, sizeof execError);
  } while (got < 0 && errno == EINTR);
  if (got == static_cast<ssize_t>(sizeof execError)) {
    while (waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
    }
    throw std::runtime_error(strerror(execError));
  }
  stdin_ = std::move(in.write);
  stdout_ = std::move(out.read);
  stderr_ = std::move(err.read);
  fcntl(stdin_.get(), F_SETFL, O_NONBLOCK);
  if (input_.empty()) stdin_.reset();
}

ChildProcess::~ChildProcess() {
  if (!exited_) {
    kill(-pid_, SIGKILL);
    reap(true);
  }
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
    exitedAt_ = std::chrono::steady_clock::now();
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
  if (stdout_.isOpen()) fds[count++] = {stdout_.get(), POLLIN, 0};
  if (stderr_.isOpen()) fds[count++] = {stderr_.get(), POLLIN, 0};
  if (stdin_.isOpen()) fds[count++] = {stdin_.get(), POLLOUT, 0};
  int ready = poll(fds, count, static_cast<int>(timeout.count()));
  if (ready > 0) {
    for (int i = 0; i < count; ++i) {
      if (!fds[i].revents) continue;
      if (fds[i].fd == stdin_.get()) {
        ssize_t written =
            write(stdin_.get(), input_.data() + inputWritten_, input_.size() - inputWritten_);
        if (written > 0) inputWritten_ += static_cast<size_t>(written);
        // Done, or the command does not read its input (EPIPE): close it either way.
        if (inputWritten_ == input_.size() || (written < 0 && errno != EAGAIN)) stdin_.reset();
        continue;
      }
      bool isStdout = fds[i].fd == stdout_.get();
      std::string& buffer = isStdout ? stdoutBuffer_ : stderrBuffer_;
      OutputStream stream = isStdout ? OutputStream::Stdout : OutputStream::Stderr;
      char chunk[8192];
      ssize_t got = read(fds[i].fd, chunk, sizeof chunk);
      if (got > 0) {
        buffer.append(chunk, static_cast<size_t>(got));
        emitLines(buffer, stream, false, onLine);
      } else if (got == 0 || (errno != EAGAIN && errno != EINTR)) {
        emitLines(buffer, stream, true, onLine);
        (isStdout ? stdout_ : stderr_).reset();
      }
    }
  }
  reap(false);
  if (exited_) stdin_.reset();
  if (exited_ && std::chrono::steady_clock::now() - exitedAt_ >= kOutputDrain) {
    // Something the command started (out of its group, say with setsid) still holds the pipes:
    // the job is what the command did, so stop waiting for them.
    emitLines(stdoutBuffer_, OutputStream::Stdout, true, onLine);
    emitLines(stderrBuffer_, OutputStream::Stderr, true, onLine);
    stdout_.reset();
    stderr_.reset();
  }
}

bool ChildProcess::finished() const {
  return exited_ && !stdout_.isOpen() && !stderr_.isOpen();
}

void ChildProcess::terminate() {
  if (exited_ || terminating_) return;
  terminating_ = true;
  terminatedAt_ = std::chrono::steady_clock::now();
  kill(-pid_, SIGTERM);
}

bool ChildProcess::succeeded() const {
  return exitedWith(0);
}

bool ChildProcess::exitedWith(int status) const {
  return exited_ && WIFEXITED(waitStatus_) && WEXITSTATUS(waitStatus_) == status;
}

std::string ChildProcess::describeExit() const {
  if (!exited_) return "still running";
  if (WIFSIGNALED(waitStatus_)) return "killed by signal " + std::to_string(WTERMSIG(waitStatus_));
  return "exit status " + std::to_string(WEXITSTATUS(waitStatus_));
}

}  // namespace rj::runner
