#pragma once
// The FastCGI accept loop (or one plain CGI request), response writing and the error mapper.
#include <functional>
#include <memory>

#include "http/channel.h"
#include "http/request.h"
#include "http/response.h"
#include "http/serving_threads.h"

namespace rj {

using RequestHandler = std::function<Response(Request&, Channel&)>;
// Made once at the start of every serving thread and kept until it ends (a database session).
using ThreadResource = std::function<std::shared_ptr<void>()>;

// Serves until SIGTERM/SIGINT: the plan's threads each loop on FCGX_Accept_r; when the process
// was not started by a FastCGI server it answers the one CGI request and returns.
// `processResource`, when given, is made once a FastCGI process starts serving and released
// before it exits (background work; a CGI process answering one request gets none).
int runServer(const ThreadPlan& threads, const RequestHandler& handle,
              const ThreadResource& threadResource,
              const ThreadResource& processResource = nullptr);

// Handles one request on a channel: calls `handle`, maps errors, adds X-Request-Id (the
// request's own when well-formed), logs the cause of a failed answer, writes the answer. A
// stream is flushed as it goes; any other answer may stay in the channel's buffer until the
// caller flushes it or finishes the request.
void answer(Channel& channel, const RequestHandler& handle);

// Writes status line, headers and body (or runs the stream) to the channel; for a HEAD request
// (`headOnly`) the same headers and nothing else.
void writeResponse(Channel& channel, const Response& response, bool headOnly = false);

}  // namespace rj
