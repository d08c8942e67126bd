#pragma once
// rj-runner's configuration file: which command runs each job type.
//
//   # comment
//   demo.count = ./demo-count --verbose
//   build.docker = /usr/local/bin/build "two words" 'single quoted'
//
// One `type = command arg ...` per line. The command is run directly (no shell): arguments split at
// blanks, single or double quotes keep blanks, a relative command path is taken from the config
// file's directory.
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace rj::runner {

using CommandLine = std::vector<std::string>;

struct RunnerConfig {
  std::map<std::string, CommandLine> commands;  // job type -> argv
};

class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Parses the text; relative commands are resolved against baseDirectory. Throws ConfigError
// naming the line.
RunnerConfig parseRunnerConfig(const std::string& text, const std::string& baseDirectory);
// Reads and parses the file.
RunnerConfig loadRunnerConfig(const std::string& path);

// Splits "a 'b c' \"d\"" into {"a", "b c", "d"}; throws ConfigError on an unclosed quote.
CommandLine splitArguments(const std::string& text);

}  // namespace rj::runner
