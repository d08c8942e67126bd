#include "db/connection.h"

#include <cppconn/statement.h>
#include <mysql_driver.h>

#include <cctype>
#include <condition_variable>
#include <mutex>
#include <string_view>

#include "db/database_error.h"
#include "db/write_count.h"

namespace rj {

namespace {
sql::mysql::MySQL_Driver& driver() {
  // The driver singleton is created on first use; C++11 statics make that thread-safe.
  static sql::mysql::MySQL_Driver* instance = sql::mysql::get_mysql_driver_instance();
  return *instance;
}

thread_local std::unique_ptr<Connection> currentConnection;

// The process's cap on threads holding a connection (limitThreadConnections).
class ConnectionSlots {
 public:
  void limit(int maximum) {
    std::lock_guard<std::mutex> lock(mutex_);
    maximum_ = maximum;
    freed_.notify_all();
  }
  // False when no slot came free in time.
  bool take() {
    std::unique_lock<std::mutex> lock(mutex_);
    if (!freed_.wait_for(lock, kConnectionWait, [&] { return maximum_ <= 0 || held_ < maximum_; }))
      return false;
    ++held_;
    return true;
  }
  void give() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      --held_;
    }
    freed_.notify_one();
  }

 private:
  std::mutex mutex_;
  std::condition_variable freed_;
  int maximum_ = 0;
  int held_ = 0;
};

ConnectionSlots& connectionSlots() {
  static ConnectionSlots slots;
  return slots;
}

std::unique_ptr<sql::Connection> connectTo(const DbConfig& config,
                                           const DatabaseEndpoint* endpoint) {
  sql::ConnectOptionsMap options;
  if (endpoint) {
    options["hostName"] = sql::SQLString(endpoint->host);
    options["port"] = endpoint->port;
  } else if (!config.socket.empty()) {
    options["hostName"] = sql::SQLString("localhost");
    options["socket"] = sql::SQLString(config.socket);
  } else {
    options["hostName"] = sql::SQLString(config.host);
    options["port"] = config.port;
  }
  options["userName"] = sql::SQLString(config.user);
  options["password"] = sql::SQLString(config.password);
  options["schema"] = sql::SQLString(config.name);
  options["OPT_CHARSET_NAME"] = sql::SQLString("utf8mb4");
  // A node that is down refuses at once on a LAN; one that hangs must not hold a request long.
  options["OPT_CONNECT_TIMEOUT"] = endpoint ? 2 : 5;
  options["OPT_READ_TIMEOUT"] = 60;
  options["OPT_WRITE_TIMEOUT"] = 60;
  return std::unique_ptr<sql::Connection>(driver().connect(options));
}

// One row of SHOW VARIABLES / SHOW STATUS, or "" when the server has no such name.
std::string serverValue(sql::Connection& connection, const std::string& showText) {
  std::unique_ptr<sql::Statement> statement(connection.createStatement());
  std::unique_ptr<sql::ResultSet> rows(statement->executeQuery(showText));
  return rows->next() ? std::string(rows->getString(2)) : std::string();
}

bool isClusterNode(sql::Connection& connection) {
  return serverValue(connection, "SHOW VARIABLES LIKE 'wsrep_on'") == "ON";
}

}  // namespace

Connection::Connection(const DbConfig& config) {
  if (config.hosts.empty()) {
    connection_ = connectTo(config, nullptr);
    clusterNode_ = isClusterNode(*connection_);
  }
  for (size_t index = 0; index < config.hosts.size() && !connection_; ++index) {
    const DatabaseEndpoint& endpoint = config.hosts[index];
    const bool last = index + 1 == config.hosts.size();
    try {
      auto candidate = connectTo(config, &endpoint);
      // A node that left the cluster's primary component, or is still joining, refuses queries
      // (error 1047); the next node is asked instead.
      const bool clusterNode = isClusterNode(*candidate);
      if (clusterNode && serverValue(*candidate, "SHOW STATUS LIKE 'wsrep_ready'") != "ON") {
        if (last) {
          throw sql::SQLException("database node " + endpoint.host + ":" +
                                      std::to_string(endpoint.port) + " is not ready (wsrep_ready)",
                                  "08S01", 1047);
        }
        continue;
      }
      connection_ = std::move(candidate);
      clusterNode_ = clusterNode;
    } catch (const sql::SQLException&) {
      if (last) throw;
    }
  }
  // Every timestamp is stored and compared in UTC.
  execute("SET time_zone = '+00:00'");
}

Connection::~Connection() {
  statements_.clear();  // statements before the connection they belong to
}

sql::PreparedStatement& Connection::prepare(const std::string& sqlText) {
  auto found = statements_.find(sqlText);
  if (found != statements_.end()) return *found->second;
  std::unique_ptr<sql::PreparedStatement> statement(connection_->prepareStatement(sqlText));
  return *statements_.emplace(sqlText, std::move(statement)).first->second;
}

namespace {
// Moves the front end's write count when the statement has ended, however it ended: a statement
// that failed may still have written (a lost connection after a COMMIT).
class WriteCounted {
 public:
  explicit WriteCounted(bool mayWrite) : mayWrite_(mayWrite) {}
  ~WriteCounted() {
    if (mayWrite_) countFrontEndWrite();
  }
  WriteCounted(const WriteCounted&) = delete;
  WriteCounted& operator=(const WriteCounted&) = delete;

 private:
  bool mayWrite_;
};

bool startsWithWord(std::string_view text, std::string_view word) {
  if (text.size() < word.size()) return false;
  for (size_t i = 0; i < word.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(text[i])) != word[i]) return false;
  }
  return text.size() == word.size() || !std::isalnum(static_cast<unsigned char>(text[word.size()]));
}

std::string_view withoutLeadingSpace(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
    text.remove_prefix(1);
  return text;
}
}  // namespace

bool mayWrite(const std::string& sqlText) {
  std::string_view text = withoutLeadingSpace(sqlText);
  // causalRead's "SET STATEMENT wsrep_sync_wait = 1 FOR SELECT ..."
  if (startsWithWord(text, "SET")) {
    auto forWord = text.find(" FOR ");
    if (forWord == std::string_view::npos) return true;
    text = withoutLeadingSpace(text.substr(forWord + 5));
  }
  return !startsWithWord(text, "SELECT") && !startsWithWord(text, "SHOW");
}

void Connection::execute(const std::string& sqlText) {
  WriteCounted counted(true);
  std::unique_ptr<sql::Statement> statement(connection_->createStatement());
  statement->execute(sqlText);
}

Connection& threadConnection() {
  if (currentConnection) return *currentConnection;
  if (!connectionSlots().take())
    throw TransientDatabaseError("every database connection of this process is in use");
  try {
    currentConnection = std::make_unique<Connection>(loadDbConfig());
  } catch (...) {
    connectionSlots().give();
    throw;
  }
  return *currentConnection;
}

void discardThreadConnection() {
  if (!currentConnection) return;
  try {
    currentConnection.reset();
  } catch (...) {
    // Closing a dead connection may fail; it is gone either way.
  }
  connectionSlots().give();
}

void limitThreadConnections(int maximum) {
  connectionSlots().limit(maximum);
}

DatabaseThread::DatabaseThread() {
  driver().threadInit();
}
DatabaseThread::~DatabaseThread() {
  discardThreadConnection();
  driver().threadEnd();
}

Query::Query(Connection& connection, const std::string& sqlText)
    : statement_(connection.prepare(sqlText)), mayWrite_(mayWrite(sqlText)) {}

Query& Query::bind(const std::string& value) {
  statement_.setString(index_++, value);
  return *this;
}
Query& Query::bind(int64_t value) {
  statement_.setInt64(index_++, value);
  return *this;
}
Query& Query::bind(const std::optional<std::string>& value) {
  return value ? bind(*value) : bindNull();
}
Query& Query::bindNull() {
  statement_.setNull(index_++, 0);
  return *this;
}
std::unique_ptr<sql::ResultSet> Query::rows() {
  WriteCounted counted(mayWrite_);
  return std::unique_ptr<sql::ResultSet>(statement_.executeQuery());
}
int64_t Query::execute() {
  WriteCounted counted(true);
  return statement_.executeUpdate();
}
void Query::compound(const std::function<void(sql::ResultSet&)>& readAnswer) {
  WriteCounted counted(true);
  std::unique_ptr<sql::ResultSet> answer(statement_.executeQuery());
  try {
    readAnswer(*answer);
  } catch (...) {
    answer.reset();
    try {
      while (statement_.getMoreResults()) {
      }
    } catch (const sql::SQLException&) {
      // The first error is the one to report; this one ends the statement all the same.
    }
    throw;
  }
  answer.reset();
  while (statement_.getMoreResults()) {
  }
}

std::string causalRead(const Connection& connection, const std::string& selectText) {
  if (!connection.clusterNode()) return selectText;
  return "SET STATEMENT wsrep_sync_wait = 1 FOR " + selectText;
}

std::optional<std::string> optionalString(sql::ResultSet& row, const std::string& column) {
  if (row.isNull(column)) return std::nullopt;
  return std::string(row.getString(column));
}

std::optional<int64_t> optionalInteger(sql::ResultSet& row, const std::string& column) {
  if (row.isNull(column)) return std::nullopt;
  return row.getInt64(column);
}

std::optional<std::string> optionalString(sql::ResultSet& row, uint32_t column) {
  if (row.isNull(column)) return std::nullopt;
  return std::string(row.getString(column));
}

std::optional<int64_t> optionalInteger(sql::ResultSet& row, uint32_t column) {
  if (row.isNull(column)) return std::nullopt;
  return row.getInt64(column);
}

}  // namespace rj

namespace rj {
std::optional<std::string> databaseProblem() {
  std::string problem;
  // Two tries: a connection kept from before a database restart fails once, a fresh one tells.
  for (int attempt = 1; attempt <= 2; ++attempt) {
    try {
      if (Query(threadConnection(), "SELECT 1 AS alive").rows()->next()) return std::nullopt;
      return "SELECT 1 returned no row";
    } catch (const sql::SQLException& error) {
      discardThreadConnection();
      problem = describeDatabaseError(error);
    }
  }
  return problem;
}
}  // namespace rj
