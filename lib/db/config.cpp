#include "db/config.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <sstream>
#include <stdexcept>

namespace rj {

std::map<std::string, std::string> parseConfigFile(const std::string& text) {
  std::map<std::string, std::string> values;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    size_t start = line.find_first_not_of(" \t");
    if (start == std::string::npos || line[start] == '#') continue;
    size_t equals = line.find('=', start);
    if (equals == std::string::npos) continue;
    std::string key = line.substr(start, equals - start);
    key.erase(key.find_last_not_of(" \t") + 1);
    std::string value = line.substr(equals + 1);
    value.erase(0, value.find_first_not_of(" \t"));
    value.erase(value.find_last_not_of(" \t") + 1);
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
        value.back() == value.front()) {
      value = value.substr(1, value.size() - 2);
    }
    values[key] = value;
  }
  return values;
}

ConfigFile readConfigFile(const std::string& path) {
  ConfigFile config;
  auto unreadable = [&](int error) {
    config.problem = "cannot read RJ_CONFIG file " + path + ": " + std::strerror(error);
    return config;
  };
  // fopen succeeds on a directory; the read then fails (EISDIR), which ferror shows.
  std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(path.c_str(), "re"), &std::fclose);
  if (!file) return unreadable(errno);
  std::string text;
  char buffer[4096];
  size_t count;
  while ((count = std::fread(buffer, 1, sizeof buffer, file.get())) > 0) text.append(buffer, count);
  if (std::ferror(file.get())) return unreadable(errno);
  config.values = parseConfigFile(text);
  return config;
}

namespace {
// Read once per process: a handler's settings do not change under it.
const ConfigFile& configFile() {
  static const ConfigFile loaded = [] {
    const char* path = std::getenv("RJ_CONFIG");
    return path && *path ? readConfigFile(path) : ConfigFile{};
  }();
  return loaded;
}
}  // namespace

std::optional<std::string> configFileProblem() {
  return configFile().problem;
}

std::string setting(const std::string& name, const std::string& fallback) {
  const ConfigFile& file = configFile();
  if (file.problem) throw std::runtime_error(*file.problem);
  if (auto found = file.values.find(name); found != file.values.end()) return found->second;
  if (const char* value = std::getenv(name.c_str())) return value;
  return fallback;
}

int64_t integerSetting(const std::string& name, int64_t fallback, int64_t low, int64_t high) {
  std::string text = setting(name);
  if (text.empty()) return fallback;
  try {
    return std::clamp<int64_t>(std::stoll(text), low, high);
  } catch (const std::exception&) {
    return fallback;
  }
}

std::vector<DatabaseEndpoint> parseDatabaseHosts(const std::string& text) {
  std::vector<DatabaseEndpoint> hosts;
  std::istringstream entries(text);
  std::string entry;
  while (std::getline(entries, entry, ',')) {
    entry.erase(0, entry.find_first_not_of(" \t"));
    entry.erase(entry.find_last_not_of(" \t") + 1);
    auto bad = [&](const char* why) {
      return std::runtime_error("RJ_DB_HOSTS entry '" + entry + "': " + why);
    };
    if (entry.empty()) throw bad("empty (expected host or host:port)");
    DatabaseEndpoint endpoint;
    std::string port;
    if (entry.front() == '[') {  // [IPv6]:port
      size_t close = entry.find(']');
      if (close == std::string::npos || close == 1) throw bad("unclosed [ ]");
      endpoint.host = entry.substr(1, close - 1);
      if (close + 1 < entry.size()) {
        if (entry[close + 1] != ':') throw bad("expected : after ]");
        port = entry.substr(close + 2);
        if (port.empty()) throw bad("port is empty");
      }
    } else {
      size_t colon = entry.find(':');
      endpoint.host = entry.substr(0, colon);
      if (colon != std::string::npos) {
        port = entry.substr(colon + 1);
        if (port.empty()) throw bad("port is empty");
      }
      if (endpoint.host.empty()) throw bad("host is empty");
    }
    if (!port.empty()) {
      if (port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos) {
        throw bad("port is not a number");
      }
      endpoint.port = std::stoi(port);
      if (endpoint.port < 1 || endpoint.port > 65535) throw bad("port is out of range");
    }
    hosts.push_back(std::move(endpoint));
  }
  if (hosts.empty()) throw std::runtime_error("RJ_DB_HOSTS is empty");
  return hosts;
}

DbConfig loadDbConfig() {
  DbConfig config;
  config.host = setting("RJ_DB_HOST", config.host);
  config.port = std::stoi(setting("RJ_DB_PORT", std::to_string(config.port)));
  config.socket = setting("RJ_DB_SOCKET", config.socket);
  config.user = setting("RJ_DB_USER", config.user);
  config.password = setting("RJ_DB_PASSWORD", config.password);
  config.name = setting("RJ_DB_NAME", config.name);
  if (std::string hosts = setting("RJ_DB_HOSTS"); !hosts.empty()) {
    config.hosts = parseDatabaseHosts(hosts);
  }
  return config;
}

}  // namespace rj
