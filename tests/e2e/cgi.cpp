// The same handler binary answers as plain CGI when no FastCGI server started it.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <memory>

#include "support/stack.h"

namespace rj::test {

namespace {
// Runs a handler as a CGI program with the given variables and stdin; returns its stdout.
std::string runCgi(const std::string& handler, const std::string& variables,
                   const std::string& input = "",
                   const std::string& config = stack().var + "/db.conf") {
  std::string command =
      "printf '%s' '" + input + "' | env -i RJ_CONFIG='" + config +
      "' ASAN_OPTIONS=\"$ASAN_OPTIONS\" LSAN_OPTIONS=\"$LSAN_OPTIONS\" GATEWAY_INTERFACE=CGI/1.1 " +
      variables + " '" + std::string(RJ_BUILD_DIR) + "/handlers/" + handler + "'";
  return commandOutput(command);
}
// Database settings that point at a server that is not there.
std::string unreachableDatabaseConfig() {
  std::string path = stack().var + "/unreachable.conf";
  std::ofstream(path) << "RJ_DB_SOCKET=" << stack().var << "/no-such.sock\nRJ_DB_USER=x\n";
  return path;
}
}  // namespace

TEST(CgiMode, HealthAnswersAsCgi) {
  std::string output = runCgi("health", "REQUEST_METHOD=GET REQUEST_URI=/api/health");
  EXPECT_EQ(output.rfind("Status: 200 OK\r\n", 0), 0u) << output;
  EXPECT_NE(output.find("\r\n\r\n{\"status\":\"ok\",\"database\":\"ok\"}"), std::string::npos);
}

TEST(CgiMode, CreateReadsTheBodyFromStdin) {
  std::string body = R"({"type":"cgi.create"})";
  std::string output =
      runCgi("jobs_create",
             "REQUEST_METHOD=POST REQUEST_URI=/api/runner-jobs CONTENT_TYPE=application/json "
             "CONTENT_LENGTH=" +
                 std::to_string(body.size()) + " HTTP_AUTHORIZATION='Bearer " +
                 stack().tokenMember + "' HTTP_X_WORKSPACE_ID=" + stack().workspace,
             body);
  EXPECT_EQ(output.rfind("Status: 201 Created\r\n", 0), 0u) << output;
  EXPECT_NE(output.find("\"type\":\"cgi.create\""), std::string::npos);
}

TEST(CgiMode, GuardsApplyAsCgi) {
  std::string output = runCgi("jobs_list", "REQUEST_METHOD=GET REQUEST_URI=/api/runner-jobs");
  EXPECT_EQ(output.rfind("Status: 401 Unauthorized\r\n", 0), 0u) << output;
}

TEST(DatabaseDown, HealthIs503) {
  std::string output = runCgi("health", "REQUEST_METHOD=GET REQUEST_URI=/api/health", "",
                              unreachableDatabaseConfig());
  EXPECT_EQ(output.rfind("Status: 503 Service Unavailable\r\n", 0), 0u) << output;
  EXPECT_NE(output.find("\"database\":\"unreachable\""), std::string::npos);
}

TEST(DatabaseDown, RequestsAre503WithRetryAfter) {
  std::string output =
      runCgi("jobs_list",
             "REQUEST_METHOD=GET REQUEST_URI=/api/runner-jobs "
             "HTTP_AUTHORIZATION='Bearer " +
                 stack().tokenMember + "' HTTP_X_WORKSPACE_ID=" + stack().workspace,
             "", unreachableDatabaseConfig());
  EXPECT_EQ(output.rfind("Status: 503 Service Unavailable\r\n", 0), 0u) << output;
  EXPECT_NE(output.find("Retry-After: "), std::string::npos);
  EXPECT_NE(output.find("\"statusCode\":503"), std::string::npos);
}

}  // namespace rj::test
