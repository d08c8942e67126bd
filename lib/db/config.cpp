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

DbConfig loadDbConfig() {
  DbConfig config;
  config.host = setting("RJ_DB_HOST", config.host);
  config.port = std::stoi(setting("RJ_DB_PORT", std::to_string(config.port)));
  config.socket = setting("RJ_DB_SOCKET", config.socket);
  config.user = setting("RJ_DB_USER", config.user);
  config.password = setting("RJ_DB_PASSWORD", config.password);
  config.name = setting("RJ_DB_NAME", config.name);
  return config;
}

}  // namespace rj
