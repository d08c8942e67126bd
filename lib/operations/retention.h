#pragma once
// Retention: deletes terminal jobs (COMPLETED, FAILED, CANCELLED) finished before a cut, with
// their steps and events, in small batches so that it can run from cron while the service is busy.
#include <cstdint>
#include <optional>
#include <string>

#include "db/connection.h"

namespace rj {

// "30d", "12h", "90m", "3600s" -> seconds (more than 0); nullopt for anything else.
std::optional<int64_t> parseRetentionAge(const std::string& text);

struct PruneOptions {
  int64_t olderThanSeconds = 0;
  int64_t batchSize = 500;         // jobs per delete statement
  int64_t eventChunk = 5000;       // events per delete statement
  int64_t pauseMilliseconds = 20;  // between batches, so claims and streams get the locks
  bool dryRun = false;             // count only
};

struct PruneReport {
  int64_t jobs = 0;
  int64_t events = 0;
  int64_t changes = 0;  // rows of the workspace change log (sql/010), created before the cut
  int64_t batches = 0;
  double seconds = 0;
};

// Jobs terminal since before now - olderThanSeconds, and the workspace change log's rows
// created before then (a workspace stream resumed from before them gets `reset`). Every statement
// commits on its own: no transaction holds more than one batch of jobs or one chunk of events.
PruneReport pruneTerminalJobs(Connection& connection, const PruneOptions& options);

}  // namespace rj
