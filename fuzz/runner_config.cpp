// rj-runner's configuration file.
#include <cstddef>
#include <cstdint>
#include <string>

#include "config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  try {
    rj::runner::RunnerConfig config = rj::runner::parseRunnerConfig(text, "/etc/rj");
    for (const auto& [type, command] : config.commands) {
      if (type.empty() || command.empty()) __builtin_trap();
    }
  } catch (const rj::runner::ConfigError&) {
  }
  return 0;
}
