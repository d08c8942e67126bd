#include "runners/claim_service.h"

#include <chrono>
#include <thread>

#include "db/config.h"
#include "db/padded_list.h"
#include "errors/errors.h"
#include "events/event_confirmation.h"
#include "events/event_store.h"
#include "jobs/job_change.h"
#include "json/json.h"
#include "runners/claim_spread.h"
#include "runners/lease_end.h"
#include "util/concurrency_caps.h"

namespace rj {

namespace {

constexpr int kRescueBatch = 50;
constexpr int kPromoteBatch = 1000;
constexpr auto kWaitPollInterval = std::chrono::milliseconds(250);

// SKIP LOCKED scans under READ COMMITTED so that rows it passes over (other types, other
// workspaces) are not left locked, and no gap locks make racing claims wait on each other.
void readCommittedNextTransaction(Connection& connection) {
  connection.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED");
}

// An expired lease goes back to the queue with attempt + 1, or FAILED at max_attempts.
void requeueOrFail(JobChange& job) {
  const Job& expired = job.job();
  JsonWriter payload;
  payload.startObject();
  if (expired.attempt >= expired.maxAttempts) {
    std::string error = "Lease expired on attempt " + std::to_string(expired.attempt) + " of " +
                        std::to_string(expired.maxAttempts);
    payload.key("error").string(error).key("reason").string("lease expired");
    payload.key("attempt")
        .integer(expired.attempt)
        .key("runnerId")
        .optionalString(expired.runnerId);
    failLeasedJob(job, error, payload.endObject().take());
    return;
  }
  payload.key("attempt").integer(expired.attempt + 1);
  payload.key("reason").string("lease expired").key("runnerId").optionalString(expired.runnerId);
  requeueLeasedJob(job, expired.attempt + 1, payload.endObject().take());
}

// The types this claim may take: the request's (each one the runner must accept), else the
// runner's own list; empty means any type.
std::vector<std::string> claimableTypes(const RunnerIdentity& runner,
                                        const std::vector<std::string>& requested) {
  for (const auto& type : requested) {
    if (!runner.acceptsType(type)) {
      throw Forbidden(ErrorCode::JobTypeNotAccepted,
                      "This runner does not accept jobs of type " + type);
    }
  }
  return requested.empty() ? runner.jobTypes : requested;
}

}  // namespace

namespace {

// RUNNING jobs whose `deadlineColumn` (lease_expires_at, timeout_at: the code's names, never
// input) has passed, in batches, each changed by `rule` and committed together. Returns how many.
template <typename Rule>
int sweepRunningJobs(const char* deadlineColumn, Rule&& rule) {
  const char* running = statusName(JobStatus::Running);
  const std::string due = std::string(" FROM runner_jobs WHERE status = ? AND ") + deadlineColumn +
                          " < UTC_TIMESTAMP(3)";
  return withRetry([&](Connection& connection) {
    // A plain read first: almost always nothing is due, and then no transaction is needed.
    auto any = Query(connection, "SELECT 1 AS due" + due + " LIMIT 1").bind(running).rows();
    if (!any->next()) return 0;
    any.reset();
    readCommittedNextTransaction(connection);
    Transaction transaction(connection);
    auto rows = Query(connection, std::string("SELECT ") + kJobColumns + due + " ORDER BY " +
                                      deadlineColumn + " LIMIT ? FOR UPDATE SKIP LOCKED")
                    .bind(running)
                    .bind(kRescueBatch)
                    .rows();
    std::vector<Job> jobs;
    while (rows->next()) jobs.push_back(readJob(*rows));
    rows.reset();
    for (auto& job : jobs) {
      JobChange change(connection, std::move(job));
      rule(change);
      change.apply();
    }
    transaction.commit();
    return static_cast<int>(jobs.size());
  });
}

// A run past its timeoutSeconds: job.timed_out, then retried after the backoff or FAILED.
void endTimedOutRun(JobChange& job) {
  const Job& running = job.job();
  std::string error = "Timed out after " + std::to_string(running.timeoutSeconds.value_or(0)) +
                      " s on attempt " + std::to_string(running.attempt) + " of " +
                      std::to_string(running.maxAttempts);
  JsonWriter payload;
  payload.startObject().key("attempt").integer(running.attempt);
  payload.key("timeoutSeconds").optionalInteger(running.timeoutSeconds);
  payload.key("runnerId").optionalString(running.runnerId).endObject();
  job.append(EventType::JobTimedOut, payload.take());
  if (running.runnerId) job.setTimedOutRunner(*running.runnerId);
  retryOrFailLeasedJob(job, error, "timed out");
}

}  // namespace

int ClaimService::rescueExpiredLeases() {
  return sweepRunningJobs("lease_expires_at", requeueOrFail);
}

int ClaimService::promoteDueJobs() {
  return withRetry([&](Connection& connection) {
    // A plain read first: almost always nothing is due, and then nothing is written.
    auto any = Query(connection,
                     "SELECT 1 AS due FROM runner_jobs WHERE scheduled = 1"
                     " AND run_at <= UTC_TIMESTAMP(3) LIMIT 1")
                   .rows();
    if (!any->next()) return 0;
    any.reset();
    return static_cast<int>(Query(connection,
                                  "UPDATE runner_jobs SET scheduled = 0 WHERE scheduled = 1"
                                  " AND run_at <= UTC_TIMESTAMP(3) LIMIT ?")
                                .bind(kPromoteBatch)
                                .execute());
  });
}

int ClaimService::endTimedOutJobs() {
  return sweepRunningJobs("timeout_at", endTimedOutRun);
}

namespace {

// A workspace's concurrency key a claim passes over: at its limit, or being counted by another
// claim.
struct FullKey {
  std::string workspaceId;
  std::string concurrencyKey;
};

// Takes one of the key's slots for `job` if one is free. The key's row is locked (SKIP LOCKED: a
// key another claim is counting right now is passed over like a full one, rather than waited
// for) and written (on a Galera cluster, two nodes' claims under one key then conflict at commit),
// so slots are taken one at a time. The count is of RUNNING jobs, so every way a job stops running
// frees its slot with no bookkeeping of its own.
bool takeConcurrencySlot(Connection& connection, const Job& job) {
  auto locked = Query(connection,
                      "SELECT claims FROM job_concurrency_keys WHERE workspace_id = ?"
                      " AND concurrency_key = ? FOR UPDATE SKIP LOCKED")
                    .bind(job.workspaceId)
                    .bind(*job.concurrencyKey)
                    .rows();
  if (!locked->next()) return false;
  locked.reset();
  auto count = Query(connection,
                     "SELECT COUNT(*) AS running FROM runner_jobs WHERE workspace_id = ?"
                     " AND concurrency_key = ? AND status = ?")
                   .bind(job.workspaceId)
                   .bind(*job.concurrencyKey)
                   .bind(statusName(JobStatus::Running))
                   .rows();
  count->next();
  if (count->getInt64("running") >= job.concurrencyLimit.value_or(1)) return false;
  count.reset();
  Query(connection,
        "UPDATE job_concurrency_keys SET claims = claims + 1"
        " WHERE workspace_id = ? AND concurrency_key = ?")
      .bind(job.workspaceId)
      .bind(*job.concurrencyKey)
      .execute();
  return true;
}

// How many rounds a spreading claim reads candidates in before it answers with what it has.
constexpr int kMaxSpreadRounds = 8;

// How many keys found full one claim passes over before it gives up (the next poll tries again).
constexpr size_t kMaxFullKeysPerClaim = 16;

bool isFull(const std::vector<FullKey>& full, const Job& job) {
  for (const auto& key : full) {
    if (key.workspaceId == job.workspaceId && key.concurrencyKey == *job.concurrencyKey) {
      return true;
    }
  }
  return false;
}

// RUNNING under the runner's lease, with job.started, in a few statements whatever the number of
// jobs: one UPDATE of their locked rows, then their job.started events with the counters and
// workspace changes (insertEvents). Each event's seq is the one after the job's last_event_seq as
// locked, which the UPDATE advances. Written now, so that a later concurrency count in the same
// transaction sees them.
void startRuns(Connection& connection, const std::vector<Job>& jobs, const RunnerIdentity& runner,
               int64_t leaseMilliseconds) {
  if (jobs.empty()) return;
  const size_t slots = paddedSlots(jobs.size());
  Query update(connection,
               "UPDATE runner_jobs SET status = ?, scheduled = 0, runner_id = ?,"
               " lease_expires_at = UTC_TIMESTAMP(3) + INTERVAL ? MICROSECOND,"
               " started_at = UTC_TIMESTAMP(3), timeout_at = IF(timeout_seconds IS NULL,"
               " timeout_at, UTC_TIMESTAMP(3) + INTERVAL timeout_seconds SECOND),"
               " last_event_seq = last_event_seq + 1, updated_at = UTC_TIMESTAMP(3),"
               " last_write_id = ? WHERE id IN (" +
                   placeholderList(slots) + ")");
  update.bind(statusName(JobStatus::Running))
      .bind(runner.id)
      .bind(leaseMilliseconds * 1000)
      .bind(currentWriteId());
  for (size_t i = 0; i < slots; ++i) update.bind(paddedValue(jobs, i).id);
  update.execute();
  std::vector<NewJobEvent> started;
  for (const auto& job : jobs) {
    JsonWriter payload;
    payload.startObject().key("runnerId").string(runner.id).key("runnerName").string(runner.name);
    payload.key("attempt").integer(job.attempt).endObject();
    started.push_back({job.id, job.lastEventSeq + 1, payload.take()});
  }
  insertEvents(connection, EventType::JobStarted, started);
}

// The RUNNING jobs of `runnerId` that the write `writeId` changed last.
std::vector<Job> jobsClaimedBy(Connection& connection, const std::string& runnerId,
                               const std::string& writeId) {
  // Causal: the earlier attempt may have committed through a node this one has not caught up with.
  auto rows = Query(connection, causalRead(connection, std::string("SELECT ") + kJobColumns +
                                                           " FROM runner_jobs WHERE runner_id = ?"
                                                           " AND status = ? AND last_write_id = ?"
                                                           " ORDER BY started_at, id"))
                  .bind(runnerId)
                  .bind(statusName(JobStatus::Running))
                  .bind(writeId)
                  .rows();
  std::vector<Job> jobs;
  while (rows->next()) jobs.push_back(readJob(*rows));
  return jobs;
}

// Those of the jobs that are still QUEUED and not locked by another claim, locked, in claim order.
std::vector<Job> lockQueued(Connection& connection, const std::vector<std::string>& ids) {
  if (ids.empty()) return {};
  std::string text = std::string("SELECT ") + kJobColumns + " FROM runner_jobs WHERE id IN (?";
  for (size_t i = 1; i < ids.size(); ++i) text += ", ?";
  Query query(connection, text +
                              ") AND status = ? AND scheduled = 0"
                              " ORDER BY priority DESC, run_at, id FOR UPDATE SKIP LOCKED");
  for (const auto& id : ids) query.bind(id);
  query.bind(statusName(JobStatus::Queued));
  auto rows = query.rows();
  std::vector<Job> jobs;
  while (rows->next()) jobs.push_back(readJob(*rows));
  return jobs;
}

std::mt19937_64& claimRandom() {
  thread_local std::mt19937_64 generator{std::random_device{}()};
  return generator;
}

// The claimed jobs as committed, in claim order, read in one statement.
std::vector<Job> readClaimed(Connection& connection, const std::vector<std::string>& ids) {
  std::string text = std::string("SELECT ") + kJobColumns + " FROM runner_jobs WHERE id IN (?";
  for (size_t i = 1; i < ids.size(); ++i) text += ", ?";
  Query query(connection, text + ")");
  for (const auto& id : ids) query.bind(id);
  auto rows = query.rows();
  std::vector<Job> jobs;
  while (rows->next()) jobs.push_back(readJob(*rows));
  std::vector<Job> ordered;
  for (const auto& id : ids) {
    for (auto& job : jobs) {
      if (job.id == id) ordered.push_back(std::move(job));
    }
  }
  return ordered;
}

}  // namespace

std::optional<Job> ClaimService::claimOnce(const RunnerIdentity& runner,
                                           const std::vector<std::string>& types) {
  auto jobs = claimOnce(runner, types, 1);
  if (jobs.empty()) return std::nullopt;
  return std::move(jobs.front());
}

std::vector<Job> ClaimService::claimOnce(const RunnerIdentity& runner,
                                         const std::vector<std::string>& types, int64_t max) {
  rescueExpiredLeases();
  promoteDueJobs();
  // The filter shape varies with the runner; values are still bound, never spliced in.
  std::string filter =
      " FROM runner_jobs WHERE status = ? AND scheduled = 0 AND run_at <= UTC_TIMESTAMP(3)";
  if (runner.workspaceId) filter += " AND workspace_id = ?";
  if (!types.empty()) {
    filter += " AND type IN (?";
    for (size_t i = 1; i < types.size(); ++i) filter += ", ?";
    filter += ")";
  }
  const std::string order = " ORDER BY priority DESC, run_at, id";
  return withRetry([&](Connection& connection) -> std::vector<Job> {
    if (earlierCommitMayHaveSucceeded()) {
      // The jobs an earlier attempt of this claim committed, if it did: the runner gets them
      // instead of a second set (they would otherwise run only after their leases expired).
      auto committed = jobsClaimedBy(connection, runner.id, *currentWriteId());
      if (!committed.empty()) return committed;
    }
    const bool spread = connection.clusterNode();
    readCommittedNextTransaction(connection);
    Transaction transaction(connection);
    std::vector<FullKey> full;
    std::vector<std::string> taken;
    // Each round takes what it can of the next candidates; a candidate under a full key is passed
    // over (and its key left out of the next round), so a round that is short of `max` because of
    // full keys looks further, up to kMaxFullKeysPerClaim keys.
    bool givenUp = false;
    // A spreading round can lose its choice to local claims (SKIP LOCKED); it tries a few more.
    int spreadRounds = 0;
    while (!givenUp && static_cast<int64_t>(taken.size()) < max &&
           (!spread || spreadRounds++ < kMaxSpreadRounds)) {
      const int64_t wanted = max - static_cast<int64_t>(taken.size());
      const int64_t read = spread ? wanted + kClaimSpread : wanted;
      std::string select =
          std::string("SELECT ") + (spread ? "id, priority" : kJobColumns) + filter;
      if (!full.empty()) {
        select += " AND (concurrency_key IS NULL OR (workspace_id, concurrency_key) NOT IN ((?, ?)";
        for (size_t i = 1; i < full.size(); ++i) select += ", (?, ?)";
        select += "))";
      }
      // Spreading reads the candidates without locks, then locks only the ones it chose.
      Query query(connection,
                  select + order + (spread ? " LIMIT ?" : " LIMIT ? FOR UPDATE SKIP LOCKED"));
      query.bind(statusName(JobStatus::Queued));
      if (runner.workspaceId) query.bind(*runner.workspaceId);
      for (const auto& type : types) query.bind(type);
      for (const auto& key : full) query.bind(key.workspaceId).bind(key.concurrencyKey);
      query.bind(read);
      auto rows = query.rows();
      std::vector<Job> candidates;
      int64_t seen = 0;
      if (spread) {
        std::vector<std::string> ids;
        std::vector<int64_t> priorities;
        while (rows->next()) {
          ids.push_back(rows->getString("id"));
          priorities.push_back(rows->getInt64("priority"));
        }
        rows.reset();
        seen = static_cast<int64_t>(ids.size());
        std::vector<std::string> chosen;
        for (size_t index :
             spreadClaimChoice(priorities, static_cast<size_t>(wanted), claimRandom())) {
          chosen.push_back(ids[index]);
        }
        candidates = lockQueued(connection, chosen);
      } else {
        while (rows->next()) candidates.push_back(readJob(*rows));
        rows.reset();
        seen = static_cast<int64_t>(candidates.size());
      }
      // Jobs without a concurrency key: nothing in the claim counts them, so they start together
      // after the round.
      std::vector<Job> unkeyed;
      for (auto& candidate : candidates) {
        if (!candidate.concurrencyKey) {
          taken.push_back(candidate.id);
          unkeyed.push_back(std::move(candidate));
          continue;
        }
        // A key found full earlier in this round stays full: this transaction frees no slot.
        if (isFull(full, candidate)) continue;
        if (!takeConcurrencySlot(connection, candidate)) {
          if (full.size() >= kMaxFullKeysPerClaim) {
            givenUp = true;
            break;
          }
          full.push_back({candidate.workspaceId, *candidate.concurrencyKey});
          continue;
        }
        taken.push_back(candidate.id);
        startRuns(connection, {std::move(candidate)}, runner, leaseMilliseconds_);
      }
      startRuns(connection, unkeyed, runner, leaseMilliseconds_);
      // Fewer candidates than asked for: the round saw every claimable job.
      if (seen < read) break;
    }
    if (taken.empty()) {
      transaction.commit();
      return {};
    }
    // Read before the commit: withRetry runs the whole claim again when a statement fails.
    std::vector<Job> claimed = readClaimed(connection, taken);
    transaction.commit();
    confirmEventsKept(connection);  // their job.started events
    return claimed;
  });
}

LongPollCaps configuredLongPollCaps() {
  LongPollCaps caps;
  caps.perRunner = integerSetting("RJ_LONG_POLLS_PER_RUNNER", caps.perRunner, 0, 1000000);
  caps.perWorkspace = integerSetting("RJ_LONG_POLLS_PER_WORKSPACE", caps.perWorkspace, 0, 1000000);
  return caps;
}

std::optional<Job> ClaimService::claim(const RunnerIdentity& runner, const ClaimRequest& request) {
  auto jobs = claimWaiting(runner, request, 1);
  if (jobs.empty()) return std::nullopt;
  return std::move(jobs.front());
}

ClaimedJobs ClaimService::claimJobs(const RunnerIdentity& runner, const ClaimRequest& request) {
  return ClaimedJobs{claimWaiting(runner, request, request.max.value_or(1)),
                     request.max.has_value()};
}

std::vector<Job> ClaimService::claimWaiting(const RunnerIdentity& runner,
                                            const ClaimRequest& request, int64_t max) {
  std::vector<std::string> types = claimableTypes(runner, request.types);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(request.waitSeconds);
  if (auto jobs = claimOnce(runner, types, max); !jobs.empty()) return jobs;
  if (request.waitSeconds <= 0) return {};
  static ConcurrencyCaps waitingClaims;
  std::vector<std::pair<std::string, int64_t>> keys = {{"runner:" + runner.id, caps_.perRunner}};
  if (runner.workspaceId) keys.emplace_back("workspace:" + *runner.workspaceId, caps_.perWorkspace);
  auto slot = waitingClaims.take(keys);
  if (!slot) return {};
  for (;;) {
    if (std::chrono::steady_clock::now() + kWaitPollInterval > deadline) return {};
    std::this_thread::sleep_for(kWaitPollInterval);
    if (auto jobs = claimOnce(runner, types, max); !jobs.empty()) return jobs;
  }
}

}  // namespace rj
