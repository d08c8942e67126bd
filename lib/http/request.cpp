#include "http/request.h"

#include <algorithm>
#include <cctype>
#include <cstring>

#include "errors/errors.h"
#include "http/channel.h"
#include "http/url.h"
#include "util/uuid.h"

namespace rj {

namespace {
constexpr std::string_view kHeaderPrefix = "HTTP_";

// Writes the CGI name of an HTTP header name into `out` (room for 5 + name.size() characters) and
// gives its length: "HTTP_" and the name upper-cased with '-' as '_', without the prefix for the
// two headers CGI names bare. ASCII only: a header name is a token.
size_t writeCgiHeaderName(std::string_view name, char* out) {
  size_t length = kHeaderPrefix.copy(out, kHeaderPrefix.size());
  for (char c : name) {
    out[length++] = c == '-' ? '_' : (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
  }
  std::string_view cgi(out, length);
  if (cgi == "HTTP_CONTENT_TYPE" || cgi == "HTTP_CONTENT_LENGTH") {
    std::memmove(out, out + kHeaderPrefix.size(), length - kHeaderPrefix.size());
    length -= kHeaderPrefix.size();
  }
  return length;
}
}  // namespace

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
  // Only the headers are copied: the server's other variables (a few dozen) are looked at in place.
  for (char** variable = channel.environment(); variable && *variable; ++variable) {
    std::string_view entry(*variable);
    size_t equals = entry.find('=');
    if (equals == std::string_view::npos) continue;
    std::string_view name = entry.substr(0, equals);
    if (name.substr(0, kHeaderPrefix.size()) == kHeaderPrefix || name == "CONTENT_TYPE" ||
        name == "CONTENT_LENGTH") {
      headers.insert_or_assign(std::string(name), std::string(entry.substr(equals + 1)));
    }
  }
  if (auto cookieHeader = header("Cookie")) cookies = parseCookies(*cookieHeader);
}

std::string Request::cgiHeaderName(std::string_view name) {
  std::string cgi(kHeaderPrefix.size() + name.size(), '\0');
  cgi.resize(writeCgiHeaderName(name, cgi.data()));
  return cgi;
}

std::optional<std::string> Request::header(std::string_view name) const {
  // Spelled on the stack: a request looks up several headers, most of them longer than a string
  // keeps without an allocation.
  char spelled[96];
  std::string longName;
  std::string_view cgi;
  if (kHeaderPrefix.size() + name.size() <= sizeof spelled) {
    cgi = std::string_view(spelled, writeCgiHeaderName(name, spelled));
  } else {
    longName = cgiHeaderName(name);
    cgi = longName;
  }
  auto found = headers.find(cgi);
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
