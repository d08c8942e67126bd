#include "db/migrations.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "util/crypto.h"

namespace rj {

std::vector<std::string> splitSqlStatements(const std::string& script) {
  std::vector<std::string> statements;
  std::string current;
  char quote = 0;
  for (size_t i = 0; i < script.size(); ++i) {
    char c = script[i];
    char next = i + 1 < script.size() ? script[i + 1] : '\0';
    if (quote) {
      current += c;
      if (c == '\\' && quote != '`' && next) {
        current += next;
        ++i;
      } else if (c == quote) {
        quote = 0;
      }
    } else if (c == '\'' || c == '"' || c == '`') {
      quote = c;
      current += c;
    } else if ((c == '-' && next == '-') || c == '#') {
      while (i < script.size() && script[i] != '\n') ++i;
      current += '\n';
    } else if (c == '/' && next == '*') {
      size_t end = script.find("*/", i + 2);
      i = end == std::string::npos ? script.size() : end + 1;
      current += ' ';
    } else if (c == ';') {
      statements.push_back(current);
      current.clear();
    } else {
      current += c;
    }
  }
  statements.push_back(current);
  std::vector<std::string> nonEmpty;
  for (auto& statement : statements) {
    size_t start = statement.find_first_not_of(" \t\r\n");
    if (start == std::string::npos) continue;
    size_t end = statement.find_last_not_of(" \t\r\n");
    nonEmpty.push_back(statement.substr(start, end - start + 1));
  }
  return nonEmpty;
}

std::vector<std::string> applyMigrations(Connection& connection, const std::string& directory) {
  connection.execute(
      "CREATE TABLE IF NOT EXISTS schema_migrations ("
      " version VARCHAR(255) NOT NULL PRIMARY KEY,"
      " checksum CHAR(64) NOT NULL,"
      " applied_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)"
      ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin");

  std::map<std::string, std::string> applied;
  auto rows = Query(connection, "SELECT version, checksum FROM schema_migrations").rows();
  while (rows->next()) applied[rows->getString("version")] = rows->getString("checksum");

  std::vector<std::filesystem::path> files;
  if (!std::filesystem::is_directory(directory)) {
    throw MigrationError("migration directory not found: " + directory);
  }
  for (const auto& entry : std::filesystem::directory_iterator(directory)) {
    if (entry.is_regular_file() && entry.path().extension() == ".sql") files.push_back(entry);
  }
  std::sort(files.begin(), files.end());

  std::vector<std::string> newlyApplied;
  for (const auto& file : files) {
    std::ifstream input(file);
    std::stringstream text;
    text << input.rdbuf();
    std::string script = text.str();
    std::string version = file.filename().string();
    std::string checksum = sha256Hex(script);
    if (auto found = applied.find(version); found != applied.end()) {
      if (found->second != checksum) {
        throw MigrationError("migration " + version +
                             " was changed after it was applied; add a new migration instead");
      }
      continue;
    }
    // MySQL commits DDL implicitly, so a file is applied statement by statement and recorded last.
    for (const auto& statement : splitSqlStatements(script)) connection.execute(statement);
    Query(connection, "INSERT INTO schema_migrations (version, checksum) VALUES (?, ?)")
        .bind(version)
        .bind(checksum)
        .execute();
    newlyApplied.push_back(version);
  }
  return newlyApplied;
}

}  // namespace rj
