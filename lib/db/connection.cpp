#include "db/connection.h"

#include <cppconn/statement.h>
#include <mysql_driver.h>

#include "db/database_error.h"

namespace rj {

namespace {
sql::mysql::MySQL_Driver& driver() {
  // The driver singleton is created on first use; C++11 statics make that thread-safe.
  static sql::mysql::MySQL_Driver* instance = sql::mysql::get_mysql_driver_instance();
  return *instance;
}

thread_local std::unique_ptr<Connection> currentConnection;
}  // namespace

Connection::Connection(const DbConfig& config) {
  sql::ConnectOptionsMap options;
  if (!config.socket.empty()) {
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
  options["OPT_CONNECT_TIMEOUT"] = 5;
  options["OPT_READ_TIMEOUT"] = 60;
  options["OPT_WRITE_TIMEOUT"] = 60;
  connection_.reset(driver().connect(options));
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

void Connection::execute(const std::string& sqlText) {
  std::unique_ptr<sql::Statement> statement(connection_->createStatement());
  statement->execute(sqlText);
}

Connection& threadConnection() {
  if (!currentConnection) currentConnection = std::make_unique<Connection>(loadDbConfig());
  return *currentConnection;
}

void discardThreadConnection() {
  try {
    currentConnection.reset();
  } catch (...) {
    // Closing a dead connection may fail; it is gone either way.
  }
}

DatabaseThread::DatabaseThread() {
  driver().threadInit();
}
DatabaseThread::~DatabaseThread() {
  discardThreadConnection();
  driver().threadEnd();
}

Query::Query(Connection& connection, const std::string& sqlText)
    : statement_(connection.prepare(sqlText)) {}

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
  return std::unique_ptr<sql::ResultSet>(statement_.executeQuery());
}
int64_t Query::execute() {
  return statement_.executeUpdate();
}

std::optional<std::string> optionalString(sql::ResultSet& row, const std::string& column) {
  if (row.isNull(column)) return std::nullopt;
  return std::string(row.getString(column));
}

std::optional<int64_t> optionalInteger(sql::ResultSet& row, const std::string& column) {
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
