#pragma once
// One poller per stream handler process for every workspace stream in it. Each tick it asks the
// database once where the change log stands (numbering newly committed changes when there are
// some), asks which workspaces changed since the last tick, and reads changes only for watched
// workspaces that changed, or that have a stream still catching up. Idle streams cost nothing:
// the database work follows the changes, not the number of open streams.
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "events/workspace_change.h"
#include "sse/event_poller.h"
#include "sse/poller_loop.h"
#include "sse/stream_watcher.h"
#include "sse/workspace_stream_filter.h"

namespace rj {

struct WorkspaceBatch {
  std::vector<WorkspaceChange> changes;
  // Changes past the stream's cursor were deleted by retention before it read them: the client
  // must reload, and the stream goes on from this position.
  std::optional<int64_t> resetTo;
  std::optional<StreamFailure> failure;
  bool clientGone = false;
  bool timedOut = false;  // nothing happened until the deadline
};

class WorkspaceWatcher : public StreamWatcher {
 public:
  WorkspaceWatcher(std::string workspaceId, WorkspaceStreamFilter filter, int64_t cursor,
                   int connectionFd, std::optional<StreamCredential> credential)
      : StreamWatcher(connectionFd, std::move(credential)),
        workspaceId_(std::move(workspaceId)),
        filter_(std::move(filter)),
        handedPosition_(cursor) {}

  // Waits until there is something to do or the deadline passes.
  WorkspaceBatch next(std::chrono::steady_clock::time_point deadline);

  const std::string& workspaceId() const { return workspaceId_; }

 private:
  friend class WorkspacePoller;
  bool isFull() const;  // the caller holds mutex_
  std::string workspaceId_;
  WorkspaceStreamFilter filter_;
  std::deque<WorkspaceChange> pending_;
  // Every change of the workspace up to this position is written, pending or not wanted.
  int64_t handedPosition_;
  std::optional<int64_t> resetTo_;
};

class WorkspacePoller {
 public:
  explicit WorkspacePoller(PollerSettings settings)
      : settings_(settings), loop_(settings, [this] { return tick(); }) {}
  WorkspacePoller(const WorkspacePoller&) = delete;
  WorkspacePoller& operator=(const WorkspacePoller&) = delete;

  // The process's poller, started on first use.
  static WorkspacePoller& shared();

  // Starts watching for a stream that already has every change of the workspace up to `cursor`.
  std::shared_ptr<WorkspaceWatcher> watch(const std::string& workspaceId,
                                          WorkspaceStreamFilter filter, int64_t cursor,
                                          int connectionFd,
                                          std::optional<StreamCredential> credential);
  void unwatch(const std::shared_ptr<WorkspaceWatcher>& watcher);

 private:
  // One tick; true when changes were found (poll again soon).
  bool tick();

  PollerSettings settings_;
  // Every change numbered up to here has been handed to the watchers that were caught up.
  int64_t scannedThrough_ = -1;
  StreamChecks checks_{settings_.credentialInterval};
  PollerLoop<WorkspaceWatcher> loop_;  // last: its thread ticks while the members above exist
};

// Watches a workspace for the lifetime of this object.
class WorkspaceWatch {
 public:
  WorkspaceWatch(WorkspacePoller& poller, const std::string& workspaceId,
                 WorkspaceStreamFilter filter, int64_t cursor, int connectionFd,
                 std::optional<StreamCredential> credential)
      : poller_(poller),
        watcher_(poller.watch(workspaceId, std::move(filter), cursor, connectionFd,
                              std::move(credential))) {}
  ~WorkspaceWatch() { poller_.unwatch(watcher_); }
  WorkspaceWatch(const WorkspaceWatch&) = delete;
  WorkspaceWatch& operator=(const WorkspaceWatch&) = delete;
  WorkspaceWatcher* operator->() { return watcher_.get(); }

 private:
  WorkspacePoller& poller_;
  std::shared_ptr<WorkspaceWatcher> watcher_;
};

}  // namespace rj
