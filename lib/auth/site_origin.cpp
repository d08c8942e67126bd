#include "auth/site_origin.h"

#include <algorithm>
#include <cctype>

#include "auth/guards.h"
#include "db/config.h"

namespace rj {

namespace {
bool startsWith(const std::string& text, const std::string& head) {
  return text.rfind(head, 0) == 0;
}
bool endsWith(const std::string& text, const std::string& tail) {
  return text.size() >= tail.size() &&
         text.compare(text.size() - tail.size(), tail.size(), tail) == 0;
}
}  // namespace

std::string normalizeOrigin(std::string origin) {
  std::transform(origin.begin(), origin.end(), origin.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  // "https://jobs.example.com/" as people copy it from the address bar.
  if (endsWith(origin, "/") && !endsWith(origin, "://")) origin.pop_back();
  // Browsers leave the scheme's default port out of Origin.
  if (startsWith(origin, "https://") && endsWith(origin, ":443")) origin.resize(origin.size() - 4);
  if (startsWith(origin, "http://") && endsWith(origin, ":80")) origin.resize(origin.size() - 3);
  return origin;
}

std::string siteOrigin(const Request& request, const std::string& publicOrigin) {
  return publicOrigin.empty() ? requestOrigin(request) : normalizeOrigin(publicOrigin);
}

std::string siteOrigin(const Request& request) {
  static const std::string publicOrigin = normalizeOrigin(setting("RJ_PUBLIC_ORIGIN"));
  return siteOrigin(request, publicOrigin);
}

bool isHttpsSite(const Request& request) {
  return startsWith(siteOrigin(request), "https://");
}

}  // namespace rj
