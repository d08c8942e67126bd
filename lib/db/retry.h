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

constexpr int kDatabaseAttempts = 4;

template <typename Work>
auto withRetry(Work&& work) -> decltype(work(threadConnection())) {
  WriteScope scope;
  for (int attempt = 1;; ++attempt) {
    try {
      return work(threadConnection());
    } catch (const sql::SQLException& error) {
      if (!isTransient(error)) throw;
      if (isConnectionLost(error)) discardThreadConnection();
      if (attempt >= kDatabaseAttempts) throw TransientDatabaseError(error.what());
      std::this_thread::sleep_for(std::chrono::milliseconds(15 * attempt * attempt));
    }
  }
}

}  // namespace rj
