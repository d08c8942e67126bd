#pragma once
// The handlers' log: one line per entry on stderr, which RJ_LOG_FILE may point at a file.
// "2026-11-24T12:00:00.123Z runner-jobs jobs_list[4242]: message"
#include <optional>
#include <string>

namespace rj {

// Names this process in every log line (the handler's route name); call before threads start.
void setLogProgram(const std::string& name);
// Writes one line to stderr with the time and the program; line breaks in `message` become blanks
// so an entry stays one line.
void logLine(const std::string& message);
// From now on stderr (every log line, and whatever a library prints) appends to the file at
// `path`; why not when it cannot be opened (stderr stays as it was).
std::optional<std::string> sendStderrTo(const std::string& path);

}  // namespace rj
