#include "runners/claimed_jobs.h"

#include "json/json.h"

namespace rj {

std::string toJson(const ClaimedJobs& claimed) {
  if (!claimed.asList) return claimed.jobs.empty() ? "null" : toJson(claimed.jobs.front());
  JsonWriter out;
  out.startObject().key("jobs").startArray();
  for (const auto& job : claimed.jobs) out.raw(toJson(job));
  out.endArray().endObject();
  return out.take();
}

}  // namespace rj
