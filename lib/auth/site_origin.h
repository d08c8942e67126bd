#pragma once
// The origin browsers see the site at. Behind a proxy that ends TLS the handler sees plain HTTP
// (and perhaps another Host), so RJ_PUBLIC_ORIGIN can name it; otherwise the request tells it.
#include <string>

#include "http/request.h"

namespace rj {

// "HTTPS://Jobs.Example.com:443/" -> "https://jobs.example.com": lower case, no trailing slash,
// no default port, the way browsers write an Origin header. Empty stays empty.
std::string normalizeOrigin(std::string origin);
// The site's origin: publicOrigin (normalized) when it is not empty, else the request's own
// scheme (HTTPS=on) and Host.
std::string siteOrigin(const Request& request, const std::string& publicOrigin);
// siteOrigin with the RJ_PUBLIC_ORIGIN setting (read once per process).
std::string siteOrigin(const Request& request);
// Whether the session cookie gets Secure: the site's origin is https.
bool isHttpsSite(const Request& request);

}  // namespace rj
