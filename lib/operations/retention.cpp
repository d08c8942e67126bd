#include "operations/retention.h"

#include <chrono>
#include <regex>
#include <thread>
#include <vector>

#include "db/padded_list.h"
#include "events/workspace_change_store.h"

namespace rj {

std::optional<int64_t> parseRetentionAge(const std::string& text) {
  static const std::regex age(R"(^([0-9]{1,9})([dhms])$)");
  std::smatch match;
  if (!std::regex_match(text, match, age)) return std::nullopt;
  int64_t amount = std::stoll(match[1]);
  char unit = match[2].str()[0];
  int64_t seconds = unit == 'd' ? 86400 : unit == 'h' ? 3600 : unit == 'm' ? 60 : 1;
  if (amount <= 0) return std::nullopt;
  return amount * seconds;
}

namespace {

const char* const kTerminalStatuses[] = {"COMPLETED", "FAILED", "CANCELLED"};

std::string cutTime(Connection& connection, int64_t olderThanSeconds) {
  auto rows = Query(connection, "SELECT UTC_TIMESTAMP(3) - INTERVAL ? SECOND AS cut")
                  .bind(olderThanSeconds)
                  .rows();
  rows->next();
  return rows->getString("cut");
}

void countOnly(Connection& connection, const std::string& status, const std::string& cut,
               PruneReport& report) {
  // Plain SELECTs read a snapshot and take no locks.
  auto jobs = Query(connection,
                    "SELECT COUNT(*) AS n FROM runner_jobs WHERE status = ? AND completed_at < ?")
                  .bind(status)
                  .bind(cut)
                  .rows();
  jobs->next();
  report.jobs += jobs->getInt64("n");
  auto events = Query(connection,
                      "SELECT COUNT(*) AS n FROM runner_jobs j JOIN job_events e ON e.job_id = j.id"
                      " WHERE j.status = ? AND j.completed_at < ?")
                    .bind(status)
                    .bind(cut)
                    .rows();
  events->next();
  report.events += events->getInt64("n");
}

}  // namespace

PruneReport pruneTerminalJobs(Connection& connection, const PruneOptions& options) {
  auto started = std::chrono::steady_clock::now();
  PruneReport report;
  std::string cut = cutTime(connection, options.olderThanSeconds);
  size_t slots = static_cast<size_t>(options.batchSize);
  std::string idList = placeholderList(slots);
  for (const char* status : kTerminalStatuses) {
    if (options.dryRun) {
      countOnly(connection, status, cut, report);
      continue;
    }
    for (;;) {
      // The retention index (status, completed_at) finds the oldest batch without locking it.
      auto rows = Query(connection,
                        "SELECT id FROM runner_jobs WHERE status = ? AND completed_at < ?"
                        " ORDER BY completed_at LIMIT ?")
                      .bind(status)
                      .bind(cut)
                      .bind(options.batchSize)
                      .rows();
      std::vector<std::string> ids;
      while (rows->next()) ids.push_back(rows->getString("id"));
      if (ids.empty()) break;
      // Events first, in chunks of their own: a cascade from the job rows would delete every event
      // of the batch (thousands per job for a chatty one) in one statement holding its locks.
      for (;;) {
        Query events(connection, "DELETE FROM job_events WHERE job_id IN (" + idList +
                                     ") ORDER BY job_id, seq LIMIT ?");
        int64_t deleted = bindPadded(events, ids, slots).bind(options.eventChunk).execute();
        report.events += deleted;
        if (deleted < options.eventChunk) break;
      }
      // The job rows (their steps cascade: a handful each). Terminal is final, but the condition
      // is checked again so that nothing else can ever be deleted.
      Query jobs(connection, "DELETE FROM runner_jobs WHERE id IN (" + idList +
                                 ") AND status = ? AND completed_at < ?");
      report.jobs += bindPadded(jobs, ids, slots).bind(status).bind(cut).execute();
      ++report.batches;
      std::this_thread::sleep_for(std::chrono::milliseconds(options.pauseMilliseconds));
    }
  }
  if (options.dryRun) {
    auto changes = Query(connection,
                         "SELECT COUNT(*) AS n FROM workspace_changes"
                         " WHERE position IS NOT NULL AND created_at < ?")
                       .bind(cut)
                       .rows();
    changes->next();
    report.changes = changes->getInt64("n");
  } else {
    report.changes = pruneWorkspaceChanges(connection, cut, options.eventChunk);
  }
  report.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return report;
}

}  // namespace rj
