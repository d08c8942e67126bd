// Request parsing, routing and the error shape.
#include <gtest/gtest.h>

#include <set>

#include "errors/errors.h"
#include "http/error_body.h"
#include "http/router.h"
#include "http/url.h"
#include "json/json.h"

namespace rj {

TEST(Router, MatchesParamSegments) {
  auto params = matchRoute("/api/runner-jobs/:id/cancel", "/api/runner-jobs/abc/cancel");
  ASSERT_TRUE(params);
  EXPECT_EQ(params->at("id"), "abc");
}

TEST(Router, IgnoresOneTrailingSlash) {
  EXPECT_TRUE(matchRoute("/api/runner-jobs", "/api/runner-jobs/"));
}

TEST(Router, RejectsOtherShapes) {
  EXPECT_FALSE(matchRoute("/api/runner-jobs/:id", "/api/runner-jobs"));
  EXPECT_FALSE(matchRoute("/api/runner-jobs/:id", "/api/runner-jobs//"));
  EXPECT_FALSE(matchRoute("/api/runner-jobs/:id", "/api/runner-jobs/a/b"));
  EXPECT_FALSE(matchRoute("/api/health", "/api/healthz"));
}

TEST(Router, AllowedMethodsListsEveryMethodOfThePath) {
  std::vector<Route> routes = {
      {"GET", "/api/runner-jobs"}, {"POST", "/api/runner-jobs"}, {"GET", "/api/runner-jobs/:id"}};
  EXPECT_EQ(allowedMethods(routes, "/api/runner-jobs"), "GET, POST");
  EXPECT_EQ(allowedMethods(routes, "/api/runner-jobs/x"), "GET");
  EXPECT_EQ(allowedMethods(routes, "/api/other"), "");
}

TEST(QueryString, DecodesPercentAndPlus) {
  auto query = parseQueryString("status=QUEUED%2CRUNNING&type=a+b&empty=&flag&status=ignored");
  EXPECT_EQ(query["status"], "QUEUED,RUNNING");
  EXPECT_EQ(query["type"], "a b");
  EXPECT_EQ(query["empty"], "");
  EXPECT_EQ(query.count("flag"), 1u);
}

TEST(QueryString, KeepsMalformedEscapes) {
  EXPECT_EQ(percentDecode("100%", false), "100%");
  EXPECT_EQ(percentDecode("%zz%4", false), "%zz%4");
  EXPECT_EQ(percentDecode("a+b", false), "a+b");
}

TEST(Cookies, ParsesPairsAndQuotes) {
  auto cookies = parseCookies("a=1; rj_session=\"tok\" ;  theme=dark");
  EXPECT_EQ(cookies["a"], "1");
  EXPECT_EQ(cookies["rj_session"], "tok");
  EXPECT_EQ(cookies["theme"], "dark");
}

TEST(ErrorBody, HasTheNestShape) {
  EXPECT_EQ(errorBody(NotFound(ErrorCode::JobNotFound, "Runner job with ID x not found")),
            R"({"statusCode":404,"message":"Runner job with ID x not found","error":"Not Found",)"
            R"("code":"JOB_NOT_FOUND"})");
  EXPECT_EQ(errorBody(ValidationFailed({"a must be b", "c"})),
            R"({"statusCode":400,"message":["a must be b","c"],"error":"Bad Request",)"
            R"("code":"VALIDATION_FAILED"})");
}

TEST(ErrorBody, MethodNotAllowedCarriesAllow) {
  HttpError error = MethodNotAllowed("GET, POST");
  ASSERT_EQ(error.headers.size(), 1u);
  EXPECT_EQ(error.headers[0].first, "Allow");
  EXPECT_EQ(error.headers[0].second, "GET, POST");
}

TEST(ErrorBody, EscapesMessageText) {
  std::string body = errorBody(BadRequest(ErrorCode::InvalidJson, "quote \" and \n newline"));
  auto document = parseJsonBody(body);
  EXPECT_STREQ(document["message"].GetString(), "quote \" and \n newline");
}

TEST(ErrorCodes, EveryCodeHasOneDistinctUpperCaseName) {
  std::set<std::string> names;
  for (ErrorCode code : allErrorCodes()) {
    std::string name = errorCodeName(code);
    EXPECT_TRUE(names.insert(name).second) << name;
    for (char c : name) EXPECT_TRUE((c >= 'A' && c <= 'Z') || c == '_') << name;
  }
  EXPECT_EQ(names.size(), static_cast<size_t>(ErrorCode::RecurringJobNotFound) + 1);
}

TEST(ErrorBody, ValidationMessagesAreBounded) {
  std::vector<std::string> many;
  for (int i = 0; i < 90000; ++i)
    many.push_back("property k" + std::to_string(i) + " should not exist");
  HttpError error = ValidationFailed(many);
  ASSERT_EQ(error.messages().size(), kMaxValidationMessages + 1);
  EXPECT_EQ(error.messages().front(), "property k0 should not exist");
  EXPECT_EQ(error.messages().back(), "... and 89980 more");
  EXPECT_LT(errorBody(error).size(), 2000u);

  HttpError longOne =
      ValidationFailed({"property " + std::string(1000000, 'x') + " should not exist"});
  EXPECT_EQ(longOne.messages().front().size(), kMaxValidationMessageLength + 3);
}

TEST(ErrorCodes, DefaultsFollowTheStatus) {
  EXPECT_EQ(Unauthorized().code(), ErrorCode::Unauthorized);
  EXPECT_EQ(PayloadTooLarge().code(), ErrorCode::PayloadTooLarge);
  EXPECT_EQ(MethodNotAllowed("GET").code(), ErrorCode::MethodNotAllowed);
  EXPECT_EQ(ServiceUnavailable("down").code(), ErrorCode::DatabaseUnavailable);
  EXPECT_EQ(ServiceUnavailable("down").status(), 503);
}

}  // namespace rj
