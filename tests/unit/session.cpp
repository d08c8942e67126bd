// The session cookie's attributes and the Origin check for cookie-authenticated changes.
#include "auth/session.h"

#include <gtest/gtest.h>

#include "auth/guards.h"
#include "auth/site_origin.h"
#include "errors/errors.h"

namespace rj {

namespace {
// A request as the web server would pass it: CGI header names.
Request cookieRequest(const std::string& method, const std::string& host = "jobs.example:8080") {
  Request request;
  request.method = method;
  request.headers["HTTP_HOST"] = host;
  request.cookies[kSessionCookie] = "rjt_secret";
  return request;
}

int statusOf(const Request& request) {
  try {
    requireSameOriginForCookie(request);
    return 0;
  } catch (const HttpError& error) {
    return error.status();
  }
}
}  // namespace

TEST(SessionCookie, HasEveryProtectiveAttribute) {
  EXPECT_EQ(sessionCookie("rjt_abc", 3600, false),
            "rj_session=rjt_abc; Path=/api; Max-Age=3600; HttpOnly; SameSite=Strict");
}

TEST(SessionCookie, IsSecureOverHttps) {
  EXPECT_EQ(sessionCookie("rjt_abc", 60, true),
            "rj_session=rjt_abc; Path=/api; Max-Age=60; HttpOnly; SameSite=Strict; Secure");
}

TEST(SessionCookie, ClearingSetsMaxAgeZeroAndAnEmptyValue) {
  EXPECT_EQ(clearedSessionCookie(false),
            "rj_session=; Path=/api; Max-Age=0; HttpOnly; SameSite=Strict");
}

TEST(SessionCookie, LifetimeIsBoundedByTheTokenExpiry) {
  EXPECT_EQ(boundedSessionMaxAge(std::nullopt), kSessionMaxAgeSeconds);
  EXPECT_EQ(boundedSessionMaxAge(120), 120);
  EXPECT_EQ(boundedSessionMaxAge(kSessionMaxAgeSeconds * 10), kSessionMaxAgeSeconds);
  EXPECT_EQ(boundedSessionMaxAge(-5), 0);
}

TEST(OriginCheck, CookiePostWithoutOriginIs403) {
  EXPECT_EQ(statusOf(cookieRequest("POST")), 403);
}

TEST(OriginCheck, CookiePostFromAnotherOriginIs403) {
  auto request = cookieRequest("POST");
  request.headers["HTTP_ORIGIN"] = "http://evil.example";
  EXPECT_EQ(statusOf(request), 403);
  request.headers["HTTP_ORIGIN"] = "http://jobs.example:8081";
  EXPECT_EQ(statusOf(request), 403);
  request.headers["HTTP_ORIGIN"] = "https://jobs.example:8080";  // another scheme
  EXPECT_EQ(statusOf(request), 403);
  request.headers["HTTP_ORIGIN"] = "null";
  EXPECT_EQ(statusOf(request), 403);
}

TEST(OriginCheck, CookiePostFromTheSameOriginPasses) {
  auto request = cookieRequest("DELETE");
  request.headers["HTTP_ORIGIN"] = "http://Jobs.Example:8080";
  EXPECT_EQ(statusOf(request), 0);
}

TEST(OriginCheck, SchemeComesFromHttps) {
  auto request = cookieRequest("POST", "jobs.example");
  request.https = true;
  request.headers["HTTP_ORIGIN"] = "https://jobs.example";
  EXPECT_EQ(requestOrigin(request), "https://jobs.example");
  EXPECT_EQ(statusOf(request), 0);
  request.headers["HTTP_ORIGIN"] = "http://jobs.example";
  EXPECT_EQ(statusOf(request), 403);
}

TEST(OriginCheck, MissingHostIs403) {
  auto request = cookieRequest("POST", "");
  request.headers.erase("HTTP_HOST");
  request.headers["HTTP_ORIGIN"] = "http://";
  EXPECT_EQ(statusOf(request), 403);
}

TEST(OriginCheck, ReadsAndBearerRequestsAreUnaffected) {
  EXPECT_EQ(statusOf(cookieRequest("GET")), 0);
  EXPECT_EQ(statusOf(cookieRequest("HEAD")), 0);
  auto bearer = cookieRequest("POST");
  bearer.headers["HTTP_AUTHORIZATION"] = "Bearer rjt_secret";
  EXPECT_EQ(statusOf(bearer), 0);
  Request noCookie;
  noCookie.method = "POST";
  EXPECT_EQ(statusOf(noCookie), 0);
}

TEST(BearerToken, OnlyTheAuthorizationHeaderCounts) {
  auto request = cookieRequest("POST");
  EXPECT_THROW(requireBearerToken(request), HttpError);
  request.headers["HTTP_AUTHORIZATION"] = "Bearer rjt_header";
  EXPECT_EQ(requireBearerToken(request), "rjt_header");
  request.headers["HTTP_AUTHORIZATION"] = "Basic dXNlcjpwYXNz";
  EXPECT_THROW(requireBearerToken(request), HttpError);
}

}  // namespace rj

namespace rj {

// Behind a proxy that ends TLS the handler sees plain HTTP and the proxy's upstream Host.
TEST(PublicOrigin, IsTheOriginTheCheckComparesWith) {
  auto request = cookieRequest("POST", "127.0.0.1:8080");
  std::string site = siteOrigin(request, "https://public.example");
  EXPECT_EQ(site, "https://public.example");
  request.headers["HTTP_ORIGIN"] = "https://public.example";
  EXPECT_NO_THROW(requireSameOriginForCookie(request, site));
  request.headers["HTTP_ORIGIN"] = "http://127.0.0.1:8080";  // what the handler itself sees
  EXPECT_THROW(requireSameOriginForCookie(request, site), HttpError);
  request.headers["HTTP_ORIGIN"] = "https://other.example";
  EXPECT_THROW(requireSameOriginForCookie(request, site), HttpError);
}

TEST(PublicOrigin, UnsetMeansTheRequestsOwnOrigin) {
  auto request = cookieRequest("POST", "Jobs.Example:8080");
  EXPECT_EQ(siteOrigin(request, ""), "http://jobs.example:8080");
  request.https = true;
  EXPECT_EQ(siteOrigin(request, ""), "https://jobs.example:8080");
}

TEST(PublicOrigin, IsWrittenTheWayBrowsersSendOrigin) {
  EXPECT_EQ(normalizeOrigin("HTTPS://Jobs.Example.com/"), "https://jobs.example.com");
  EXPECT_EQ(normalizeOrigin("https://jobs.example.com:443"), "https://jobs.example.com");
  EXPECT_EQ(normalizeOrigin("http://jobs.example.com:80"), "http://jobs.example.com");
  EXPECT_EQ(normalizeOrigin("https://jobs.example.com:8443"), "https://jobs.example.com:8443");
  EXPECT_EQ(normalizeOrigin("http://jobs.example.com:8080"), "http://jobs.example.com:8080");
  EXPECT_EQ(normalizeOrigin(""), "");
}

}  // namespace rj
