#pragma once
// The election of the one process that runs the background maintenance: MariaDB's
// GET_LOCK(name, 0) on a connection of its own, held for as long as that connection lives. The
// name carries the schema's name, so services sharing one database server each elect their own.
// The lock only saves work: on a Galera cluster it is per node, and every task stays correct when
// several processes run it at once.
#include <memory>

#include "db/connection.h"

namespace rj {

class MaintenanceLock {
 public:
  MaintenanceLock() = default;
  MaintenanceLock(const MaintenanceLock&) = delete;
  MaintenanceLock& operator=(const MaintenanceLock&) = delete;

  // True when this holds the lock: takes it if it is free (never waits), or confirms it still
  // holds it (a connection that was lost took the lock with it). A database error drops the
  // connection and is thrown; the next call connects again.
  bool acquireOrConfirm();

 private:
  std::unique_ptr<Connection> connection_;
  bool held_ = false;
};

}  // namespace rj
