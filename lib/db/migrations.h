#pragma once
// Forward-only numbered .sql migrations recorded in schema_migrations with a checksum.
#include <stdexcept>
#include <string>
#include <vector>

#include "db/connection.h"

namespace rj {

// Splits a script into statements at semicolons outside quotes and comments.
std::vector<std::string> splitSqlStatements(const std::string& script);

class MigrationError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Applies every *.sql file in `directory` (in name order) not yet recorded; returns the names
// applied. Throws MigrationError when an applied file has changed since.
std::vector<std::string> applyMigrations(Connection& connection, const std::string& directory);

}  // namespace rj
