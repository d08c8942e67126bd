#pragma once
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rj {

class LogThrottle;

// Writes a streamed response body; false once the client has gone away.
class StreamWriter {
 public:
  virtual ~StreamWriter() = default;
  virtual bool write(std::string_view bytes) = 0;
  virtual bool flush() = 0;
  // The descriptor of the connection to the web server (or -1): it shows a hang-up between writes.
  virtual int connectionFd() const { return -1; }
};

struct Response {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // When set, the headers are sent first and this writes the body for as long as it likes.
  std::function<void(StreamWriter&)> stream;
  // Why this answer reports a failure, for the log only (never sent): answer() logs it with the
  // request id. Every 5xx has one.
  std::string cause;
  // When set, the cause is logged only when this throttle lets it through (an answer a monitor
  // asks for every few seconds).
  LogThrottle* causeThrottle = nullptr;
};

Response jsonText(std::string json, int status = 200);
Response noContent();

// Serialises anything with a toJson(const T&) found by argument-dependent lookup.
template <typename T>
Response json(const T& value, int status = 200) {
  return jsonText(toJson(value), status);
}

}  // namespace rj
