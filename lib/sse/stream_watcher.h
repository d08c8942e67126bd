#pragma once
// What every live stream's registration with a poller shares: the client connection the poller
// checks for a hang-up, the credential it checks again now and then, and the failure that ends
// the stream. The pollers (EventPoller for one job, WorkspacePoller for a workspace) fill their
// watchers under the watcher's mutex; the stream's thread waits on it.
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace rj {

// Who a stream is for. A stream that outlives its token (revoked, expired) or its user's
// membership of the workspace ends with a failure that is not retryable.
struct StreamCredential {
  std::string tokenHash;
  std::string workspaceId;
};

// Why a stream must end without completing.
struct StreamFailure {
  std::string message;
  bool retryable = true;
};

class StreamWatcher {
 public:
  StreamWatcher(int connectionFd, std::optional<StreamCredential> credential)
      : connectionFd_(connectionFd), credential_(std::move(credential)) {}
  virtual ~StreamWatcher() = default;
  StreamWatcher(const StreamWatcher&) = delete;
  StreamWatcher& operator=(const StreamWatcher&) = delete;

  int connectionFd() const { return connectionFd_; }
  const std::optional<StreamCredential>& credential() const { return credential_; }

  // Ends the stream with `failure` unless it has already ended; wakes its thread.
  void fail(const StreamFailure& failure);
  // The web server hung up: the stream's thread stops.
  void markClientGone();

 protected:
  // Whether the stream still takes events; the caller holds mutex_.
  bool isOpen() const { return !clientGone_ && !failure_ && !isFinished(); }
  // A stream that ended on its own terms (a job's stream.complete); the caller holds mutex_.
  virtual bool isFinished() const { return false; }

  std::mutex mutex_;
  std::condition_variable changed_;
  std::optional<StreamFailure> failure_;
  bool clientGone_ = false;

 private:
  int connectionFd_;
  std::optional<StreamCredential> credential_;
};

// Marks the watchers whose web server closed the connection (a full hang-up: a CGI server
// half-closes the socket after the request body, and the answer still goes out on it).
void markHungUpClients(const std::vector<StreamWatcher*>& watchers);

// Fails the watchers whose token is no longer live or whose user left the workspace, in one
// query per kMaxCheckedTokens tokens. Database trouble is logged and left for the next check.
void failStaleCredentials(const std::vector<StreamWatcher*>& watchers);

// What a poller checks of all its streams at its tick, each at its own pace: hung-up connections
// every kHangUpCheckInterval (one poll() over thousands of descriptors is work worth sparing most
// ticks), credentials every credentialInterval (the first check one interval after the start).
class StreamChecks {
 public:
  explicit StreamChecks(std::chrono::milliseconds credentialInterval)
      : credentialInterval_(credentialInterval) {}
  void run(const std::vector<StreamWatcher*>& watchers);

 private:
  static constexpr std::chrono::milliseconds kHangUpCheckInterval{250};
  std::chrono::milliseconds credentialInterval_;
  std::chrono::steady_clock::time_point hangUpsCheckedAt_;
  std::chrono::steady_clock::time_point credentialsCheckedAt_ = std::chrono::steady_clock::now();
};

}  // namespace rj
