#pragma once
// One MySQL connection per thread, opened on first use, with its prepared statements cached.
#include <cppconn/connection.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

#include "db/config.h"

namespace rj {

class Connection {
 public:
  // Connects to the first of the configured servers that answers and, when it is a Galera node,
  // is ready for queries (wsrep_ready). Throws the last server's error when none is.
  explicit Connection(const DbConfig& config);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // The prepared statement for this SQL text, prepared once per connection.
  sql::PreparedStatement& prepare(const std::string& sqlText);
  // Runs a statement without parameters and without a result set (transaction control, DDL).
  void execute(const std::string& sqlText);
  // True when the server is a Galera cluster node (wsrep_on).
  bool clusterNode() const { return clusterNode_; }

 private:
  std::unique_ptr<sql::Connection> connection_;
  bool clusterNode_ = false;
  std::unordered_map<std::string, std::unique_ptr<sql::PreparedStatement>> statements_;
};

// This thread's connection, connecting with loadDbConfig() when there is none.
Connection& threadConnection();
// Drops this thread's connection (after it was lost) so the next use reconnects.
void discardThreadConnection();
// Caps how many threads of this process hold a connection at once (0, the default: no cap). A
// thread that needs one past the cap waits for another's to be discarded, and after
// kConnectionWait throws TransientDatabaseError. For processes whose threads give their
// connection back after each request: the stream handlers, where a crowd of browsers reconnecting
// at once would otherwise open one connection each.
void limitThreadConnections(int maximum);
constexpr std::chrono::seconds kConnectionWait{10};

// Per-thread setup the driver needs; also closes the thread's connection when the thread ends.
class DatabaseThread {
 public:
  DatabaseThread();
  ~DatabaseThread();
  DatabaseThread(const DatabaseThread&) = delete;
  DatabaseThread& operator=(const DatabaseThread&) = delete;
};

// A prepared statement with positional binding: Query(c, "... WHERE id = ?").bind(id).rows().
// Every statement that mayWrite() (below) moves the front end's write count (db/write_count.h)
// when it ends; so does every statement run by Connection::execute (a COMMIT among them).
class Query {
 public:
  Query(Connection& connection, const std::string& sqlText);
  Query& bind(const std::string& value);
  Query& bind(const char* value) { return bind(std::string(value)); }
  Query& bind(int64_t value);
  Query& bind(int value) { return bind(static_cast<int64_t>(value)); }
  Query& bind(const std::optional<std::string>& value);
  Query& bind(const std::optional<int64_t>& value) { return value ? bind(*value) : bindNull(); }
  Query& bindNull();
  std::unique_ptr<sql::ResultSet> rows();
  // Rows affected.
  int64_t execute();
  // Runs a compound statement (MariaDB's BEGIN NOT ATOMIC ... END) whose one SELECT answers,
  // hands that result to `readAnswer`, then reads the statement's own status, which carries an
  // error raised after the SELECT (a refused COMMIT). Until that status is read the connection
  // can run nothing else, so it is read even when `readAnswer` throws.
  void compound(const std::function<void(sql::ResultSet&)>& readAnswer);

 private:
  sql::PreparedStatement& statement_;
  unsigned int index_ = 1;
  bool mayWrite_;
};

// Whether a statement may write: anything but a SELECT (a causal one too) or a SHOW. A locking
// SELECT writes nothing itself; the transaction it is in ends with a COMMIT, which counts.
bool mayWrite(const std::string& sqlText);

// A read that must see every write the cluster committed before it (a job created through
// another front end): on a Galera node, `selectText` runs with wsrep_sync_wait, which waits until
// this node has applied them; elsewhere, and on a single server, it is unchanged.
std::string causalRead(const Connection& connection, const std::string& selectText);
// Whether a read is a causal one (above) or may see this node's state as it is.
enum class Freshness { Local, Causal };

std::optional<std::string> optionalString(sql::ResultSet& row, const std::string& column);
std::optional<int64_t> optionalInteger(sql::ResultSet& row, const std::string& column);
// The same by position (1-based): Connector/C++ resolves a name for every getter call anew.
std::optional<std::string> optionalString(sql::ResultSet& row, uint32_t column);
std::optional<int64_t> optionalInteger(sql::ResultSet& row, uint32_t column);

}  // namespace rj

namespace rj {
// One cheap query, tried again on a fresh connection; nullopt when the database answers, else why
// not (the connector's message).
std::optional<std::string> databaseProblem();
}  // namespace rj
