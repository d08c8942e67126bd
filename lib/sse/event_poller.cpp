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
  const std::string* jobId;  // in the tick's snapshot of the watchers
  const std::vector<std::shared_ptr<EventWatcher>>* watchers;
  int64_t fromSeq = 0;  // the smallest cursor among the watchers that can take more
};

struct JobUpdate {
  bool read = false;  // this tick learned the job's mark (or that it is gone)
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
  // Added before it is noted as new: a tick takes the new jobs before its snapshot of the
  // watchers, so every job it takes as new is in that snapshot.
  loop_.add(jobId, watcher);
  noteForNextTick(jobId);
  return watcher;
}

void EventPoller::unwatch(const std::shared_ptr<EventWatcher>& watcher) {
  loop_.remove(watcher->jobId(), watcher);
}

void EventPoller::noteForNextTick(const std::string& jobId) {
  std::lock_guard<std::mutex> lock(newJobsMutex_);
  newJobs_.push_back(jobId);
}

bool EventPoller::tick() {
  std::vector<std::string> newJobs;
  {
    std::lock_guard<std::mutex> lock(newJobsMutex_);
    newJobs.swap(newJobs_);
  }
  std::sort(newJobs.begin(), newJobs.end());
  auto snapshot = loop_.snapshot();
  std::vector<JobSnapshot> jobs;
  jobs.reserve(snapshot->size());
  for (const auto& [jobId, watchers] : *snapshot) jobs.push_back({&jobId, &watchers, 0});

  std::vector<StreamWatcher*> all;
  for (const auto& job : jobs) {
    for (const auto& watcher : *job.watchers) all.push_back(watcher.get());
  }
  checks_.run(all);

  for (auto& job : jobs) {
    job.fromSeq = INT64_MAX;
    for (auto& watcher : *job.watchers) {
      std::lock_guard<std::mutex> lock(watcher->mutex_);
      if (!watcher->isOpen()) continue;
      if (watcher->isFull()) {
        // Its client is behind: once it has drained, the rest comes from the table, by the
        // next tick's read, even when the job's writes are no longer recent.
        noteForNextTick(*job.jobId);
        continue;
      }
      job.fromSeq = std::min(job.fromSeq, watcher->handedSeq_);
    }
  }

  // Which jobs this tick reads explicitly: all of them while they are few; otherwise the newly
  // watched ones (their streams replayed up to a moment this tick's recent read may not reach
  // back to) and the next slice of the rest (a write that committed too late for any recent read,
  // or a job deleted).
  const bool readAll = jobs.size() <= settings_.readAllUpTo;
  std::vector<bool> explicitRead(jobs.size(), readAll);
  if (!readAll) {
    size_t slice = std::max(settings_.readAllUpTo,
                            (jobs.size() + static_cast<size_t>(settings_.sweepTicks) - 1) /
                                static_cast<size_t>(settings_.sweepTicks));
    if (sweepOffset_ >= jobs.size()) sweepOffset_ = 0;
    for (size_t n = 0; n < slice && n < jobs.size(); ++n) {
      explicitRead[(sweepOffset_ + n) % jobs.size()] = true;
    }
    sweepOffset_ = (sweepOffset_ + slice) % jobs.size();
    for (size_t i = 0; i < jobs.size(); ++i) {
      if (std::binary_search(newJobs.begin(), newJobs.end(), *jobs[i].jobId))
        explicitRead[i] = true;
    }
  }

  std::vector<JobUpdate> updates(jobs.size());
  std::optional<StreamFailure> failure;
  try {
    withRetry([&](Connection& connection) {
      std::map<std::string, JobEventMark> recent;
      if (!readAll) recent = readRecentJobEventMarks(connection, settings_.recentWindow);
      std::vector<size_t> chosen;
      for (size_t i = 0; i < jobs.size(); ++i) {
        if (explicitRead[i]) chosen.push_back(i);
      }
      std::map<std::string, JobEventMark> marks;
      for (size_t start = 0; start < chosen.size(); start += kMaxMarkedJobs) {
        size_t end = std::min(chosen.size(), start + kMaxMarkedJobs);
        std::vector<std::string> ids;
        for (size_t n = start; n < end; ++n) ids.push_back(*jobs[chosen[n]].jobId);
        marks.merge(readJobEventMarks(connection, ids));
      }
      for (size_t i = 0; i < jobs.size(); ++i) {
        updates[i] = JobUpdate{};
        if (explicitRead[i]) {
          // Only an explicit read can tell that a job no longer exists.
          updates[i].read = true;
          auto found = marks.find(*jobs[i].jobId);
          if (found == marks.end()) continue;
          updates[i].exists = true;
          updates[i].mark = found->second;
        } else {
          auto found = recent.find(*jobs[i].jobId);
          if (found == recent.end()) continue;
          updates[i].read = true;
          updates[i].exists = true;
          updates[i].mark = found->second;
        }
        if (jobs[i].fromSeq < updates[i].mark.lastEventSeq) {
          updates[i].events = readEventsAfter(connection, *jobs[i].jobId, jobs[i].fromSeq,
                                              kEventsPerRead, kMaxPendingBytes);
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
    for (auto& watcher : *jobs[i].watchers) {
      std::unique_lock<std::mutex> lock(watcher->mutex_);
      if (!watcher->isOpen()) continue;
      if (failure) {
        watcher->failure_ = failure;
      } else if (!update.read) {
        // Not written lately and not in this tick's slice: nothing new to hand.
      } else if (!update.exists) {
        watcher->failure_ =
            StreamFailure{"Runner job " + *jobs[i].jobId + " no longer exists", false};
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
