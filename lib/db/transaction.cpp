#include "db/transaction.h"

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
  connection_.execute("COMMIT");
  done_ = true;
}

}  // namespace rj
