#pragma once
// X-Request-Id: every answer carries one, so a client's report and the log line of a failure can
// be matched. A client's (or a proxy's) own id is kept when it is safe to log and to send back.
#include <string>
#include <string_view>

namespace rj {

// 1..64 characters of [A-Za-z0-9._-]: nothing that could break a log line or a header.
bool isWellFormedRequestId(std::string_view id);
// `incoming` (the request's X-Request-Id, or null) when well-formed, else a new id (32 hex
// characters), unique (random per thread, counted within it) but not secret.
std::string requestIdFor(const char* incoming);

}  // namespace rj
