// GET /api/health — liveness of the handler and its database.
#include "app/serve.h"
#include "db/connection.h"

int main() {
  return rj::serve("health", [](rj::Request&, rj::Context&) {
    if (rj::databaseReachable()) {
      return rj::jsonText(R"({"status":"ok","database":"ok"})");
    }
    rj::Response down = rj::jsonText(R"({"status":"error","database":"unreachable"})", 503);
    down.headers.emplace_back("Retry-After", "5");
    return down;
  });
}
