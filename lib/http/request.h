#pragma once
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "http/router.h"

namespace rj {

class Channel;

constexpr size_t kMaxBodyBytes = 1024 * 1024;

class Request {
 public:
  // Reads method, path, query, headers and cookies from the CGI/FastCGI environment. The body is
  // read by readBody(), so a route can be refused before a large body is read.
  explicit Request(Channel& channel);
  Request() = default;  // for tests

  std::string method;
  std::string path;
  std::string body;
  std::map<std::string, std::string> query;
  std::map<std::string, std::string> cookies;
  RouteParams params;
  bool https = false;  // arrived over TLS (the CGI variable HTTPS=on)

  // A request header by its HTTP name ("X-Workspace-Id"), case-insensitive.
  std::optional<std::string> header(std::string_view name) const;
  std::optional<std::string> queryValue(const std::string& name) const;
  std::optional<std::string> cookie(const std::string& name) const;
  // A route parameter that must be a UUID; otherwise 400. Returned in lower case.
  std::string uuidParam(const std::string& name) const;
  // Reads the body; 413 past kMaxBodyBytes, without reading the rest.
  void readBody(Channel& channel);

  // CGI names: HTTP_X_WORKSPACE_ID, CONTENT_TYPE. Found by a string_view too (std::less<>).
  std::map<std::string, std::string, std::less<>> headers;

  // "X-Workspace-Id" -> "HTTP_X_WORKSPACE_ID".
  static std::string cgiHeaderName(std::string_view name);
};

}  // namespace rj
