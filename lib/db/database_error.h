#pragma once
// The one place that classifies database errors.
#include <cppconn/exception.h>

#include <stdexcept>
#include <string>

namespace rj {

// Deadlock, lock wait timeout, lost connection, server gone or unreachable: worth another try.
bool isTransient(const sql::SQLException& error);
// A deadlock, or on a Galera cluster a certification conflict with another node's commit: the
// transaction rolled back and may simply run again.
bool isConflict(const sql::SQLException& error);
// The connection itself is unusable and must be replaced.
bool isConnectionLost(const sql::SQLException& error);
// The connector's message with the server's error number, for the log:
// "Access denied for user 'x'@'localhost' (using password: YES) (MySQL error 1045)".
std::string describeDatabaseError(const sql::SQLException& error);

// Raised when a transient failure outlasted the retries; HTTP answers 503 with Retry-After.
class TransientDatabaseError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace rj
