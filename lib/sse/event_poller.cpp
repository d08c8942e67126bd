#include "sse/event_poller.h"

#include <algorithm>
#include <cstdio>

#include "db/config.h"
#include "db/retry.h"
#include "jobs/job.h"

namespace rj {

namespace {

// A watcher whose client reads slower than events arrive gets no more until it catches up; its
// cursor stays put, so the poller reads the rest from the table later and nothing is lost. Both
// bounds are in payload bytes too, so a stalled client costs the process a small constant.
constexpr size_t kMaxPendingEvents = 2000;
constexpr int64_t kEventsPerRead = 1000;

struct JobSnapshot {
  std::string jobId;
  std::vector<std::shared_ptr<EventWatcher>> watchers;
  int64_t fromSeq = 0;  // the smallest cursor among the watchers that can take more
};

struct JobUpdate {
  bool exists = false;
  JobEventMark mark;
  std::vector<JobEvent> events;
};

}  // namespace

PollerSettings pollerSettingsFromConfig() {
  PollerSettings settings;
  int64_t idle = integerSetting("RJ_STREAM_POLL_MS", 50, 10, 1000);
  int64_t fast = integerSetting("RJ_STREAM_FAST_POLL_MS", 20, 5, idle);
  settings.idleInterval = std::chrono::milliseconds(idle);
  settings.fastInterval = std::chrono::milliseconds(fast);
  settings.credentialInterval =
      std::chrono::seconds(integerSetting("RJ_STREAM_CREDENTIAL_CHECK_SECONDS", 10, 1, 300));
  return settings;
}

bool EventWatcher::isFull() const {
  return pending_.size() >= kMaxPendingEvents || pendingBytes_ >= kMaxPendingBytes;
}

StreamBatch EventWatcher::next(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock<std::mutex> lock(mutex_);
  changed_.wait_until(lock, deadline, [&] {
    return !pending_.empty() || completedStatus_ || failure_ || clientGone_;
  });
  StreamBatch batch;
  batch.events.assign(std::make_move_iterator(pending_.begin()),
                      std::make_move_iterator(pending_.end()));
  pending_.clear();
  pendingBytes_ = 0;
  batch.clientGone = clientGone_;
  batch.failure = failure_;
  // Complete only comes with (or after) the last events: they are in this batch.
  batch.completedStatus = completedStatus_;
  batch.timedOut =
      batch.events.empty() && !batch.completedStatus && !batch.failure && !batch.clientGone;
  return batch;
}

EventPoller& EventPoller::shared() {
  static EventPoller poller(pollerSettingsFromConfig());
  return poller;
}

std::shared_ptr<EventWatcher> EventPoller::watch(const std::string& jobId, int64_t cursor,
                                                 int connectionFd,
                                                 std::optional<StreamCredential> credential) {
  auto watcher = std::make_shared<EventWatcher>(jobId, cursor, connectionFd, std::move(credential));
  loop_.add(jobId, watcher);
  return watcher;
}

void EventPoller::unwatch(const std::shared_ptr<EventWatcher>& watcher) {
  loop_.remove(watcher->jobId(), watcher);
}

bool EventPoller::tick() {
  std::vector<JobSnapshot> jobs;
  for (const auto& [jobId, watchers] : loop_.snapshot()) jobs.push_back({jobId, watchers, 0});

  // A web server that closes the connection when its client hangs up (nginx does): notice it now
  // rather than at the next keep-alive.
  std::vector<StreamWatcher*> all;
  for (const auto& job : jobs) {
    for (const auto& watcher : job.watchers) all.push_back(watcher.get());
  }
  markHungUpClients(all);

  for (auto& job : jobs) {
    job.fromSeq = INT64_MAX;
    for (auto& watcher : job.watchers) {
      std::lock_guard<std::mutex> lock(watcher->mutex_);
      if (!watcher->isOpen() || watcher->isFull()) continue;
      job.fromSeq = std::min(job.fromSeq, watcher->handedSeq_);
    }
  }

  if (std::chrono::steady_clock::now() - credentialsCheckedAt_ >= settings_.credentialInterval) {
    credentialsCheckedAt_ = std::chrono::steady_clock::now();
    failStaleCredentials(all);
  }

  std::vector<JobUpdate> updates(jobs.size());
  std::optional<StreamFailure> failure;
  try {
    withRetry([&](Connection& connection) {
      for (size_t start = 0; start < jobs.size(); start += kMaxMarkedJobs) {
        size_t end = std::min(jobs.size(), start + kMaxMarkedJobs);
        std::vector<std::string> ids;
        for (size_t i = start; i < end; ++i) ids.push_back(jobs[i].jobId);
        auto marks = readJobEventMarks(connection, ids);
        for (size_t i = start; i < end; ++i) {
          auto found = marks.find(jobs[i].jobId);
          updates[i] = JobUpdate{found != marks.end(), {}, {}};
          if (found == marks.end()) continue;
          updates[i].mark = found->second;
          if (jobs[i].fromSeq < updates[i].mark.lastEventSeq) {
            updates[i].events = readEventsAfter(connection, jobs[i].jobId, jobs[i].fromSeq,
                                                kEventsPerRead, kMaxPendingBytes);
          }
        }
      }
      return 0;
    });
  } catch (const TransientDatabaseError&) {
    failure = StreamFailure{"Database temporarily unavailable", true};
  } catch (const sql::SQLException& error) {
    std::fprintf(stderr, "runner-jobs: event poll failed: %s\n", error.what());
    failure = StreamFailure{"Database error", false};
  } catch (const std::exception& error) {
    std::fprintf(stderr, "runner-jobs: event poll failed: %s\n", error.what());
    failure = StreamFailure{"Internal error", false};
  }

  bool busy = false;
  for (size_t i = 0; i < jobs.size(); ++i) {
    const JobUpdate& update = updates[i];
    if (!update.events.empty()) busy = true;
    for (auto& watcher : jobs[i].watchers) {
      std::unique_lock<std::mutex> lock(watcher->mutex_);
      if (!watcher->isOpen()) continue;
      if (failure) {
        watcher->failure_ = failure;
      } else if (!update.exists) {
        watcher->failure_ =
            StreamFailure{"Runner job " + jobs[i].jobId + " no longer exists", false};
      } else if (watcher->handedSeq_ >= jobs[i].fromSeq) {
        // (A watcher that was full when the read began is not covered by it: the read may start
        // past its cursor. It takes the next tick's read, which starts at or before its cursor.)
        for (const auto& event : update.events) {
          if (watcher->isFull()) break;
          if (event.seq <= watcher->handedSeq_) continue;
          watcher->pendingBytes_ += event.payload.size();
          watcher->pending_.push_back(event);
          watcher->handedSeq_ = event.seq;
        }
        // Status and last_event_seq come from one row read: once the job is terminal and the
        // watcher has everything up to that seq, nothing can follow.
        if (isTerminal(update.mark.status) && watcher->handedSeq_ >= update.mark.lastEventSeq) {
          watcher->completedStatus_ = update.mark.status;
        }
      }
      bool wake = !watcher->pending_.empty() || watcher->failure_ || watcher->completedStatus_;
      lock.unlock();
      if (wake) watcher->changed_.notify_all();
    }
  }
  return busy;
}

}  // namespace rj
