#pragma once
// How a job's command reports progress to rj-runner: a stdout line that is exactly a JSON object
// with the single integer field progressPercent (0..100), such as {"progressPercent":40}. Such a
// line becomes a job.progress event instead of output. Here, in the library, so it is testable.
#include <cstdint>
#include <optional>
#include <string>

namespace rj {

// The percent a progress line reports; nullopt for any other line (an ordinary output line).
// Blanks around the object are allowed; another field, a fraction, a string or a value outside
// 0..100 makes it an ordinary line.
std::optional<int64_t> progressLinePercent(const std::string& line);

}  // namespace rj
