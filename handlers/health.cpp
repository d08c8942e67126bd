// GET /api/health — liveness of the handler and its database.
#include "app/serve.h"
#include "operations/health_check.h"

int main() {
  return rj::serve("health", [](rj::Request&, rj::Context&) { return rj::checkHealth(); });
}
