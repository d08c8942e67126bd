#pragma once
// Recognising one's own earlier commit. A COMMIT whose connection is lost may have succeeded: the
// server (on a Galera cluster, the other nodes) can have committed it before the answer was lost.
// Running such work again would repeat its side effect (a second claim, a second event). So the
// attempts of one withRetry call share a write id, which the job writes stamp on the rows they
// change (runner_jobs.last_write_id, in the same statements they write anyway), and after such a
// loss the next attempt first looks for its own id.
#include <optional>
#include <string>

namespace rj {

// The scope of one withRetry call on this thread (withRetry makes it).
class WriteScope {
 public:
  WriteScope();
  ~WriteScope();
  WriteScope(const WriteScope&) = delete;
  WriteScope& operator=(const WriteScope&) = delete;

 private:
  friend std::optional<std::string> currentWriteId();
  friend bool earlierCommitMayHaveSucceeded();
  friend void noteCommitOutcomeUnknown();
  std::string writeId_;  // made on first use
  bool commitOutcomeUnknown_ = false;
  WriteScope* outer_;
};

// The id the writes of the current withRetry call stamp; nullopt outside one (nothing to stamp).
std::optional<std::string> currentWriteId();
// True when an earlier attempt of the current withRetry call lost its connection in COMMIT.
bool earlierCommitMayHaveSucceeded();
// Transaction::commit calls this when the connection is lost during COMMIT.
void noteCommitOutcomeUnknown();

}  // namespace rj
