#pragma once
// Runs database work on this thread's connection, retrying transient failures a bounded number
// of times (the work must be safe to repeat: a transaction that rolled back). Past the bound it
// throws TransientDatabaseError. Work that commits reads what it returns before the commit: a
// failure after a successful commit would otherwise run the work (a claim, a create) again.
// A connection lost in the COMMIT itself leaves the outcome unknown: the attempts share a write
// id (db/write_identity.h) by which the work recognises its own earlier commit.
#include <chrono>
#include <thread>

#include "db/connection.h"
#include "db/database_error.h"
#include "db/write_identity.h"

namespace rj {

// Attempts for a lost connection or a lock wait timeout (a reconnect goes to the next node).
constexpr int kDatabaseAttempts = 4;
// Attempts for conflicts: on a Galera cluster writers of one row on different nodes (events of
// one job, the stream's sequencer) conflict at commit as a matter of course, and runs of several
// in a row happen under load.
constexpr int kConflictAttempts = 10;

// How long to wait before attempt `attempt + 1`: conflicts back off exponentially with jitter,
// so that the writers that collided do not collide again in step.
std::chrono::milliseconds retryDelay(const sql::SQLException& error, int attempt);

template <typename Work>
auto withRetry(Work&& work) -> decltype(work(threadConnection())) {
  WriteScope scope;
  for (int attempt = 1;; ++attempt) {
    scope.beginAttempt();
    try {
      return work(threadConnection());
    } catch (const sql::SQLException& error) {
      if (!isTransient(error)) throw;
      if (isConnectionLost(error)) discardThreadConnection();
      if (attempt >= (isConflict(error) ? kConflictAttempts : kDatabaseAttempts)) {
        throw TransientDatabaseError(error.what());
      }
      std::this_thread::sleep_for(retryDelay(error, attempt));
    }
  }
}

}  // namespace rj
