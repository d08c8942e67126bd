#pragma once
// Database settings from RJ_DB_* environment variables, or from the file named by RJ_CONFIG
// (shared hosting and mod_fcgid often cannot set environment; the file uses the same names).
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace rj {

// One database server of RJ_DB_HOSTS.
struct DatabaseEndpoint {
  std::string host;
  int port = 3306;
};

struct DbConfig {
  std::string host = "127.0.0.1";
  int port = 3306;
  std::string socket;  // when set, used instead of host and port
  std::string user = "runner_jobs";
  std::string password;
  std::string name = "runner_jobs";
  // RJ_DB_HOSTS (the nodes of a Galera cluster, most preferred first): when set, used instead of
  // host, port and socket; a connection goes to the first that answers and is ready.
  std::vector<DatabaseEndpoint> hosts;
};

// "h1:3306,h2,[::1]:3307" in order; throws std::runtime_error naming the bad entry.
std::vector<DatabaseEndpoint> parseDatabaseHosts(const std::string& text);

// Reads `KEY=value` lines; blank lines and lines starting with # are skipped.
std::map<std::string, std::string> parseConfigFile(const std::string& text);

// The settings of one RJ_CONFIG file, or why it could not be read.
struct ConfigFile {
  std::map<std::string, std::string> values;
  std::optional<std::string> problem;  // "cannot read RJ_CONFIG file PATH: Permission denied"
};
ConfigFile readConfigFile(const std::string& path);
// Why the file named by RJ_CONFIG cannot be read; nullopt when it was read or none is named.
// While it is so, every setting (and loadDbConfig) throws std::runtime_error with this text.
std::optional<std::string> configFileProblem();
// RJ_CONFIG file if set (its values win), else the environment.
DbConfig loadDbConfig();
// A setting by name from the RJ_CONFIG file or the environment; fallback when neither has it.
std::string setting(const std::string& name, const std::string& fallback = "");
// An integer setting clamped to [low, high]; fallback when it is unset or does not start with a
// number ("12s" reads as 12), so a malformed value never takes a program down.
int64_t integerSetting(const std::string& name, int64_t fallback, int64_t low, int64_t high);

}  // namespace rj
