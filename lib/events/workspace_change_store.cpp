#include "events/workspace_change_store.h"

#include <algorithm>
#include <stdexcept>

#include "db/padded_list.h"
#include "db/transaction.h"
#include "util/time.h"

namespace rj {

namespace {
// Rows one statement of the sequencer moves.
constexpr size_t kNumberedPerStatement = 256;

// A change row's columns, in the inbox and in the log (which adds `position`).
const char* const kChangeColumns =
    "workspace_id, job_id, job_seq, event_type, type, status, priority, progress_percent,"
    " attempt, max_attempts, run_at, created_at, updated_at, started_at, completed_at";
}  // namespace

bool isWorkspaceChangeType(EventType type) {
  switch (type) {
    case EventType::StepStarted:
    case EventType::StepOutput:
    case EventType::StepCompleted:
    case EventType::StepFailed:
      return false;
    default:
      return true;
  }
}

void recordWorkspaceChanges(Connection& connection, const std::string& jobId,
                            const std::vector<std::pair<int64_t, EventType>>& events) {
  std::vector<JobEventKey> keys;
  for (const auto& [seq, type] : events) keys.push_back({jobId, seq, type});
  recordWorkspaceChanges(connection, keys);
}

void recordWorkspaceChanges(Connection& connection, const std::vector<JobEventKey>& events) {
  // (ordinal, job id, seq, type) of the events that are changes, as a derived table.
  std::string changes;
  std::vector<const JobEventKey*> kept;
  for (const auto& event : events) {
    if (!isWorkspaceChangeType(event.type)) continue;
    changes += kept.empty() ? "SELECT ? AS ordinal, ? AS job_id, ? AS seq, ? AS event_type"
                            : " UNION ALL SELECT ?, ?, ?, ?";
    kept.push_back(&event);
  }
  if (kept.empty()) return;
  Query insert(
      connection,
      std::string("INSERT INTO workspace_change_inbox (") + kChangeColumns +
          ") SELECT j.workspace_id, j.id, e.seq, e.event_type, j.type, j.status, j.priority,"
          " j.progress_percent, j.attempt, j.max_attempts, j.run_at, j.created_at,"
          " j.updated_at, j.started_at, j.completed_at FROM (" +
          changes + ") e JOIN runner_jobs j ON j.id = e.job_id ORDER BY e.ordinal");
  int64_t ordinal = 0;
  for (const JobEventKey* event : kept) {
    insert.bind(++ordinal).bind(event->jobId).bind(event->seq).bind(eventTypeName(event->type));
  }
  insert.execute();
}

std::string newJobChangesInsert(size_t changes, const std::string& jobIdVariable) {
  // One INSERT per change, each reading the job's row by its primary key: the statements' order
  // is the rows' order, with no derived table to build and sort (a join of one took 85 us of
  // server time against 35 us for the same rows from values, see DESIGN.md).
  const std::string one = std::string("INSERT INTO workspace_change_inbox (") + kChangeColumns +
                          ") SELECT workspace_id, id, ?, ?, type, status, priority,"
                          " progress_percent, attempt, max_attempts, run_at, created_at,"
                          " updated_at, started_at, completed_at FROM runner_jobs WHERE id = " +
                          jobIdVariable;
  return placeholderList(changes, one, "; ");
}

const char* const kUnnumberedChangesSelect =
    "SELECT id FROM workspace_change_inbox ORDER BY id LIMIT ?";

namespace {
// Rows a handler older than sql/016 left unnumbered in workspace_changes itself (position NULL),
// between that migration and its restart. Found through the position index, where NULLs come
// first: one index dive when there are none.
const char* const kLegacyUnnumberedSelect =
    "SELECT id FROM workspace_changes WHERE position IS NULL ORDER BY id LIMIT ?";

std::vector<int64_t> readIds(Connection& connection, const char* select, int64_t limit) {
  auto rows = Query(connection, select).bind(limit).rows();
  std::vector<int64_t> ids;
  while (rows->next()) ids.push_back(rows->getInt64("id"));
  return ids;
}

// Appends the rows `ids` of `source` to workspace_changes at positions after `position`, in id
// order, and deletes them from `source`; returns the last position given. Both statements name
// the rows by id: the DELETE removes exactly what was copied.
int64_t moveNumbered(Connection& connection, const std::string& source,
                     const std::vector<int64_t>& ids, int64_t position) {
  for (size_t start = 0; start < ids.size(); start += kNumberedPerStatement) {
    size_t count = std::min(kNumberedPerStatement, ids.size() - start);
    std::vector<int64_t> chunk(ids.begin() + static_cast<std::ptrdiff_t>(start),
                               ids.begin() + static_cast<std::ptrdiff_t>(start + count));
    // Padded (a repeated id changes nothing in IN): a handful of statement shapes, each
    // prepared once per connection.
    size_t slots = paddedSlots(count, 8);
    std::string idList = "(" + placeholderList(slots) + ")";
    Query copy(connection, std::string("INSERT INTO workspace_changes (position, ") +
                               kChangeColumns + ") SELECT ? + ROW_NUMBER() OVER (ORDER BY id), " +
                               kChangeColumns + " FROM " + source + " WHERE id IN " + idList);
    bindPadded(copy.bind(position), chunk, slots).execute();
    Query remove(connection, "DELETE FROM " + source + " WHERE id IN " + idList);
    bindPadded(remove, chunk, slots).execute();
    position += static_cast<int64_t>(count);
  }
  return position;
}
}  // namespace

int64_t sequenceWorkspaceChanges(Connection& connection, int64_t limit) {
  // READ COMMITTED, and plain (consistent) reads of the rows to number: they see committed rows
  // only, so the sequencer takes no gap locks (writers appending to the inbox never wait for
  // it), no lock on a row before it moves it, and never waits for a writer either. A row it does
  // not see is not committed yet; it gets a number after every row numbered now, and a job's
  // changes still get theirs in seq order (a job's next event is inserted only after its
  // previous one committed). Only the sequencer moves rows out of the inbox, and sequencers take
  // turns on the sequencer row, so a row read here is still there when it is moved.
  connection.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED");
  Transaction transaction(connection);
  auto last = Query(connection,
                    "SELECT last_position FROM workspace_change_sequencer WHERE id = 1 FOR UPDATE")
                  .rows();
  if (!last->next()) throw std::runtime_error("workspace_change_sequencer has no row");
  int64_t position = last->getInt64("last_position");
  // The inbox is read first and numbered last. A legacy row that an inbox row read here follows
  // (the next event of its job) committed before that read, so the legacy read after it sees
  // it too, and it is numbered first.
  std::vector<int64_t> ids = readIds(connection, kUnnumberedChangesSelect, limit);
  std::vector<int64_t> legacy = readIds(connection, kLegacyUnnumberedSelect, limit);
  position = moveNumbered(connection, "workspace_changes", legacy, position);
  position = moveNumbered(connection, "workspace_change_inbox", ids, position);
  int64_t numbered = static_cast<int64_t>(legacy.size() + ids.size());
  if (numbered > 0) {
    Query(connection, "UPDATE workspace_change_sequencer SET last_position = ? WHERE id = 1")
        .bind(position)
        .execute();
  }
  transaction.commit();
  return numbered;
}

const char* const kWorkspaceChangesVersionColumns =
    "(SELECT COALESCE(MAX(position), 0) FROM workspace_changes WHERE workspace_id = ?)"
    " AS changes_position,"
    " (SELECT COUNT(*) FROM workspace_change_inbox WHERE workspace_id = ?)"
    " AS changes_unnumbered";

WorkspaceChangesVersion readWorkspaceChangesVersion(Connection& connection,
                                                    const std::string& workspaceId) {
  static const std::string text = std::string("SELECT ") + kWorkspaceChangesVersionColumns;
  // Causal on a cluster, as the page's read: a change through another front end moves it.
  auto rows =
      Query(connection, causalRead(connection, text)).bind(workspaceId).bind(workspaceId).rows();
  rows->next();
  return WorkspaceChangesVersion{rows->getInt64(1), rows->getInt64(2)};
}

ChangeLogMark readChangeLogMark(Connection& connection) {
  auto rows = Query(connection,
                    "SELECT last_position, EXISTS (SELECT 1 FROM workspace_change_inbox)"
                    " OR EXISTS (SELECT 1 FROM workspace_changes WHERE position IS NULL)"
                    " AS unsequenced FROM workspace_change_sequencer WHERE id = 1")
                  .rows();
  ChangeLogMark mark;
  if (!rows->next()) return mark;
  mark.lastPosition = rows->getInt64("last_position");
  mark.unsequenced = rows->getBoolean("unsequenced");
  return mark;
}

WorkspaceLogStart readWorkspaceLogStart(Connection& connection, const std::string& workspaceId) {
  auto rows = Query(connection,
                    "SELECT s.last_position, w.changes_pruned_through FROM workspaces w"
                    " JOIN workspace_change_sequencer s ON s.id = 1 WHERE w.id = ?")
                  .bind(workspaceId)
                  .rows();
  WorkspaceLogStart start;
  if (!rows->next()) return start;
  start.lastPosition = rows->getInt64("last_position");
  start.prunedThrough = rows->getInt64("changes_pruned_through");
  return start;
}

int64_t readPrunedThrough(Connection& connection, const std::string& workspaceId) {
  auto rows = Query(connection, "SELECT changes_pruned_through FROM workspaces WHERE id = ?")
                  .bind(workspaceId)
                  .rows();
  return rows->next() ? rows->getInt64("changes_pruned_through") : 0;
}

std::vector<WorkspaceChange> readWorkspaceChanges(Connection& connection,
                                                  const std::string& workspaceId,
                                                  int64_t afterPosition, int64_t upToPosition,
                                                  int64_t limit) {
  auto rows = Query(connection,
                    "SELECT position, job_id, job_seq, event_type, type, status, priority,"
                    " progress_percent, attempt, max_attempts, run_at, created_at, updated_at,"
                    " started_at, completed_at FROM workspace_changes"
                    " WHERE workspace_id = ? AND position > ? AND position <= ?"
                    " ORDER BY position LIMIT ?")
                  .bind(workspaceId)
                  .bind(afterPosition)
                  .bind(upToPosition)
                  .bind(limit)
                  .rows();
  std::vector<WorkspaceChange> changes;
  while (rows->next()) {
    WorkspaceChange change;
    change.position = rows->getInt64("position");
    change.jobId = rows->getString("job_id");
    change.seq = rows->getInt64("job_seq");
    change.event = rows->getString("event_type");
    change.type = rows->getString("type");
    change.status = rows->getString("status");
    change.priority = rows->getInt64("priority");
    change.progressPercent = rows->getInt64("progress_percent");
    change.attempt = rows->getInt64("attempt");
    change.maxAttempts = rows->getInt64("max_attempts");
    change.runAt = toIsoTimestamp(std::string(rows->getString("run_at")));
    change.createdAt = toIsoTimestamp(std::string(rows->getString("created_at")));
    change.updatedAt = toIsoTimestamp(std::string(rows->getString("updated_at")));
    change.startedAt = toIsoTimestamp(optionalString(*rows, "started_at"));
    change.completedAt = toIsoTimestamp(optionalString(*rows, "completed_at"));
    changes.push_back(std::move(change));
  }
  return changes;
}

std::set<std::string> workspacesChangedBetween(Connection& connection, int64_t afterPosition,
                                               int64_t upToPosition) {
  auto rows = Query(connection,
                    "SELECT DISTINCT workspace_id FROM workspace_changes"
                    " WHERE position > ? AND position <= ?")
                  .bind(afterPosition)
                  .bind(upToPosition)
                  .rows();
  std::set<std::string> workspaces;
  while (rows->next()) workspaces.insert(rows->getString("workspace_id"));
  return workspaces;
}

int64_t pruneWorkspaceChanges(Connection& connection, const std::string& cut, int64_t batchSize) {
  // Only numbered rows are deleted (as a prefix of positions): number what has committed first,
  // so that no old row is left behind in the inbox to be numbered, and sent, after the horizon
  // moved past it.
  while (sequenceWorkspaceChanges(connection) > 0) {
  }
  int64_t deleted = 0;
  for (;;) {
    // The oldest numbered rows; the prefix of them created before the cut goes. (Positions follow
    // commit order, so the prefix is what is old, give or take the moments around the cut.)
    auto rows = Query(connection,
                      "SELECT position, created_at < ? AS old FROM workspace_changes"
                      " WHERE position IS NOT NULL ORDER BY position LIMIT ?")
                    .bind(cut)
                    .bind(batchSize)
                    .rows();
    int64_t through = 0;
    bool reachedCut = false;
    while (rows->next()) {
      if (!rows->getBoolean("old")) {
        reachedCut = true;
        break;
      }
      through = rows->getInt64("position");
    }
    if (through == 0) break;
    // The workspaces learn what they lost in the transaction that deletes it: a stream that
    // reads its rows first and the horizon second never misses a deletion.
    Transaction transaction(connection);
    Query(connection,
          "UPDATE workspaces w JOIN (SELECT workspace_id, MAX(position) AS through"
          " FROM workspace_changes WHERE position <= ? GROUP BY workspace_id) gone"
          " ON gone.workspace_id = w.id"
          " SET w.changes_pruned_through = GREATEST(w.changes_pruned_through, gone.through)")
        .bind(through)
        .execute();
    int64_t batch = Query(connection, "DELETE FROM workspace_changes WHERE position <= ?")
                        .bind(through)
                        .execute();
    transaction.commit();
    deleted += batch;
    if (reachedCut || batch < batchSize) break;
  }
  return deleted;
}

}  // namespace rj
