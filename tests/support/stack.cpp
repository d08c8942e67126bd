#include "support/stack.h"

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>

#include "db/config.h"
#include "db/connection.h"
#include "db/transaction.h"
#include "events/event_store.h"
#include "util/crypto.h"

namespace rj::test {

const Stack& stack() {
  static const Stack loaded = [] {
    Stack stack;
    // RJ_TEST_STACK_VAR points the same suites at another stack (Apache, nginx, ...).
    const char* override = std::getenv("RJ_TEST_STACK_VAR");
    stack.var = override && *override ? override : std::string(RJ_TEST_VAR) + "/stack";
    std::ifstream file(stack.var + "/dev.env");
    std::stringstream text;
    text << file.rdbuf();
    auto values = parseConfigFile(text.str());
    stack.url = values["RJ_URL"];
    stack.url2 = values["RJ_URL_2"];
    stack.workspace = values["RJ_WORKSPACE"];
    stack.otherWorkspace = values["RJ_OTHER_WORKSPACE"];
    stack.tokenOwner = values["RJ_TOKEN_OWNER"];
    stack.tokenMember = values["RJ_TOKEN_MEMBER"];
    stack.tokenGuest = values["RJ_TOKEN_GUEST"];
    stack.tokenOther = values["RJ_TOKEN_OTHER"];
    stack.runnerToken = values["RJ_RUNNER_TOKEN"];
    setenv("RJ_CONFIG", (stack.var + "/db.conf").c_str(), 1);
    return stack;
  }();
  if (loaded.url.empty()) ADD_FAILURE() << "no running stack: " << loaded.var << "/dev.env";
  return loaded;
}

Stack::AdminOutcome Stack::runAdmin(const std::string& arguments) const {
  // stdout is the value (a token, an id); stderr goes to a file of its own.
  const std::string errorFile = var + "/rjadmin." + toHex(randomBytes(4)) + ".err";
  std::string command = "RJ_CONFIG='" + var + "/db.conf' '" + std::string(RJ_BUILD_DIR) +
                        "/bin/rjadmin' " + arguments + " 2>'" + errorFile + "'";
  AdminOutcome outcome;
  outcome.output = commandOutput(command, &outcome.exitStatus);
  std::ifstream errors(errorFile);
  std::stringstream text;
  text << errors.rdbuf();
  outcome.errors = text.str();
  std::remove(errorFile.c_str());
  std::string& output = outcome.output;
  while (!output.empty() && (output.back() == '\n' || output.back() == '\r')) output.pop_back();
  return outcome;
}

std::string Stack::admin(const std::string& arguments) const {
  AdminOutcome outcome = runAdmin(arguments);
  if (outcome.exitStatus != 0) {
    ADD_FAILURE() << "rjadmin " << arguments << " failed (status " << outcome.exitStatus
                  << "): " << outcome.errors;
  }
  return outcome.output;
}

std::string Stack::createRunner(const std::string& types) const {
  // Live runners' names must differ; suites make several runners of one type.
  return admin("create-runner --name " + uniqueName("e2e-" + types) + " --workspace " + workspace +
               " --types " + types);
}

std::string uniqueName(const std::string& prefix) {
  return prefix + "." + toHex(randomBytes(4));
}

void Stack::appendEvent(const std::string& jobId, EventType type,
                        const std::string& payloadJson) const {
  Transaction transaction(threadConnection());
  rj::appendEvent(threadConnection(), jobId, type, payloadJson);
  transaction.commit();
}

std::string commandOutput(const std::string& command, int* exitStatus) {
  FILE* pipe = popen(command.c_str(), "r");
  std::string output;
  std::array<char, 4096> buffer{};
  size_t count;
  while (pipe && (count = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) {
    output.append(buffer.data(), count);
  }
  int status = pipe ? pclose(pipe) : -1;
  if (exitStatus) *exitStatus = status != -1 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return output;
}

HttpResponse Stack::call(const std::string& method, const std::string& path,
                         const std::string& token, const std::string& workspaceId,
                         const std::string& body, std::vector<std::string> extraHeaders) const {
  if (!token.empty()) extraHeaders.push_back("Authorization: Bearer " + token);
  if (!workspaceId.empty()) extraHeaders.push_back("X-Workspace-Id: " + workspaceId);
  static std::atomic<unsigned> turn{0};
  const std::string& frontEnd = url2.empty() || turn++ % 2 == 0 ? url : url2;
  return httpRequest(method, frontEnd + path, extraHeaders, body);
}

std::vector<std::string> Stack::frontEnds() const {
  if (url2.empty()) return {url};
  return {url, url2};
}

}  // namespace rj::test
