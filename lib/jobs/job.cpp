#include "jobs/job.h"

#include "json/json.h"

namespace rj {

namespace {
void writeJobFields(JsonWriter& out, const Job& job) {
  out.key("id").string(job.id);
  out.key("workspaceId").string(job.workspaceId);
  out.key("type").string(job.type);
  out.key("status").string(statusName(job.status));
  out.key("priority").integer(job.priority);
  out.key("progressPercent").integer(job.progressPercent);
  out.key("data").raw(job.data);
  out.key("result").raw(job.result);
  out.key("error").optionalString(job.error);
  out.key("agentTaskId").optionalString(job.agentTaskId);
  out.key("retryOfId").optionalString(job.retryOfId);
  out.key("attempt").integer(job.attempt);
  out.key("createdAt").string(job.createdAt);
  out.key("updatedAt").string(job.updatedAt);
  out.key("startedAt").optionalString(job.startedAt);
  out.key("completedAt").optionalString(job.completedAt);
  out.key("runAt").string(job.runAt);
  out.key("maxAttempts").integer(job.maxAttempts);
  out.key("backoffSeconds").integer(job.backoffSeconds);
  out.key("timeoutSeconds").optionalInteger(job.timeoutSeconds);
  out.key("uniqueKey").optionalString(job.uniqueKey);
  out.key("concurrencyKey").optionalString(job.concurrencyKey);
  out.key("concurrencyLimit").optionalInteger(job.concurrencyLimit);
  out.key("recurringJobId").optionalString(job.recurringJobId);
  out.key("scheduledFor").optionalString(job.scheduledFor);
}
}  // namespace

std::string toJson(const Job& job) {
  JsonWriter out;
  out.startObject();
  writeJobFields(out, job);
  out.endObject();
  return out.take();
}

std::string toJson(const JobDetail& detail) {
  JsonWriter out;
  out.startObject();
  writeJobFields(out, detail.job);
  out.key("steps").startArray();
  for (const auto& step : detail.steps) {
    out.startObject();
    out.key("ordinal").integer(step.ordinal);
    out.key("name").string(step.name);
    out.key("status").string(statusName(step.status));
    out.key("startedAt").string(step.startedAt);
    out.key("completedAt").optionalString(step.completedAt);
    out.endObject();
  }
  out.endArray();
  out.key("events").startArray();
  for (const auto& event : detail.events) out.raw(eventData(event));
  out.endArray();
  out.endObject();
  return out.take();
}

std::string toJson(const JobPage& page) {
  JsonWriter out;
  out.startObject();
  out.key("data").startArray();
  for (const auto& job : page.jobs) {
    out.startObject();
    writeJobFields(out, job);
    out.key("dataOmitted").boolean(job.dataOmitted);
    out.key("resultOmitted").boolean(job.resultOmitted);
    out.endObject();
  }
  out.endArray();
  out.key("meta").startObject();
  out.key("total").integer(page.total);
  out.key("page").integer(page.page);
  out.key("limit").integer(page.limit);
  out.key("totalPages").integer(page.limit > 0 ? (page.total + page.limit - 1) / page.limit : 0);
  out.endObject();
  out.endObject();
  return out.take();
}

}  // namespace rj
