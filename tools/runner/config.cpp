#include "config.h"

#include <fstream>
#include <sstream>

#include "jobs/list_query.h"

namespace rj::runner {

namespace {
std::string trim(const std::string& text) {
  size_t start = text.find_first_not_of(" \t\r");
  if (start == std::string::npos) return "";
  size_t end = text.find_last_not_of(" \t\r");
  return text.substr(start, end - start + 1);
}
}  // namespace

CommandLine splitArguments(const std::string& text) {
  CommandLine arguments;
  std::string current;
  bool inArgument = false;
  char quote = 0;
  for (char c : text) {
    if (quote) {
      if (c == quote) {
        quote = 0;
      } else {
        current += c;
      }
    } else if (c == '\'' || c == '"') {
      quote = c;
      inArgument = true;
    } else if (c == ' ' || c == '\t') {
      if (inArgument) arguments.push_back(current);
      current.clear();
      inArgument = false;
    } else {
      current += c;
      inArgument = true;
    }
  }
  if (quote) throw ConfigError("unclosed quote in: " + text);
  if (inArgument) arguments.push_back(current);
  return arguments;
}

RunnerConfig parseRunnerConfig(const std::string& text, const std::string& baseDirectory) {
  RunnerConfig config;
  std::istringstream lines(text);
  std::string line;
  int number = 0;
  while (std::getline(lines, line)) {
    ++number;
    std::string content = trim(line);
    if (content.empty() || content[0] == '#') continue;
    size_t equals = content.find('=');
    auto where = "line " + std::to_string(number) + ": ";
    if (equals == std::string::npos) throw ConfigError(where + "expected `type = command ...`");
    std::string type = trim(content.substr(0, equals));
    if (!isJobType(type)) throw ConfigError(where + "not a job type: " + type);
    CommandLine command;
    try {
      command = splitArguments(trim(content.substr(equals + 1)));
    } catch (const ConfigError& error) {
      throw ConfigError(where + error.what());
    }
    if (command.empty()) throw ConfigError(where + "no command for " + type);
    if (command[0].find('/') != std::string::npos && command[0][0] != '/') {
      command[0] = baseDirectory + "/" + command[0];
    }
    if (!config.commands.emplace(type, command).second) {
      throw ConfigError(where + "type listed twice: " + type);
    }
  }
  if (config.commands.empty()) throw ConfigError("no job types configured");
  return config;
}

RunnerConfig loadRunnerConfig(const std::string& path) {
  std::ifstream file(path);
  if (!file) throw ConfigError("cannot read " + path);
  std::stringstream text;
  text << file.rdbuf();
  size_t slash = path.rfind('/');
  std::string directory = slash == std::string::npos ? "." : path.substr(0, slash);
  if (directory.empty()) directory = "/";
  return parseRunnerConfig(text.str(), directory);
}

}  // namespace rj::runner
