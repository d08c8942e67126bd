#include "http/server.h"

#include <pthread.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <thread>
#include <vector>
#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#endif

#include "http/error_body.h"

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

Response errorResponse(const HttpError& error) {
  Response response = jsonText(errorBody(error), error.status());
  for (const auto& header : error.headers) response.headers.push_back(header);
  return response;
}

void serveThread(const RequestHandler& handle, const ThreadResource& threadResource) {
  std::shared_ptr<void> resource = threadResource ? threadResource() : nullptr;
  FCGX_Request request;
  FCGX_InitRequest(&request, 0, 0);
  while (FCGX_Accept_r(&request) == 0) {
    FcgiChannel channel(request);
    answer(channel, handle);
    FCGX_Finish_r(&request);
  }
  // The listening socket is gone: end the process rather than linger without serving.
  kill(getpid(), SIGTERM);
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
  } else {
    channel.write(response.body);
  }
  channel.flush();
}

void answer(Channel& channel, const RequestHandler& handle) {
  Response response;
  bool headOnly = false;
  try {
    Request request(channel);
    headOnly = request.method == "HEAD";
    response = handle(request, channel);
  } catch (const HttpError& error) {
    response = errorResponse(error);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "runner-jobs: internal error: %s\n", error.what());
    response = errorResponse(InternalError());
  }
  channel.discardUnreadBody();
  try {
    writeResponse(channel, response, headOnly);
  } catch (const std::exception& error) {
    // The headers are out; nothing can be answered any more, only logged.
    std::fprintf(stderr, "runner-jobs: error while streaming: %s\n", error.what());
  }
}

int runServer(int threads, const RequestHandler& handle, const ThreadResource& threadResource,
              const ThreadResource& processResource) {
  std::signal(SIGPIPE, SIG_IGN);
  if (FCGX_IsCGI()) {
    std::shared_ptr<void> resource = threadResource ? threadResource() : nullptr;
    CgiChannel channel;
    answer(channel, handle);
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
  for (int i = 0; i < (threads < 1 ? 1 : threads); ++i) {
    std::thread(serveThread, std::cref(handle), std::cref(threadResource)).detach();
  }
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
