// The same handler binary answers as plain CGI when no FastCGI server started it.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <memory>

#include "db/config.h"
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
// Runs a handler as CGI like runCgi and returns what it wrote to stderr.
std::string cgiStderr(const std::string& handler, const std::string& variables,
                      const std::string& config) {
  std::string path = stack().var + "/cgi-stderr.log";
  std::remove(path.c_str());
  runCgi(handler, variables + " 2>'" + path + "'", "", config);
  std::ifstream file(path);
  return std::string(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
}
size_t occurrences(const std::string& text, const std::string& part) {
  size_t count = 0;
  for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++count;
  return count;
}
std::string fileText(const std::string& path) {
  std::ifstream file(path);
  return std::string(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
}
// The stack's own database settings with another password, logging to `logFile`.
std::string wrongPasswordConfig(const std::string& logFile) {
  std::string path = stack().var + "/wrong-password.conf";
  auto settings = parseConfigFile(fileText(stack().var + "/db.conf"));
  std::ofstream file(path);
  for (const auto& [name, value] : settings) {
    if (name != "RJ_DB_PASSWORD") file << name << "=" << value << "\n";
  }
  file << "RJ_DB_PASSWORD=not-the-password\nRJ_LOG_FILE=" << logFile << "\n";
  return path;
}
// A settings path no process can read, root included (the tests run as root, whom file modes do
// not stop): a path under a regular file fails with ENOTDIR.
std::string unreadableConfig() {
  return stack().var + "/dev.env/db.conf";
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

namespace rj::test {

TEST(UnreadableConfig, EveryHandlerAnswersJson503) {
  for (const char* handler : {"health", "jobs_list", "not_found"}) {
    std::string output =
        runCgi(handler, "REQUEST_METHOD=GET REQUEST_URI=/api/health", "", unreadableConfig());
    EXPECT_EQ(output.rfind("Status: 503 Service Unavailable\r\n", 0), 0u) << handler << output;
    EXPECT_NE(output.find("Content-Type: application/json"), std::string::npos) << output;
    EXPECT_NE(output.find("Retry-After: "), std::string::npos) << output;
    EXPECT_NE(output.find("\"statusCode\":503"), std::string::npos) << output;
    EXPECT_NE(output.find("\"code\":\"SERVICE_UNAVAILABLE\""), std::string::npos) << output;
    // The body does not tell clients where the server keeps its settings.
    EXPECT_EQ(output.find("dev.env"), std::string::npos) << output;
  }
}

TEST(UnreadableConfig, TheReasonIsLoggedOnce) {
  std::string log =
      cgiStderr("health", "REQUEST_METHOD=GET REQUEST_URI=/api/health", unreadableConfig());
  EXPECT_EQ(
      occurrences(log, "cannot read RJ_CONFIG file " + unreadableConfig() + ": Not a directory"),
      1u)
      << log;
}

TEST(UnreadableConfig, AMissingFileIsAnswered503Too) {
  std::string output = runCgi("jobs_list", "REQUEST_METHOD=GET REQUEST_URI=/api/runner-jobs", "",
                              stack().var + "/no-such-db.conf");
  EXPECT_EQ(output.rfind("Status: 503 Service Unavailable\r\n", 0), 0u) << output;
  EXPECT_NE(output.find("\"code\":\"SERVICE_UNAVAILABLE\""), std::string::npos) << output;
}

}  // namespace rj::test

namespace rj::test {

TEST(FailureLog, A503IsLoggedWithTheRequestIdHandlerAndCause) {
  std::string logFile = stack().var + "/log/cgi-failure.log";
  std::remove(logFile.c_str());
  std::string output =
      runCgi("jobs_list",
             "REQUEST_METHOD=GET REQUEST_URI=/api/runner-jobs HTTP_X_REQUEST_ID=e2e-db-down.1 "
             "RJ_LOG_FILE='" +
                 logFile + "' HTTP_AUTHORIZATION='Bearer " + stack().tokenMember +
                 "' HTTP_X_WORKSPACE_ID=" + stack().workspace,
             "", unreachableDatabaseConfig());
  EXPECT_EQ(output.rfind("Status: 503 Service Unavailable\r\n", 0), 0u) << output;
  EXPECT_NE(output.find("\r\nX-Request-Id: e2e-db-down.1\r\n"), std::string::npos) << output;
  std::string log = fileText(logFile);
  EXPECT_NE(log.find(" runner-jobs jobs_list["), std::string::npos) << log;
  EXPECT_NE(log.find("]: request e2e-db-down.1: 503 Service Unavailable: database unavailable: "),
            std::string::npos)
      << log;
  EXPECT_NE(log.find("Can't connect to local"), std::string::npos) << log;
  EXPECT_EQ(occurrences(log, "e2e-db-down.1"), 1u) << log;
}

TEST(FailureLog, UnreachableHealthLogsTheConnectorsMessageToRjLogFile) {
  std::string logFile = stack().var + "/log/cgi-health.log";
  std::remove(logFile.c_str());
  std::string output = runCgi("health", "REQUEST_METHOD=GET REQUEST_URI=/api/health", "",
                              wrongPasswordConfig(logFile));
  EXPECT_EQ(output.rfind("Status: 503 Service Unavailable\r\n", 0), 0u) << output;
  EXPECT_NE(output.find("\"database\":\"unreachable\""), std::string::npos) << output;
  std::string log = fileText(logFile);
  EXPECT_NE(log.find(" runner-jobs health["), std::string::npos) << log;
  EXPECT_NE(log.find("503 Service Unavailable: database unreachable: Access denied for user"),
            std::string::npos)
      << log;
  EXPECT_NE(log.find("(MySQL error 1045)"), std::string::npos) << log;
  EXPECT_EQ(occurrences(log, "Access denied"), 1u) << log;
}

}  // namespace rj::test
