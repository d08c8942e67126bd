#pragma once
// One poller per handler process for every live stream in it: each tick it asks the database once
// for the state of all watched jobs (status and last_event_seq), reads new events only for the
// jobs that have some, and hands every watcher the events past its own cursor. The database work
// grows with the number of jobs that change, not with the number of idle streams.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "events/event_store.h"
#include "sse/poller_loop.h"
#include "sse/stream_watcher.h"

namespace rj {

// Payload bytes a watcher holds for its stream at most (plus one event), and a poll reads at
// most per job.
constexpr size_t kMaxPendingBytes = 128 * 1024;

// Poll interval settings from RJ_STREAM_POLL_MS (idle, 10..1000, default 50),
// RJ_STREAM_FAST_POLL_MS (5..idle, default 20) and RJ_STREAM_CREDENTIAL_CHECK_SECONDS (1..300,
// default 10).
PollerSettings pollerSettingsFromConfig();

// What a stream has to do next: write events, then possibly complete, fail or stop.
struct StreamBatch {
  std::vector<JobEvent> events;
  std::optional<JobStatus> completedStatus;  // the job is terminal and every event is handed
  std::optional<StreamFailure> failure;
  bool clientGone = false;
  bool timedOut = false;  // nothing happened until the deadline
};

// A stream's registration with the poller; the poller fills it, the stream drains it.
class EventWatcher : public StreamWatcher {
 public:
  EventWatcher(std::string jobId, int64_t cursor, int connectionFd,
               std::optional<StreamCredential> credential)
      : StreamWatcher(connectionFd, std::move(credential)),
        jobId_(std::move(jobId)),
        handedSeq_(cursor) {}

  // Waits until there is something to do or the deadline passes.
  StreamBatch next(std::chrono::steady_clock::time_point deadline);

  const std::string& jobId() const { return jobId_; }

 private:
  friend class EventPoller;
  bool isFinished() const override { return completedStatus_.has_value(); }
  // Holds as many events as it may (kMaxPendingBytes); the caller holds mutex_.
  bool isFull() const;
  std::string jobId_;
  std::deque<JobEvent> pending_;
  size_t pendingBytes_ = 0;
  int64_t handedSeq_;  // every event up to this seq is written or pending
  std::optional<JobStatus> completedStatus_;
};

class EventPoller {
 public:
  explicit EventPoller(PollerSettings settings)
      : settings_(settings), loop_(settings, [this] { return tick(); }) {}
  EventPoller(const EventPoller&) = delete;
  EventPoller& operator=(const EventPoller&) = delete;

  // The process's poller, started on first use.
  static EventPoller& shared();

  // Starts watching a job for a stream that already has every event up to `cursor`.
  // `connectionFd` (or -1) is checked each tick for a web server that hung up, the credential
  // (when given) every credentialInterval.
  std::shared_ptr<EventWatcher> watch(const std::string& jobId, int64_t cursor, int connectionFd,
                                      std::optional<StreamCredential> credential = std::nullopt);
  void unwatch(const std::shared_ptr<EventWatcher>& watcher);

 private:
  // One tick; true when events were found (poll again soon).
  bool tick();
  // Reads the job explicitly at the next tick, whether or not it was written lately.
  void noteForNextTick(const std::string& jobId);

  PollerSettings settings_;
  StreamChecks checks_{settings_.credentialInterval};
  // Jobs watched since the last tick: read on the next one whatever else it reads.
  std::mutex newJobsMutex_;
  std::vector<std::string> newJobs_;
  size_t sweepOffset_ = 0;         // where the next tick's slice of the watched jobs begins
  PollerLoop<EventWatcher> loop_;  // last: its thread ticks while the members above exist
};

// Watches a job for the lifetime of this object.
class EventWatch {
 public:
  EventWatch(EventPoller& poller, const std::string& jobId, int64_t cursor, int connectionFd,
             std::optional<StreamCredential> credential = std::nullopt)
      : poller_(poller),
        watcher_(poller.watch(jobId, cursor, connectionFd, std::move(credential))) {}
  ~EventWatch() { poller_.unwatch(watcher_); }
  EventWatch(const EventWatch&) = delete;
  EventWatch& operator=(const EventWatch&) = delete;
  EventWatcher* operator->() { return watcher_.get(); }

 private:
  EventPoller& poller_;
  std::shared_ptr<EventWatcher> watcher_;
};

}  // namespace rj
