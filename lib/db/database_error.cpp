#include "db/database_error.h"

namespace rj {

namespace {
bool isConnectionCode(int code) {
  switch (code) {
    case 2002:  // can't connect through socket
    case 2003:  // can't connect to server
    case 2006:  // server has gone away
    case 2013:  // lost connection during query
    case 2055:  // lost connection (extended)
    case 1053:  // server shutdown in progress
    case 1927:  // connection was killed
    case 1040:  // too many connections
    // A Galera node outside the primary component, or still joining: another node may serve.
    case 1047:  // WSREP has not yet prepared node for application use
      return true;
    default:
      return false;
  }
}
}  // namespace

bool isConnectionLost(const sql::SQLException& error) {
  return isConnectionCode(error.getErrorCode());
}

std::string describeDatabaseError(const sql::SQLException& error) {
  return std::string(error.what()) + " (MySQL error " + std::to_string(error.getErrorCode()) + ")";
}

bool isConflict(const sql::SQLException& error) {
  int code = error.getErrorCode();
  // On a Galera cluster 1213 is also a certification conflict with another node's commit (or a
  // local transaction aborted for a replicated one), and 1180 a COMMIT the cluster aborted.
  return code == 1213 /* deadlock */ || code == 1180 /* error during commit */;
}

bool isTransient(const sql::SQLException& error) {
  return isConflict(error) || error.getErrorCode() == 1205 /* lock wait timeout */ ||
         isConnectionCode(error.getErrorCode());
}

}  // namespace rj
