// Query-string and cookie parsing per request: the hand-written parser (lib/http/url.cpp) against
// cgicc (Cgicc over a CgiInput adapter, as a handler would use it). Prints nanoseconds per request.
// The figures and the decision are in docs/DESIGN.md.
#include <cgicc/CgiEnvironment.h>
#include <cgicc/CgiInput.h>
#include <cgicc/Cgicc.h>
#include <cgicc/HTTPCookie.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <string>

#include "http/url.h"

namespace {

const std::string kQuery =
    "status=QUEUED%2CRUNNING&type=build.docker&page=2&limit=10&"
    "workspaceId=0b7e8a52-56ad-4f0e-9a49-6b1d3c1a2f10";
const std::string kCookie = "rj_session=rjt_4f1c0e2b9a7d6c5e8f3a1b0c9d8e7f6a; theme=dark";

// What a FastCGI server passes (lighttpd's set, trimmed to the usual ones).
const std::map<std::string, std::string> kEnvironment = {
    {"REQUEST_METHOD", "GET"},
    {"REQUEST_URI", "/api/runner-jobs?" + kQuery},
    {"QUERY_STRING", kQuery},
    {"SCRIPT_NAME", "/api/runner-jobs"},
    {"SERVER_NAME", "127.0.0.1"},
    {"SERVER_PORT", "8080"},
    {"SERVER_PROTOCOL", "HTTP/1.1"},
    {"SERVER_SOFTWARE", "lighttpd/1.4.69"},
    {"GATEWAY_INTERFACE", "CGI/1.1"},
    {"REMOTE_ADDR", "127.0.0.1"},
    {"REMOTE_PORT", "51234"},
    {"HTTP_HOST", "127.0.0.1:8080"},
    {"HTTP_USER_AGENT", "curl/7.88.1"},
    {"HTTP_ACCEPT", "*/*"},
    {"HTTP_AUTHORIZATION", "Bearer rjt_4f1c0e2b9a7d6c5e8f3a1b0c9d8e7f6a"},
    {"HTTP_X_WORKSPACE_ID", "0b7e8a52-56ad-4f0e-9a49-6b1d3c1a2f10"},
    {"HTTP_COOKIE", kCookie},
};

class EnvironmentInput : public cgicc::CgiInput {
 public:
  size_t read(char*, size_t) override { return 0; }
  std::string getenv(const char* name) override {
    auto found = kEnvironment.find(name);
    return found == kEnvironment.end() ? "" : found->second;
  }
};

template <typename Parse>
double nanosecondsPerRequest(int rounds, Parse&& parse) {
  size_t sink = 0;
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < rounds; ++i) sink += parse();
  auto elapsed = std::chrono::steady_clock::now() - start;
  if (sink == 42) std::puts("");  // keeps the work from being optimised away
  return std::chrono::duration<double, std::nano>(elapsed).count() / rounds;
}

}  // namespace

int main() {
  const int rounds = 200000;
  auto handWritten = [] {
    auto query = rj::parseQueryString(kEnvironment.at("QUERY_STRING"));
    auto cookies = rj::parseCookies(kEnvironment.at("HTTP_COOKIE"));
    return query.size() + cookies.size();
  };
  auto withCgicc = [] {
    EnvironmentInput input;
    cgicc::Cgicc cgi(&input);
    std::map<std::string, std::string> query;
    for (const auto& element : cgi.getElements())
      query.emplace(element.getName(), element.getValue());
    std::map<std::string, std::string> cookies;
    for (const auto& cookie : cgi.getEnvironment().getCookieList()) {
      cookies.emplace(cookie.getName(), cookie.getValue());
    }
    return query.size() + cookies.size();
  };
  nanosecondsPerRequest(rounds / 10, handWritten);  // warm-up
  nanosecondsPerRequest(rounds / 10, withCgicc);
  double mine = nanosecondsPerRequest(rounds, handWritten);
  double cgicc = nanosecondsPerRequest(rounds, withCgicc);
  std::printf("query + cookies, hand-written: %8.0f ns/request\n", mine);
  std::printf("query + cookies, cgicc:        %8.0f ns/request (%.1fx)\n", cgicc, cgicc / mine);
}
