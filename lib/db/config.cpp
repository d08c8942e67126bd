#include "db/config.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
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

namespace {
const std::map<std::string, std::string>& configFile() {
  static const std::map<std::string, std::string> values = [] {
    const char* path = std::getenv("RJ_CONFIG");
    if (!path || !*path) return std::map<std::string, std::string>{};
    std::ifstream file(path);
    if (!file) throw std::runtime_error(std::string("cannot read RJ_CONFIG file ") + path);
    std::stringstream text;
    text << file.rdbuf();
    return parseConfigFile(text.str());
  }();
  return values;
}
}  // namespace

std::string setting(const std::string& name, const std::string& fallback) {
  const auto& file = configFile();
  if (auto found = file.find(name); found != file.end()) return found->second;
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
