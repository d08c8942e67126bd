// GET /api/metrics — the workspace's gauges and counters in the Prometheus text format.
#include "app/serve.h"
#include "operations/prometheus_text.h"
#include "operations/workspace_metrics.h"

int main() {
  return rj::serve("metrics", [](rj::Request&, rj::Context& ctx) {
    rj::Response response;
    response.body = rj::prometheusText(rj::MetricsService().collect(ctx.workspaceId()));
    response.headers.emplace_back("Content-Type", rj::kPrometheusContentType);
    return response;
  });
}
