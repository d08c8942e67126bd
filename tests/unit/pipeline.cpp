// The request pipeline of every endpoint (route, guards, body, content type, handler, error
// mapping) driven in-process through answer() on a fake channel: no web server, no database (the
// database settings point at a socket that does not exist, so anything that queries fails).
#include <gtest/gtest.h>

#include <cstdlib>
#include <stdexcept>

#include "app/serve.h"
#include "json/json.h"
#include "support/fake_channel.h"

namespace rj {

namespace {

using test::FakeChannel;

[[maybe_unused]] const bool kNoDatabase = [] {
  unsetenv("RJ_CONFIG");
  setenv("RJ_DB_SOCKET", "/nonexistent/runner-jobs-unit-test.sock", 1);
  return true;
}();

const std::string kJobId = "0b7e8a52-56ad-4f0e-9a49-6b1d3c1a2f10";

// A public endpoint, so the guards need no database: it answers what it was given.
const ApiRoute kEchoRoute{"test_echo", "POST", "/api/test/:id", Permission::Public};

Response echo(Request& request, Context&) {
  JsonWriter out;
  out.startObject()
      .key("id")
      .string(request.uuidParam("id"))
      .key("body")
      .string(request.body)
      .key("q")
      .string(request.queryValue("q").value_or("-"))
      .endObject();
  return jsonText(out.take());
}

// Headers come from the CGI variables under their HTTP names, in any case; nothing else does.
TEST(Request, HeadersAreFoundByTheirHttpNameInAnyCase) {
  const std::string longName(120, 'a');
  FakeChannel channel("POST", "/api/test",
                      {{"HTTP_X_WORKSPACE_ID", "w"},
                       {"CONTENT_TYPE", "application/json"},
                       {"HTTP_" + std::string(120, 'A'), "long"},
                       {"SERVER_NAME", "s"}},
                      "{}");
  Request request(channel);
  EXPECT_EQ(request.header("X-Workspace-Id"), "w");
  EXPECT_EQ(request.header("x-workspace-id"), "w");
  EXPECT_EQ(request.header("Content-Type"), "application/json");
  EXPECT_EQ(request.header("content-length"), "2");
  EXPECT_EQ(request.header(longName), "long");  // past the lookup's buffer on the stack
  EXPECT_EQ(request.header("Server-Name"), std::nullopt);
  EXPECT_EQ(request.headers.count("SERVER_NAME"), 0u);
  EXPECT_EQ(Request::cgiHeaderName("Content-Length"), "CONTENT_LENGTH");
  EXPECT_EQ(Request::cgiHeaderName("x-request-id"), "HTTP_X_REQUEST_ID");
}

FakeChannel answered(const ApiRoute& route, FakeChannel channel,
                     const EndpointHandler& handler = echo) {
  answer(channel, endpointHandler(route, handler));
  return channel;
}

std::string messageOf(const FakeChannel& channel) {
  auto document = parseJsonBody(channel.body());
  EXPECT_EQ(document["statusCode"].GetInt(), channel.status());
  return document["message"].IsString() ? document["message"].GetString() : "";
}

std::string codeOf(const FakeChannel& channel) {
  auto document = parseJsonBody(channel.body());
  return document.HasMember("code") && document["code"].IsString() ? document["code"].GetString()
                                                                   : "(none)";
}

const ApiRoute& row(const char* name) {
  const ApiRoute* route = findApiRoute(name);
  if (!route) throw std::logic_error(std::string("no route ") + name);
  return *route;
}

}  // namespace

TEST(Pipeline, UnknownPathIs404) {
  auto channel = answered(row("jobs_get"), FakeChannel("GET", "/api/no-such-thing"));
  EXPECT_EQ(channel.status(), 404);
  EXPECT_EQ(messageOf(channel), "Cannot GET /api/no-such-thing");
  EXPECT_EQ(codeOf(channel), "ROUTE_NOT_FOUND");
  EXPECT_EQ(channel.header("Content-Type"), "application/json; charset=utf-8");
}

TEST(Pipeline, WrongMethodIs405WithEveryAllowedMethod) {
  auto channel = answered(row("jobs_get"), FakeChannel("DELETE", "/api/runner-jobs/" + kJobId));
  EXPECT_EQ(channel.status(), 405);
  EXPECT_EQ(channel.header("Allow"), "GET");
  EXPECT_EQ(codeOf(channel), "METHOD_NOT_ALLOWED");

  auto list = answered(row("jobs_list"), FakeChannel("PUT", "/api/runner-jobs"));
  EXPECT_EQ(list.status(), 405);
  EXPECT_EQ(list.header("Allow"), "GET, POST");
}

TEST(Pipeline, FallbackAnswers404And405FromTheRouteTable) {
  FakeChannel unknown("GET", "/api/nothing/here");
  answer(unknown, fallbackHandler());
  EXPECT_EQ(unknown.status(), 404);

  FakeChannel wrongMethod("PATCH", "/api/auth/session/");
  answer(wrongMethod, fallbackHandler());
  EXPECT_EQ(wrongMethod.status(), 405);
  EXPECT_EQ(wrongMethod.header("Allow"), "GET, POST, DELETE");
}

TEST(Pipeline, MissingTokenIs401BeforeTheBodyIsRead) {
  // A body far over the limit: the 401 comes first and not one byte of it is read.
  FakeChannel request("POST", "/api/runner-jobs",
                      {{"CONTENT_TYPE", "text/plain"}, {"CONTENT_LENGTH", "5000000"}});
  auto channel = answered(row("jobs_create"), std::move(request));
  EXPECT_EQ(channel.status(), 401);
  EXPECT_EQ(messageOf(channel), "Missing bearer token");
  EXPECT_EQ(codeOf(channel), "UNAUTHORIZED");
  EXPECT_EQ(channel.bodyBytesRead(), 0u);
  EXPECT_TRUE(channel.discardedUnreadBody());
}

TEST(Pipeline, RunnerEndpointWithoutRunnerTokenIs401) {
  auto channel = answered(row("runner_claim"), FakeChannel("POST", "/api/runner/claim"));
  EXPECT_EQ(channel.status(), 401);
}

TEST(Pipeline, DeclaredBodyOverOneMebibyteIs413WithoutReadingIt) {
  FakeChannel request("POST", "/api/test/" + kJobId,
                      {{"CONTENT_TYPE", "application/json"},
                       {"CONTENT_LENGTH", std::to_string(kMaxBodyBytes + 1)}});
  auto channel = answered(kEchoRoute, std::move(request));
  EXPECT_EQ(channel.status(), 413);
  EXPECT_EQ(channel.bodyBytesRead(), 0u);
}

TEST(Pipeline, BodyOfExactlyOneMebibyteIsAccepted) {
  std::string body = "\"" + std::string(kMaxBodyBytes - 2, 'x') + "\"";
  auto channel = answered(kEchoRoute, FakeChannel("POST", "/api/test/" + kJobId,
                                                  {{"CONTENT_TYPE", "application/json"}}, body));
  EXPECT_EQ(channel.status(), 200);
  EXPECT_EQ(channel.bodyBytesRead(), kMaxBodyBytes);
}

TEST(Pipeline, UndeclaredBodyIsCutOffOneBytePastTheLimit) {
  FakeChannel request("POST", "/api/test/" + kJobId,
                      {{"CONTENT_TYPE", "application/json"}, {"CONTENT_LENGTH", ""}},
                      std::string(3 * kMaxBodyBytes, 'x'));
  auto channel = answered(kEchoRoute, std::move(request));
  EXPECT_EQ(channel.status(), 413);
  EXPECT_EQ(channel.bodyBytesRead(), kMaxBodyBytes + 1);
}

TEST(Pipeline, MalformedContentLengthIs400) {
  auto channel = answered(
      kEchoRoute, FakeChannel("POST", "/api/test/" + kJobId,
                              {{"CONTENT_TYPE", "application/json"}, {"CONTENT_LENGTH", "1e3"}}));
  EXPECT_EQ(channel.status(), 400);
  EXPECT_EQ(messageOf(channel), "Invalid Content-Length");
  EXPECT_EQ(codeOf(channel), "INVALID_CONTENT_LENGTH");
}

TEST(Pipeline, BodyThatIsNotJsonIs415) {
  auto channel = answered(
      kEchoRoute, FakeChannel("POST", "/api/test/" + kJobId,
                              {{"CONTENT_TYPE", "application/x-www-form-urlencoded"}}, "a=1"));
  EXPECT_EQ(channel.status(), 415);
  EXPECT_EQ(messageOf(channel), "Content-Type must be application/json");
  EXPECT_EQ(codeOf(channel), "UNSUPPORTED_MEDIA_TYPE");

  auto untyped = answered(kEchoRoute, FakeChannel("POST", "/api/test/" + kJobId, {}, "{}"));
  EXPECT_EQ(untyped.status(), 415);

  // A media type that only starts like JSON is not JSON.
  auto lookalike = answered(kEchoRoute, FakeChannel("POST", "/api/test/" + kJobId,
                                                    {{"CONTENT_TYPE", "application/jsonp"}}, "{}"));
  EXPECT_EQ(lookalike.status(), 415);
}

TEST(Pipeline, MediaTypeIsCaseInsensitiveAndParametersAreIgnored) {
  for (const char* type : {"application/json", "Application/JSON; charset=UTF-8",
                           " application/json ;charset=utf-8", "APPLICATION/JSON"}) {
    auto channel = answered(
        kEchoRoute, FakeChannel("POST", "/api/test/" + kJobId, {{"CONTENT_TYPE", type}}, "{}"));
    EXPECT_EQ(channel.status(), 200) << type;
  }
}

TEST(Pipeline, HeadIsAGetWithoutTheBody) {
  const ApiRoute getRoute{"test_get", "GET", "/api/test/:id", Permission::Public};
  auto get = answered(getRoute, FakeChannel("GET", "/api/test/" + kJobId));
  auto head = answered(getRoute, FakeChannel("HEAD", "/api/test/" + kJobId));
  EXPECT_EQ(head.status(), 200);
  EXPECT_EQ(head.body(), "");
  ASSERT_FALSE(get.body().empty());
  EXPECT_EQ(head.header("Content-Length"), std::to_string(get.body().size()));
  EXPECT_EQ(head.header("Content-Type"), get.header("Content-Type"));
  // Only GET routes take HEAD.
  auto claim = answered(row("runner_claim"), FakeChannel("HEAD", "/api/runner/claim"));
  EXPECT_EQ(claim.status(), 405);
  EXPECT_EQ(claim.header("Allow"), "POST");
}

TEST(Pipeline, EmptyBodyNeedsNoContentType) {
  auto channel = answered(kEchoRoute, FakeChannel("POST", "/api/test/" + kJobId));
  EXPECT_EQ(channel.status(), 200);
}

TEST(Pipeline, BadUuidInThePathIs400) {
  auto channel = answered(kEchoRoute, FakeChannel("POST", "/api/test/not-a-uuid"));
  EXPECT_EQ(channel.status(), 400);
  EXPECT_EQ(messageOf(channel), "Validation failed (uuid is expected)");
  EXPECT_EQ(codeOf(channel), "INVALID_ID");
}

TEST(Pipeline, HandlerGetsParamsQueryAndBody) {
  std::string upper = kJobId;
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  auto channel = answered(
      kEchoRoute, FakeChannel("POST", "/api/test/" + upper + "/?q=a%20b+c",
                              {{"CONTENT_TYPE", "application/json; charset=utf-8"}}, "[1]"));
  ASSERT_EQ(channel.status(), 200);
  EXPECT_EQ(channel.header("Content-Length"), std::to_string(channel.body().size()));
  auto document = parseJsonBody(channel.body());
  EXPECT_EQ(std::string(document["id"].GetString()), kJobId);  // normalised to lower case
  EXPECT_EQ(std::string(document["body"].GetString()), "[1]");
  EXPECT_EQ(std::string(document["q"].GetString()), "a b c");
}

TEST(Pipeline, UnexpectedExceptionIs500WithoutItsText) {
  auto channel =
      answered(kEchoRoute, FakeChannel("POST", "/api/test/" + kJobId),
               [](Request&, Context&) -> Response { throw std::runtime_error("secret detail"); });
  EXPECT_EQ(channel.status(), 500);
  EXPECT_EQ(messageOf(channel), "Internal server error");
  EXPECT_EQ(codeOf(channel), "INTERNAL_ERROR");
  EXPECT_EQ(channel.body().find("secret"), std::string::npos);
}

TEST(Pipeline, DatabaseTroubleIs503WithRetryAfter) {
  // The token is looked up in a database that cannot be reached.
  FakeChannel request(
      "GET", "/api/runner-jobs/" + kJobId,
      {{"HTTP_AUTHORIZATION", "Bearer rjt_anything"}, {"HTTP_X_WORKSPACE_ID", kJobId}});
  auto channel = answered(row("jobs_get"), std::move(request));
  EXPECT_EQ(channel.status(), 503);
  EXPECT_EQ(channel.header("Retry-After"), "2");
  EXPECT_EQ(messageOf(channel), "Database temporarily unavailable, retry later");
  EXPECT_EQ(codeOf(channel), "DATABASE_UNAVAILABLE");
}

TEST(Pipeline, StreamMeetingDatabaseTroubleBeforeItsFirstByteSaysRetryInTheStream) {
  // EventSource gives up for good on a 503; a 200 stream with a retryable error brings it back.
  FakeChannel request(
      "GET", "/api/runner-jobs/" + kJobId + "/events/stream",
      {{"HTTP_AUTHORIZATION", "Bearer rjt_anything"}, {"HTTP_X_WORKSPACE_ID", kJobId}});
  auto channel = answered(row("events_stream"), std::move(request));
  EXPECT_EQ(channel.status(), 200);
  EXPECT_EQ(channel.header("Content-Type"), "text/event-stream; charset=utf-8");
  std::string body = channel.body();
  EXPECT_EQ(body.rfind("retry: 3000\n\n", 0), 0u) << body;
  EXPECT_NE(body.find("event: error\n"), std::string::npos) << body;
  EXPECT_NE(body.find("\"retryable\":true"), std::string::npos) << body;
}

TEST(Pipeline, StreamedAnswerSendsHeadersFirstWithoutContentLength) {
  auto channel =
      answered(kEchoRoute, FakeChannel("POST", "/api/test/" + kJobId), [](Request&, Context&) {
        Response response;
        response.headers = {{"Content-Type", "text/event-stream"}};
        response.stream = [](StreamWriter& out) {
          out.write("data: 1\n\n");
          out.flush();
          out.write("data: 2\n\n");
        };
        return response;
      });
  EXPECT_EQ(channel.status(), 200);
  EXPECT_EQ(channel.header("Content-Type"), "text/event-stream");
  EXPECT_FALSE(channel.header("Content-Length"));
  EXPECT_EQ(channel.body(), "data: 1\n\ndata: 2\n\n");
  // Flushed after the headers, after the first event, and at the end.
  size_t headEnd = channel.written().find("\r\n\r\n") + 4;
  ASSERT_EQ(channel.flushedAt().size(), 3u);
  EXPECT_EQ(channel.flushedAt()[0], headEnd);
  EXPECT_EQ(channel.flushedAt()[1], headEnd + 9);
}

TEST(Serve, RefusesToStartWithoutARouteRow) {
  testing::internal::CaptureStderr();
  int status = serve("no_such_endpoint", echo);
  std::string message = testing::internal::GetCapturedStderr();
  EXPECT_EQ(status, 1);
  EXPECT_NE(message.find("no route named \"no_such_endpoint\""), std::string::npos) << message;
}

}  // namespace rj
