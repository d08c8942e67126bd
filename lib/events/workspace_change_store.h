#pragma once
// The workspace change log (sql/010, sql/016): written beside each job.* event into an inbox,
// moved into the log with its position by the sequencer, read by workspace streams, trimmed by
// retention.
#include <cstdint>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "db/connection.h"
#include "events/event_type.h"
#include "events/workspace_change.h"

namespace rj {

// Whether an event of this type is a change of the job itself (job.*), which the workspace
// stream carries; a step's events are not.
bool isWorkspaceChangeType(EventType type);

// Records the job's summary as it stands now, once for each of the given events (seq, type) that
// is a change of the job (the others are left out), in one statement inside the caller's
// transaction (the one that appended those events): the rows commit or roll back with them.
void recordWorkspaceChanges(Connection& connection, const std::string& jobId,
                            const std::vector<std::pair<int64_t, EventType>>& events);

// The same for events of several jobs, one (job id, seq, type) each, in one statement; the rows
// are inserted in the given order.
struct JobEventKey {
  std::string jobId;
  int64_t seq = 0;
  EventType type = EventType::JobCreated;
};
void recordWorkspaceChanges(Connection& connection, const std::vector<JobEventKey>& events);

// The INSERT of the change rows of a job whose row an earlier statement of the same compound
// statement (jobs/job_insert.cpp) inserted, naming the job by the compound statement's variable
// `jobIdVariable`: one row per pair of placeholders (seq, event type name), in their order, with
// the job's summary as that statement left it.
std::string newJobChangesInsert(size_t changes, const std::string& jobIdVariable);

// Numbers up to `limit` committed inbox rows in id order after the last position (moving them
// into workspace_changes), and up to `limit` rows a handler older than sql/016 left unnumbered in
// workspace_changes itself, in one transaction holding the sequencer row; returns how many. Any
// number of processes may call it: they take turns on that row.
constexpr int64_t kChangesNumberedPerCall = 5000;
int64_t sequenceWorkspaceChanges(Connection& connection, int64_t limit = kChangesNumberedPerCall);
// The sequencer's read of the inbox (one parameter: the limit). It must walk the primary key in
// id order and stop at the limit, never sort the whole backlog (sql/015);
// tests/integration/workspace_changes.cpp checks the server's plan for it.
extern const char* const kUnnumberedChangesSelect;

// Where the log stands: its last position, and whether rows wait for a number.
struct ChangeLogMark {
  int64_t lastPosition = 0;
  bool unsequenced = false;
};
ChangeLogMark readChangeLogMark(Connection& connection);

// What every row a workspace's change log gains moves. Rows are numbered after they commit
// (in the inbox until then), so a row that commits late, after a row with a higher id, still
// shows: it adds to the inbox, and numbering raises the last position. The pair never comes back
// to an earlier one: rows leave the inbox only by being numbered, and positions only grow.
struct WorkspaceChangesVersion {
  int64_t lastPosition = 0;
  int64_t unnumbered = 0;

  bool operator==(const WorkspaceChangesVersion& other) const {
    return lastPosition == other.lastPosition && unnumbered == other.unnumbered;
  }
  bool operator!=(const WorkspaceChangesVersion& other) const { return !(*this == other); }
};
// The version of a workspace's change log as two columns of a SELECT (changes_position,
// changes_unnumbered): uncorrelated subqueries, run once a statement, each bound with the
// workspace id. A statement that reads an answer with them reads its version in the same snapshot.
extern const char* const kWorkspaceChangesVersionColumns;
WorkspaceChangesVersion readWorkspaceChangesVersion(Connection& connection,
                                                    const std::string& workspaceId);

// Where a workspace's stream starts: the log's last position and the highest position of the
// workspace that retention deleted. nullopt when the workspace does not exist.
struct WorkspaceLogStart {
  int64_t lastPosition = 0;
  int64_t prunedThrough = 0;
};
WorkspaceLogStart readWorkspaceLogStart(Connection& connection, const std::string& workspaceId);
int64_t readPrunedThrough(Connection& connection, const std::string& workspaceId);

// The workspace's changes with afterPosition < position <= upToPosition, in position order, at
// most `limit`.
std::vector<WorkspaceChange> readWorkspaceChanges(Connection& connection,
                                                  const std::string& workspaceId,
                                                  int64_t afterPosition, int64_t upToPosition,
                                                  int64_t limit);

// The workspaces with a change numbered in (afterPosition, upToPosition].
std::set<std::string> workspacesChangedBetween(Connection& connection, int64_t afterPosition,
                                               int64_t upToPosition);

// Retention: deletes the log's oldest rows created before `cut` (a DATETIME), as a prefix of
// positions in batches of `batchSize`, each batch in one transaction that also raises the
// workspaces' changes_pruned_through. Returns the rows deleted.
int64_t pruneWorkspaceChanges(Connection& connection, const std::string& cut, int64_t batchSize);

}  // namespace rj
