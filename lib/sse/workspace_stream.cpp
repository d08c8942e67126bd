#include "sse/workspace_stream.h"

#include <cstdio>

#include "db/retry.h"
#include "events/workspace_change_store.h"
#include "json/json.h"
#include "sse/sse_format.h"
#include "sse/workspace_poller.h"

namespace rj {

namespace {

constexpr int64_t kReplayBatch = 500;

std::string cursorData(int64_t position) {
  JsonWriter out;
  out.startObject().key("cursor").integer(position).endObject();
  return out.take();
}

// `reset` carries no id: a client cut off before the stream.ready that follows it comes back
// with its old cursor and is told again.
void writeReset(StreamWriter& out, int64_t position) {
  JsonWriter data;
  data.startObject()
      .key("message")
      .string("Changes after this cursor were deleted by retention; reload the job list")
      .key("cursor")
      .integer(position)
      .endObject();
  out.write(sseControlEvent("reset", data.take()));
}

// Replays the changes after `cursor` up to the log's position when the stream began; returns
// the position the live part goes on from.
int64_t replay(StreamWriter& out, const std::string& workspaceId, std::optional<int64_t> cursor,
               const WorkspaceStreamFilter& filter) {
  WorkspaceLogStart start = withRetry([&](Connection& connection) {
    // Number what has committed, so that the replay holds every change made before the stream.
    if (readChangeLogMark(connection).unsequenced) sequenceWorkspaceChanges(connection);
    return readWorkspaceLogStart(connection, workspaceId);
  });
  if (!cursor) return start.lastPosition;
  // A cursor past the end comes from another database (a restore): as lost as a pruned one.
  if (*cursor < start.prunedThrough || *cursor > start.lastPosition) {
    writeReset(out, start.lastPosition);
    return start.lastPosition;
  }
  int64_t position = *cursor;
  for (;;) {
    std::vector<WorkspaceChange> changes;
    int64_t prunedThrough = 0;
    withRetry([&](Connection& connection) {
      changes =
          readWorkspaceChanges(connection, workspaceId, position, start.lastPosition, kReplayBatch);
      // Read after the changes: a prune that committed before the read shows here.
      prunedThrough = readPrunedThrough(connection, workspaceId);
      return 0;
    });
    if (prunedThrough > position) {
      writeReset(out, start.lastPosition);
      return start.lastPosition;
    }
    for (const auto& change : changes) {
      if (filter.accepts(change)) out.write(sseWorkspaceChange(change));
      position = change.position;
    }
    if (!changes.empty() && !out.flush()) return position;
    if (static_cast<int64_t>(changes.size()) < kReplayBatch) return start.lastPosition;
  }
}

}  // namespace

Response workspaceEventStream(const std::string& userId, const std::string& tokenHash,
                              const std::string& workspaceId, std::optional<int64_t> cursor,
                              const WorkspaceStreamFilter& filter) {
  return openEventStream(
      userId, tokenHash, workspaceId,
      [workspaceId, cursor, filter](StreamWriter& out, const StreamSettings& settings,
                                    const StreamCredential& credential) {
        writeWorkspaceChanges(out, workspaceId, cursor, filter, settings, credential);
      });
}

void writeWorkspaceChanges(StreamWriter& out, const std::string& workspaceId,
                           std::optional<int64_t> cursor, const WorkspaceStreamFilter& filter,
                           const StreamSettings& settings,
                           const std::optional<StreamCredential>& credential) {
  limitWriteTime(out.connectionFd(), settings.writeTimeout);
  out.write(sseRetryHint(kReconnectHintMilliseconds));
  if (!out.flush()) return;

  int64_t position = 0;
  if (!replayOrEnd(out, [&] { position = replay(out, workspaceId, cursor, filter); })) return;
  out.write(sseCursorEvent("stream.ready", position, cursorData(position)));
  if (!out.flush()) return;

  // A watching stream needs no connection of its own: the poller reads for all of them.
  discardThreadConnection();
  WorkspaceWatch watch(WorkspacePoller::shared(), workspaceId, filter, position, out.connectionFd(),
                       credential);
  for (;;) {
    WorkspaceBatch batch = watch->next(std::chrono::steady_clock::now() + settings.keepAlive);
    if (batch.clientGone) return;
    for (const auto& change : batch.changes) out.write(sseWorkspaceChange(change));
    if (batch.resetTo) {
      writeReset(out, *batch.resetTo);
      out.write(sseCursorEvent("stream.ready", *batch.resetTo, cursorData(*batch.resetTo)));
    }
    if (batch.failure) {
      endWithFailure(out, *batch.failure);
      return;
    }
    if (batch.timedOut) out.write(sseKeepAlive());
    // A client that went away shows here, at the latest with the next keep-alive.
    if (!out.flush()) return;
  }
}

}  // namespace rj
