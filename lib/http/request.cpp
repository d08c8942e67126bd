#include "http/request.h"

#include <algorithm>
#include <cctype>
#include <cstring>

#include "http/channel.h"
#include "errors/errors.h"
#include "http/url.h"
#include "util/uuid.h"

namespace rj {

Request::Request(Channel& channel) {
  auto value = [&](const char* name) {
    const char* found = channel.env(name);
    return std::string(found ? found : "");
  };
  method = value("REQUEST_METHOD");
  // REQUEST_URI is set the same way by every server; SCRIPT_NAME/PATH_INFO are not.
  std::string uri = value("REQUEST_URI");
  if (uri.empty()) uri = value("SCRIPT_NAME") + value("PATH_INFO");
  size_t question = uri.find('?');
  path = uri.substr(0, question);
  query = parseQueryString(value("QUERY_STRING"));
  // Servers set HTTPS=on for TLS requests (lighttpd, Apache, nginx's fastcgi_params).
  std::string httpsFlag = value("HTTPS");
  std::transform(httpsFlag.begin(), httpsFlag.end(), httpsFlag.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  https = httpsFlag == "on" || httpsFlag == "1";
  for (char** variable = channel.environment(); variable && *variable; ++variable) {
    const char* equals = std::strchr(*variable, '=');
    if (!equals) continue;
    std::string name(*variable, static_cast<size_t>(equals - *variable));
    if (name.rfind("HTTP_", 0) == 0 || name == "CONTENT_TYPE" || name == "CONTENT_LENGTH") {
      headers[name] = equals + 1;
    }
  }
  if (auto cookieHeader = header("Cookie")) cookies = parseCookies(*cookieHeader);
}

std::string Request::cgiHeaderName(const std::string& name) {
  std::string cgi = name;
  std::transform(cgi.begin(), cgi.end(), cgi.begin(), [](unsigned char c) {
    return c == '-' ? '_' : static_cast<char>(std::toupper(c));
  });
  if (cgi == "CONTENT_TYPE" || cgi == "CONTENT_LENGTH") return cgi;
  return "HTTP_" + cgi;
}

std::optional<std::string> Request::header(const std::string& name) const {
  auto found = headers.find(cgiHeaderName(name));
  if (found == headers.end()) return std::nullopt;
  return found->second;
}

std::optional<std::string> Request::queryValue(const std::string& name) const {
  auto found = query.find(name);
  if (found == query.end()) return std::nullopt;
  return found->second;
}

std::optional<std::string> Request::cookie(const std::string& name) const {
  auto found = cookies.find(name);
  if (found == cookies.end()) return std::nullopt;
  return found->second;
}

std::string Request::uuidParam(const std::string& name) const {
  auto found = params.find(name);
  if (found == params.end() || !isUuid(found->second)) {
    throw BadRequest(ErrorCode::InvalidId, "Validation failed (uuid is expected)");
  }
  return normalizeUuid(found->second);
}

void Request::readBody(Channel& channel) {
  // Without a length only a FastCGI body has a reliable end; read one byte past the limit at most.
  size_t expected = channel.bodyEndsAtEof() ? kMaxBodyBytes + 1 : 0;
  auto length = header("Content-Length");
  if (length && !length->empty()) {
    if (length->find_first_not_of("0123456789") != std::string::npos || length->size() > 12) {
      throw BadRequest(ErrorCode::InvalidContentLength, "Invalid Content-Length");
    }
    size_t declared = std::stoull(*length);
    if (declared > kMaxBodyBytes) throw PayloadTooLarge();
    expected = declared;
  }
  char buffer[16384];
  body.clear();
  while (body.size() < expected) {
    size_t count = channel.read(buffer, std::min(sizeof buffer, expected - body.size()));
    if (count == 0) break;
    body.append(buffer, count);
  }
  if (body.size() > kMaxBodyBytes) throw PayloadTooLarge();
}

}  // namespace rj
