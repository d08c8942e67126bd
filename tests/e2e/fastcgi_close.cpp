// How a handler ends a FastCGI connection, seen from the web server's side of the socket: it shuts
// down its side after the answer, then waits for the web server to close before it takes the next
// request. That wait keeps the handlers in step with the web server's workers under load
// (docs/DESIGN.md, "The closing handshake keeps the tails short"); a plain close would let a
// handler thread run ahead of a worker the scheduler holds back.
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <string>

namespace {

constexpr uint8_t kBeginRequest = 1;
constexpr uint8_t kEndRequest = 3;
constexpr uint8_t kParams = 4;
constexpr uint8_t kStdin = 5;
constexpr uint8_t kStdout = 6;

std::string record(uint8_t type, const std::string& content) {
  std::string bytes{1,
                    static_cast<char>(type),
                    0,
                    1,
                    static_cast<char>(content.size() >> 8),
                    static_cast<char>(content.size() & 0xff),
                    0,
                    0};
  return bytes + content;
}

std::string nameValue(const std::string& name, const std::string& value) {
  return std::string(1, static_cast<char>(name.size())) +
         std::string(1, static_cast<char>(value.size())) + name + value;
}

// One GET as lighttpd sends it: begin (responder, no keep-alive), the parameters, no body.
std::string getRequest(const std::string& path) {
  std::string params = nameValue("REQUEST_METHOD", "GET") + nameValue("REQUEST_URI", path) +
                       nameValue("SCRIPT_NAME", path) + nameValue("SERVER_PROTOCOL", "HTTP/1.1");
  return record(kBeginRequest, std::string{0, 1, 0, 0, 0, 0, 0, 0}) + record(kParams, params) +
         record(kParams, "") + record(kStdin, "");
}

bool readableWithin(int fd, int milliseconds) {
  pollfd waiting{fd, POLLIN, 0};
  return poll(&waiting, 1, milliseconds) == 1;
}

// The answer's stdout bytes, read up to the end-of-request record (empty if none came in time).
std::string readAnswer(int fd) {
  std::string stdoutBytes;
  std::string pending;
  char buffer[4096];
  while (readableWithin(fd, 10000)) {
    ssize_t count = read(fd, buffer, sizeof buffer);
    if (count <= 0) break;
    pending.append(buffer, static_cast<size_t>(count));
    while (pending.size() >= 8) {
      size_t length = (static_cast<uint8_t>(pending[4]) << 8) | static_cast<uint8_t>(pending[5]);
      size_t whole = 8 + length + static_cast<uint8_t>(pending[6]);
      if (pending.size() < whole) break;
      uint8_t type = static_cast<uint8_t>(pending[1]);
      if (type == kStdout) stdoutBytes += pending.substr(8, length);
      pending.erase(0, whole);
      if (type == kEndRequest) return stdoutBytes;
    }
  }
  return "";
}

// The fallback handler (no database) on a socket of its own, with one serving thread, started as
// lighttpd starts a handler: the listening socket is its standard input.
class OneThreadHandler {
 public:
  OneThreadHandler() {
    path_ = std::string(RJ_TEST_VAR) + "/fastcgi-close-" + std::to_string(getpid()) + ".sock";
    unlink(path_.c_str());
    int listening = socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un address = this->address();
    if (bind(listening, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        listen(listening, 16) != 0) {
      ADD_FAILURE() << "cannot listen on " << path_;
    }
    std::string program = std::string(RJ_BUILD_DIR) + "/handlers/not_found";
    pid_ = fork();
    if (pid_ == 0) {
      dup2(listening, 0);
      setenv("RJ_THREADS", "1", 1);
      unsetenv("RJ_CONFIG");
      execl(program.c_str(), program.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    close(listening);
  }
  ~OneThreadHandler() {
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
    unlink(path_.c_str());
  }

  int connectToIt() const {
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un address = this->address();
    if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
      ADD_FAILURE() << "cannot connect to " << path_;
    }
    return fd;
  }

 private:
  sockaddr_un address() const {
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    path_.copy(address.sun_path, sizeof address.sun_path - 1);
    return address;
  }
  std::string path_;
  pid_t pid_ = -1;
};

bool sendAll(int fd, const std::string& bytes) {
  return write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size());
}

TEST(FastCgiClose, TheHandlerTakesItsNextRequestOnlyOnceTheWebServerClosedTheLast) {
  OneThreadHandler handler;
  int first = handler.connectToIt();
  ASSERT_TRUE(sendAll(first, getRequest("/api/no-such-thing")));
  std::string answer = readAnswer(first);
  EXPECT_NE(answer.find("Status: 404"), std::string::npos) << answer;
  // The handler has shut down its side: the web server reads the end of the stream.
  ASSERT_TRUE(readableWithin(first, 5000));
  char byte;
  EXPECT_EQ(read(first, &byte, 1), 0);

  // Its only thread now waits for this connection to close (libfcgi gives up after 2 s): a second
  // request is not answered meanwhile.
  int second = handler.connectToIt();
  ASSERT_TRUE(sendAll(second, getRequest("/api/also-missing")));
  EXPECT_FALSE(readableWithin(second, 500))
      << "the handler answered the next request before the web server closed the last one";

  close(first);
  std::string next = readAnswer(second);
  EXPECT_NE(next.find("Status: 404"), std::string::npos) << next;
  close(second);
}

}  // namespace
