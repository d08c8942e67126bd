#include "http/server.h"

#include <pthread.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <vector>
#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#endif

#include "http/error_body.h"
#include "http/request_id.h"
#include "util/log.h"
#include "util/log_throttle.h"

namespace rj {

namespace {

class ChannelStreamWriter : public StreamWriter {
 public:
  explicit ChannelStreamWriter(Channel& channel) : channel_(channel) {}
  bool write(std::string_view bytes) override { return channel_.write(bytes); }
  bool flush() override { return channel_.flush(); }
  int connectionFd() const override { return channel_.connectionFd(); }

 private:
  Channel& channel_;
};

// One line per failed answer: the id the client got, the status and why.
void logCause(const std::string& requestId, const Response& response) {
  std::string cause = response.cause;
  if (cause.empty() && response.status >= 500) cause = "(no cause given)";
  if (cause.empty()) return;
  std::string heldBackNote;
  if (response.causeThrottle) {
    auto heldBack = response.causeThrottle->pass();
    if (!heldBack) return;
    if (*heldBack > 0) {
      heldBackNote =
          " (" + std::to_string(*heldBack) + " more like it not logged since the last line)";
    }
  }
  logLine("request " + requestId + ": " + std::to_string(response.status) + " " +
          reasonPhrase(response.status) + ": " + cause + heldBackNote);
}

void serveThread(ServingThreads& threads, const RequestHandler& handle,
                 const ThreadResource& threadResource) {
  std::shared_ptr<void> resource = threadResource ? threadResource() : nullptr;
  FCGX_Request request;
  FCGX_InitRequest(&request, 0, 0);
  while (FCGX_Accept_r(&request) == 0) {
    threads.takeRequest();
    {
      FcgiChannel channel(request);
      answer(channel, handle);
    }
    // Sends what the answer left in the buffer with the end-of-request record, in one write, then
    // closes with libfcgi's handshake: shut down this side, wait for the web server to close its
    // own. Unread input then cannot turn the close into a reset that loses the answer, and the
    // wait keeps this thread from taking the next request before the web server has taken this
    // answer: with two lighttpd workers, a worker the scheduler holds back then holds back the
    // other's share of the handlers too, instead of falling behind alone (docs/DESIGN.md, "The
    // closing handshake keeps the tails short").
    FCGX_Finish_r(&request);
    if (!threads.finishRequest()) return;
  }
  // The listening socket is gone: end the process rather than linger without serving.
  kill(getpid(), SIGTERM);
}

// Each serving thread holds a descriptor for its request's connection: a pool of thousands needs
// more than the usual soft limit of 1024 (plus room for the process's database connections, at
// most 64 in a stream process, and its files). The soft limit is raised up to the hard one, which
// only the administrator sets.
void allowDescriptorsFor(const ThreadPlan& threads) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
  rlim_t wanted = static_cast<rlim_t>(threads.maximum) + 512;
  if (limit.rlim_cur >= wanted) return;
  limit.rlim_cur = limit.rlim_max == RLIM_INFINITY ? wanted : std::min(wanted, limit.rlim_max);
  if (setrlimit(RLIMIT_NOFILE, &limit) != 0) return;
  if (limit.rlim_cur < wanted)
    logLine("the open file limit (" + std::to_string(limit.rlim_cur) + ") allows fewer than " +
            std::to_string(threads.maximum) +
            " requests at once; raise the hard limit (ulimit -Hn)");
}

}  // namespace

void writeResponse(Channel& channel, const Response& response, bool headOnly) {
  std::string head =
      "Status: " + std::to_string(response.status) + " " + reasonPhrase(response.status) + "\r\n";
  for (const auto& [name, value] : response.headers) head += name + ": " + value + "\r\n";
  if (!response.stream) head += "Content-Length: " + std::to_string(response.body.size()) + "\r\n";
  head += "\r\n";
  channel.write(head);
  if (headOnly) {
    // The headers of the GET answer say it all; a stream is not started.
  } else if (response.stream) {
    channel.flush();
    ChannelStreamWriter writer(channel);
    response.stream(writer);
    channel.flush();
  } else {
    // Left in the buffer: the caller's finish sends it with the end of the request in one write.
    channel.write(response.body);
  }
}

void answer(Channel& channel, const RequestHandler& handle) {
  // Taken before anything can fail, so that every answer carries it.
  std::string requestId = requestIdFor(channel.env("HTTP_X_REQUEST_ID"));
  Response response;
  bool headOnly = false;
  try {
    Request request(channel);
    headOnly = request.method == "HEAD";
    response = handle(request, channel);
  } catch (const HttpError& error) {
    response = errorResponse(error);
  } catch (const std::exception& error) {
    response = errorResponse(InternalError());
    response.cause = std::string("internal error: ") + error.what();
  }
  response.headers.emplace_back("X-Request-Id", requestId);
  logCause(requestId, response);
  channel.discardUnreadBody();
  try {
    writeResponse(channel, response, headOnly);
  } catch (const std::exception& error) {
    // The headers are out; nothing can be answered any more, only logged.
    logLine("request " + requestId + ": error while streaming: " + error.what());
  }
}

int runServer(const ThreadPlan& threads, const RequestHandler& handle,
              const ThreadResource& threadResource, const ThreadResource& processResource) {
  std::signal(SIGPIPE, SIG_IGN);
  if (FCGX_IsCGI()) {
    std::shared_ptr<void> resource = threadResource ? threadResource() : nullptr;
    CgiChannel channel;
    answer(channel, handle);
    channel.flush();
    return 0;
  }
  FCGX_Init();
  // Signals go to this thread only: libfcgi's own SIGTERM handler would merely set a flag while
  // the workers sit in accept().
  sigset_t stopSignals;
  sigemptyset(&stopSignals);
  sigaddset(&stopSignals, SIGTERM);
  sigaddset(&stopSignals, SIGINT);
  sigaddset(&stopSignals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &stopSignals, nullptr);
  allowDescriptorsFor(threads);
  // Lives until the process ends (_exit below): its threads refer to it.
  static ServingThreads serving(threads, [&handle, &threadResource](ServingThreads& pool) {
    serveThread(pool, handle, threadResource);
  });
  serving.start();
  std::shared_ptr<void> background = processResource ? processResource() : nullptr;
  int received = 0;
  sigwait(&stopSignals, &received);
  background.reset();
  // Handlers keep no state: ending now loses nothing; open streams reconnect with Last-Event-ID.
  std::fflush(stderr);
#if defined(__SANITIZE_ADDRESS__)
  // _exit skips LeakSanitizer's check at exit: run it here (when ASAN_OPTIONS has detect_leaks=1),
  // so the test runs see what a FastCGI handler leaks.
  __lsan_do_leak_check();
#endif
  _exit(0);
}

}  // namespace rj
