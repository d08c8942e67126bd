#pragma once
// The running processes of one handler program, found through /proc, so an end-to-end test can
// kill a handler under a request and see what the web server in front answers for it.
#include <sys/types.h>

#include <string>
#include <vector>

namespace rj::test {

// The processes of handler `name` that serve the stack in `var`: RJ_BUILD_DIR/handlers/<name>
// started with RJ_CONFIG=<var>/db.conf, or the copy a deployment of docs/DEPLOY.md installed inside
// `var` (tests/support/webserver-fixture); by lighttpd, spawn-fcgi, mod_fcgid or as CGI.
std::vector<pid_t> handlerProcesses(const std::string& var, const std::string& name);

}  // namespace rj::test
