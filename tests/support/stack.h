#pragma once
// The running stack of the end-to-end suites (tests/support/stack-fixture): its URL, the demo
// workspace and tokens from dev.env, and a way to run rjadmin against its database.
// RJ_TEST_STACK_VAR names another stack's state directory (with dev.env and db.conf); when its
// dev.env has RJ_URL_2 (a cluster's second front end), call() alternates between the two.
#include <string>
#include <vector>

#include "events/event_type.h"
#include "support/http_client.h"

namespace rj::test {

struct Stack {
  std::string var;  // the stack's state directory
  std::string url;
  std::string url2;  // a second front end (a cluster), or empty
  std::string workspace;
  std::string otherWorkspace;
  std::string tokenOwner;
  std::string tokenMember;
  std::string tokenGuest;
  std::string tokenOther;
  std::string runnerToken;

  // Runs rjadmin with the stack's database settings; returns its stdout (trimmed). A command that
  // fails is a test failure that shows its stderr.
  std::string admin(const std::string& arguments) const;
  // The same for a command that may fail: its exit status, stdout (trimmed) and stderr.
  struct AdminOutcome {
    int exitStatus = -1;
    std::string output;
    std::string errors;
  };
  AdminOutcome runAdmin(const std::string& arguments) const;
  // A runner bound to the demo workspace that accepts only `types` ("a" or "a,b"), so it never
  // takes other suites' jobs; returns its token.
  std::string createRunner(const std::string& types) const;
  // Appends a job event straight to the stack's database on this thread's connection, as
  // another process (a runner's request) would.
  void appendEvent(const std::string& jobId, EventType type, const std::string& payloadJson) const;
  // The front ends' URLs: url, and url2 when there is one.
  std::vector<std::string> frontEnds() const;
  // A request as `token` in `workspace` (either may be empty to leave the header out), to each
  // front end in turn.
  HttpResponse call(const std::string& method, const std::string& path, const std::string& token,
                    const std::string& workspace, const std::string& body = "",
                    std::vector<std::string> extraHeaders = {}) const;
};

// The running stack; this process's own database connections use its database.
const Stack& stack();

// "prefix.1a2b3c4d": a job type (or key) no other test uses.
std::string uniqueName(const std::string& prefix);

// Runs a shell command and returns everything it wrote to stdout (and its exit status, -1 when
// it did not exit normally).
std::string commandOutput(const std::string& command, int* exitStatus = nullptr);

}  // namespace rj::test
