#pragma once
// A small libcurl client for the end-to-end suites.
#include <rapidjson/document.h>

#include <map>
#include <string>
#include <vector>

namespace rj::test {

struct HttpResponse {
  long status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  rapidjson::Document json() const;  // fails the test when the body is not JSON
  std::string header(const std::string& lowerCaseName) const;
};

// Adds a "Name: value" response header line to `headers` (lower-case name); other lines are
// skipped.
void addHeaderLine(const std::string& line, std::map<std::string, std::string>& headers);

// Sends one request; `headers` are full lines ("X-Workspace-Id: ..."). A JSON Content-Type is
// added when there is a body and no Content-Type among the headers.
HttpResponse httpRequest(const std::string& method, const std::string& url,
                         const std::vector<std::string>& headers = {}, const std::string& body = "",
                         long timeoutSeconds = 30);

}  // namespace rj::test
