#include "events/job_event.h"

#include "json/json.h"

namespace rj {

std::string eventData(const JobEvent& event) {
  rapidjson::Document payload;
  // Stored payloads were validated on the way in; the bounded parser keeps it so whatever the
  // table holds.
  bool parsed = !parseJson(payload, event.payload);
  JsonWriter out;
  out.startObject();
  if (parsed && payload.IsObject()) {
    for (const auto& member : payload.GetObject()) {
      std::string name(member.name.GetString(), member.name.GetStringLength());
      // The envelope fields below are the server's; a payload cannot override them.
      if (name == "jobId" || name == "seq" || name == "type" || name == "timestamp") continue;
      out.key(name).value(member.value);
    }
  }
  out.key("jobId").string(event.jobId);
  out.key("seq").integer(event.seq);
  out.key("type").string(event.type);
  out.key("timestamp").string(event.timestamp);
  out.endObject();
  return out.take();
}

}  // namespace rj
