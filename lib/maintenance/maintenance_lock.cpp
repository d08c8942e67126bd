#include "maintenance/maintenance_lock.h"

#include <cppconn/exception.h>

namespace rj {

namespace {
// Lock names are at most 64 characters.
const char* const kLockName = "LEFT(CONCAT('runner_jobs.maintenance.', DATABASE()), 64)";
}  // namespace

bool MaintenanceLock::acquireOrConfirm() {
  try {
    if (!connection_) {
      held_ = false;
      connection_ = std::make_unique<Connection>(loadDbConfig());
    }
    if (held_) {
      auto rows = Query(*connection_, std::string("SELECT IS_USED_LOCK(") + kLockName +
                                          ") <=> CONNECTION_ID() AS mine")
                      .rows();
      held_ = rows->next() && rows->getBoolean("mine");
      if (held_) return true;
    }
    auto rows =
        Query(*connection_, std::string("SELECT GET_LOCK(") + kLockName + ", 0) AS taken").rows();
    held_ = rows->next() && !rows->isNull("taken") && rows->getInt("taken") == 1;
    return held_;
  } catch (const sql::SQLException&) {
    held_ = false;
    try {
      connection_.reset();
    } catch (...) {
      // Closing a dead connection may fail; it is gone either way.
    }
    throw;
  }
}

}  // namespace rj
