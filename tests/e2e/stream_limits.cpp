// The stream's defences through lighttpd: one user cannot take every stream thread (the test
// stack caps a user at 3 of its 4), and clients that stop reading are cut off after the write
// timeout (3 s on the test stack) instead of pinning a thread, and a stream ends once its token
// is revoked (checked every second on the test stack).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "events/event_type.h"
#include "support/sse_client.h"
#include "support/stack.h"

namespace rj::test {

namespace {
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

const Stack& s() {
  return stack();
}

std::string createJob() {
  auto response = s().call("POST", "/api/runner-jobs", s().tokenMember, s().workspace,
                           R"({"type":"e2e.limits"})");
  EXPECT_EQ(response.status, 201) << response.body;
  return response.json()["id"].GetString();
}

void cancelJob(const std::string& id) {
  s().call("POST", "/api/runner-jobs/" + id + "/cancel", s().tokenMember, s().workspace);
}

std::string streamPath(const std::string& id) {
  return "/api/runner-jobs/" + id + "/events/stream";
}

std::vector<std::string> headersFor(const std::string& token) {
  return {"Authorization: Bearer " + token, "X-Workspace-Id: " + s().workspace};
}

// A GUEST of the demo workspace of its own, so the per-user cap counts only this test's streams.
std::string newUserToken() {
  static int counter = 0;
  std::string email =
      "limits" + std::to_string(++counter) + "-" + std::to_string(::getpid()) + "@test.invalid";
  s().admin("create-user --email " + email);
  s().admin("add-member --workspace " + s().workspace + " --user " + email + " --role GUEST");
  return s().admin("issue-token --user " + email);
}

// A client that sends its request and then never reads a byte.
class StalledClient {
 public:
  StalledClient(const std::string& path, const std::string& token) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    // A small receive buffer, so the server side fills up soon.
    int size = 4096;
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
    std::string hostPort = s().url.substr(s().url.find("//") + 2);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port =
        htons(static_cast<uint16_t>(std::stoi(hostPort.substr(hostPort.find(':') + 1))));
    ::inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
    EXPECT_EQ(::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    std::string request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " +
                          token + "\r\nX-Workspace-Id: " + s().workspace + "\r\n\r\n";
    EXPECT_EQ(::send(fd_, request.data(), request.size(), 0), static_cast<ssize_t>(request.size()));
  }
  ~StalledClient() { ::close(fd_); }
  StalledClient(const StalledClient&) = delete;
  StalledClient& operator=(const StalledClient&) = delete;

 private:
  int fd_ = -1;
};

// How long until a stream of `token` gets its first event (the job's job.created).
Clock::duration timeToFirstEvent(const std::string& id, const std::string& token,
                                 std::chrono::milliseconds limit, SseSession* session = nullptr) {
  auto started = Clock::now();
  auto result = readSse(
      s().url + streamPath(id), headersFor(token),
      [](const SseSession& current) { return current.events.empty(); }, limit);
  if (session) *session = result;
  return result.events.empty() ? Clock::duration::max() : Clock::now() - started;
}

}  // namespace

TEST(StreamLimits, OneUserAtTheCapIsToldToComeBackAndOthersStillGetAThread) {
  std::string id = createJob();
  std::string greedy = newUserToken();
  // Three streams of one user stay open on a job that does not end.
  std::atomic<bool> stop{false};
  std::vector<std::thread> holders;
  for (int i = 0; i < 3; ++i) {
    holders.emplace_back([&] {
      readSse(
          s().url + streamPath(id), headersFor(greedy), [&](const SseSession&) { return !stop; },
          20s);
    });
  }
  std::this_thread::sleep_for(1500ms);

  // The fourth: 200 text/event-stream (EventSource would give up on an error status), a long
  // retry hint, a retryable error, and the end at once.
  auto started = Clock::now();
  auto refused = readSse(
      s().url + streamPath(id), headersFor(greedy), [](const SseSession&) { return true; }, 10s);
  EXPECT_LT(Clock::now() - started, 3s);
  EXPECT_EQ(refused.status, 200) << refused.raw;
  EXPECT_EQ(refused.headers["content-type"].rfind("text/event-stream", 0), 0u);
  EXPECT_TRUE(refused.ended);
  ASSERT_TRUE(refused.retryMilliseconds.has_value()) << refused.raw;
  EXPECT_GE(*refused.retryMilliseconds, 5000);
  ASSERT_EQ(refused.events.size(), 1u) << refused.raw;
  EXPECT_EQ(refused.events[0].type, "error");
  EXPECT_NE(refused.events[0].data.find(R"("retryable":true)"), std::string::npos);

  // Another user still gets the fourth thread, at once.
  EXPECT_LT(timeToFirstEvent(id, s().tokenMember, 5s), 1s);

  stop = true;
  cancelJob(id);  // the held streams complete
  for (auto& holder : holders) holder.join();
}

TEST(StreamLimits, AStreamEndsForGoodOnceItsTokenIsRevoked) {
  std::string id = createJob();
  std::string token = newUserToken();
  std::thread revoker([&] {
    std::this_thread::sleep_for(1s);
    s().admin("revoke-token --token " + token);
  });
  auto started = Clock::now();
  auto session = readSse(
      s().url + streamPath(id), headersFor(token), [](const SseSession&) { return true; }, 15s);
  revoker.join();
  // The stack checks credentials every second.
  EXPECT_LT(Clock::now() - started, 6s);
  EXPECT_TRUE(session.ended);
  ASSERT_FALSE(session.events.empty()) << session.raw;
  EXPECT_EQ(session.events.back().type, "error") << session.raw;
  EXPECT_NE(session.events.back().data.find(R"("retryable":false)"), std::string::npos)
      << session.events.back().data;
  cancelJob(id);
}

TEST(StreamLimits, ClientsThatStopReadingAreCutOffAndFreeTheirThreads) {
  std::string id = createJob();
  // 24 MB of events: more than the socket buffers between the handler and a stalled client hold.
  std::string payload = R"({"text":")" + std::string(60 * 1000, 'x') + R"("})";
  for (int i = 0; i < 400; ++i) s().appendEvent(id, EventType::StepOutput, payload);
  std::string first = newUserToken(), second = newUserToken();
  std::vector<std::unique_ptr<StalledClient>> stalled;
  for (int i = 0; i < 4; ++i) {
    stalled.push_back(std::make_unique<StalledClient>(streamPath(id), i % 2 ? first : second));
  }
  // All four stream threads are now stuck writing to clients that do not read; the write
  // timeout (3 s) ends them and the threads serve others again.
  std::this_thread::sleep_for(1s);
  SseSession session;
  auto waited = timeToFirstEvent(id, s().tokenMember, 15s, &session);
  EXPECT_LT(waited, 8s) << session.raw.substr(0, 200);
  stalled.clear();
  cancelJob(id);
}

}  // namespace rj::test
