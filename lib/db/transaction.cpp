#include "db/transaction.h"

#include "db/database_error.h"
#include "db/write_identity.h"

namespace rj {

Transaction::Transaction(Connection& connection) : connection_(connection) {
  connection_.execute("START TRANSACTION");
}

Transaction::~Transaction() {
  if (done_) return;
  try {
    connection_.execute("ROLLBACK");
  } catch (...) {
    // A lost connection rolls the transaction back on the server anyway.
  }
}

void Transaction::commit() {
  try {
    connection_.execute("COMMIT");
  } catch (const sql::SQLException& error) {
    // A refused COMMIT (a conflict) rolled back; a lost connection may have committed.
    if (isConnectionLost(error)) noteCommitOutcomeUnknown();
    throw;
  }
  done_ = true;
}

}  // namespace rj
