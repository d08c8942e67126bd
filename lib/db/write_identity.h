#pragma once
// Recognising one's own earlier commit. A COMMIT whose connection is lost may have succeeded: the
// server (on a Galera cluster, the other nodes) can have committed it before the answer was lost.
// Running such work again would repeat its side effect (a second claim, a second event). So the
// attempts of one withRetry call share a write id, which the job writes stamp on the rows they
// change (runner_jobs.last_write_id, in the same statements they write anyway), and after such a
// loss the next attempt first looks for its own id.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace rj {

// A row an attempt stamped with its write id, by the id it belongs to and its seq there (an
// event: its job's id and seq).
struct StampedRow {
  std::string id;
  int64_t seq = 0;
};

// The scope of one withRetry call on this thread (withRetry makes it).
class WriteScope {
 public:
  WriteScope();
  ~WriteScope();
  WriteScope(const WriteScope&) = delete;
  WriteScope& operator=(const WriteScope&) = delete;

  // Each attempt starts with no stamped rows: a failed attempt's rolled back.
  void beginAttempt() { stampedRows_.clear(); }

 private:
  friend std::optional<std::string> currentWriteId();
  friend bool earlierCommitMayHaveSucceeded();
  friend void noteCommitOutcomeUnknown();
  friend void noteStampedRow(StampedRow row);
  friend std::vector<StampedRow> takeStampedRows();
  std::string writeId_;  // made on first use
  bool commitOutcomeUnknown_ = false;
  std::vector<StampedRow> stampedRows_;
  WriteScope* outer_;
};

// The id the writes of the current withRetry call stamp; nullopt outside one (nothing to stamp).
std::optional<std::string> currentWriteId();
// True when an earlier attempt of the current withRetry call lost its connection in COMMIT.
bool earlierCommitMayHaveSucceeded();
// Transaction::commit calls this when the connection is lost during COMMIT.
void noteCommitOutcomeUnknown();
// The rows the current attempt stamped with the write id, for a check after its COMMIT that the
// cluster kept them (events/event_confirmation.h); nothing is noted outside a withRetry call.
void noteStampedRow(StampedRow row);
std::vector<StampedRow> takeStampedRows();

}  // namespace rj
