#include "sse/workspace_poller.h"

#include <algorithm>
#include <cstdio>
#include <set>

#include "db/retry.h"
#include "events/workspace_change_store.h"

namespace rj {

namespace {

// A watcher whose client reads slower than changes arrive gets no more until it catches up; its
// cursor stays put and the poller reads the rest from the table later, so nothing is lost.
constexpr size_t kMaxPendingChanges = 2000;
constexpr int64_t kChangesPerRead = 1000;
// Past this many positions since the last tick (a poller that was idle, a burst), every watched
// workspace is read instead of first asking which changed.
constexpr int64_t kMostPositionsAskedAbout = 20000;

struct WorkspaceSnapshot {
  std::string workspaceId;
  std::vector<std::shared_ptr<WorkspaceWatcher>> watchers;
};

// What a tick read for one workspace: its changes in (from, through], and the highest of its
// positions retention deleted, read after the changes (see pruneWorkspaceChanges).
struct WorkspaceRead {
  int64_t from = 0;
  int64_t through = 0;
  int64_t prunedThrough = 0;
  std::vector<WorkspaceChange> changes;
};

}  // namespace

bool WorkspaceWatcher::isFull() const {
  return pending_.size() >= kMaxPendingChanges;
}

WorkspaceBatch WorkspaceWatcher::next(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock<std::mutex> lock(mutex_);
  changed_.wait_until(lock, deadline,
                      [&] { return !pending_.empty() || resetTo_ || failure_ || clientGone_; });
  WorkspaceBatch batch;
  batch.changes.assign(std::make_move_iterator(pending_.begin()),
                       std::make_move_iterator(pending_.end()));
  pending_.clear();
  batch.resetTo = resetTo_;
  resetTo_.reset();
  batch.failure = failure_;
  batch.clientGone = clientGone_;
  batch.timedOut = batch.changes.empty() && !batch.resetTo && !batch.failure && !batch.clientGone;
  return batch;
}

WorkspacePoller& WorkspacePoller::shared() {
  static WorkspacePoller poller(pollerSettingsFromConfig());
  return poller;
}

std::shared_ptr<WorkspaceWatcher> WorkspacePoller::watch(
    const std::string& workspaceId, WorkspaceStreamFilter filter, int64_t cursor, int connectionFd,
    std::optional<StreamCredential> credential) {
  auto watcher = std::make_shared<WorkspaceWatcher>(workspaceId, std::move(filter), cursor,
                                                    connectionFd, std::move(credential));
  loop_.add(workspaceId, watcher);
  return watcher;
}

void WorkspacePoller::unwatch(const std::shared_ptr<WorkspaceWatcher>& watcher) {
  loop_.remove(watcher->workspaceId(), watcher);
}

bool WorkspacePoller::tick() {
  std::vector<WorkspaceSnapshot> workspaces;
  for (const auto& [id, watchers] : *loop_.snapshot()) workspaces.push_back({id, watchers});
  std::vector<StreamWatcher*> all;
  for (const auto& workspace : workspaces) {
    for (const auto& watcher : workspace.watchers) all.push_back(watcher.get());
  }
  checks_.run(all);

  const int64_t previous = scannedThrough_;
  int64_t last = previous;
  bool busy = false;
  std::vector<std::optional<WorkspaceRead>> reads(workspaces.size());
  // Workspaces with nothing numbered in (previous, last].
  std::vector<bool> unchanged(workspaces.size());
  std::optional<StreamFailure> failure;
  try {
    withRetry([&](Connection& connection) {
      ChangeLogMark mark = readChangeLogMark(connection);
      if (mark.unsequenced && sequenceWorkspaceChanges(connection) > 0) {
        busy = true;
        mark = readChangeLogMark(connection);
      }
      last = mark.lastPosition;
      // Which workspaces have changes past what every caught-up watcher has; nullopt: any.
      std::optional<std::set<std::string>> changed;
      if (previous >= 0 && last >= previous && last - previous <= kMostPositionsAskedAbout) {
        changed = last > previous ? workspacesChangedBetween(connection, previous, last)
                                  : std::set<std::string>{};
      }
      for (size_t i = 0; i < workspaces.size(); ++i) {
        reads[i].reset();
        unchanged[i] = changed && !changed->count(workspaces[i].workspaceId);
        int64_t from = INT64_MAX;
        for (const auto& watcher : workspaces[i].watchers) {
          std::lock_guard<std::mutex> lock(watcher->mutex_);
          if (watcher->isOpen() && !watcher->isFull())
            from = std::min(from, watcher->handedPosition_);
        }
        if (from >= last) continue;
        bool lagging = from < previous;
        if (!lagging && unchanged[i]) continue;
        WorkspaceRead read;
        read.from = from;
        read.changes = readWorkspaceChanges(connection, workspaces[i].workspaceId, from, last,
                                            kChangesPerRead);
        read.through = static_cast<int64_t>(read.changes.size()) < kChangesPerRead
                           ? last
                           : read.changes.back().position;
        read.prunedThrough = readPrunedThrough(connection, workspaces[i].workspaceId);
        if (!read.changes.empty()) busy = true;
        reads[i] = std::move(read);
      }
      return 0;
    });
  } catch (const TransientDatabaseError&) {
    failure = StreamFailure{"Database temporarily unavailable", true};
  } catch (const sql::SQLException& error) {
    std::fprintf(stderr, "runner-jobs: workspace change poll failed: %s\n", error.what());
    failure = StreamFailure{"Database error", false};
  } catch (const std::exception& error) {
    std::fprintf(stderr, "runner-jobs: workspace change poll failed: %s\n", error.what());
    failure = StreamFailure{"Internal error", false};
  }
  if (failure) {
    for (auto* watcher : all) watcher->fail(*failure);
    return false;
  }

  for (size_t i = 0; i < workspaces.size(); ++i) {
    for (const auto& watcher : workspaces[i].watchers) {
      std::unique_lock<std::mutex> lock(watcher->mutex_);
      if (!watcher->isOpen()) continue;
      int64_t& handed = watcher->handedPosition_;
      bool wake = false;
      if (!reads[i]) {
        // A watcher that had everything up to `previous` has everything up to `last`.
        if (unchanged[i] && handed >= previous) handed = std::max(handed, last);
      } else if (handed >= reads[i]->from) {
        const WorkspaceRead& read = *reads[i];
        if (handed < read.prunedThrough) {
          // Retention deleted changes this stream had not read: the client reloads.
          watcher->pending_.clear();
          watcher->resetTo_ = last;
          handed = last;
          wake = true;
        } else {
          for (const auto& change : read.changes) {
            if (watcher->isFull()) break;
            if (change.position <= handed) continue;
            if (watcher->filter_.accepts(change)) {
              watcher->pending_.push_back(change);
              wake = true;
            }
            handed = change.position;
          }
          if (!watcher->isFull()) handed = std::max(handed, read.through);
        }
      }
      lock.unlock();
      if (wake) watcher->changed_.notify_all();
    }
  }
  scannedThrough_ = last;
  return busy;
}

}  // namespace rj
