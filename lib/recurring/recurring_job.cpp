#include "recurring/recurring_job.h"

#include "errors/errors.h"
#include "json/json.h"
#include "json/validation.h"
#include "recurring/zone_database.h"

namespace rj {

namespace {
const char* const kTimezoneRule =
    "timezone must be an IANA time zone name like Europe/Berlin, UTC, or a fixed offset like "
    "+02:00";
}  // namespace

NewRecurringJob parseNewRecurringJob(const std::string& body) {
  rapidjson::Document document = parseJsonBody(body);
  BodyValidator validator(document);
  NewRecurringJob schedule;
  auto name = validator.string("name", true, 1, 255);
  JobTemplateFields fields = readJobTemplateFields(validator);
  schedule.cron = validator.string("cron", false, 1, kMaxCronLength);
  schedule.everySeconds = validator.integer("everySeconds", false, 1, kMaxEverySeconds);
  auto timezone = validator.string("timezone", false, 1, 64);
  if (schedule.cron) {
    try {
      auto cron = parseCronExpression(*schedule.cron);
      // Twelve years from 1970 hold every day of the calendar, Feb 29 included.
      if (!nextCronMatch(cron, 0)) {
        validator.fail("cron never matches a day of the calendar");
      }
    } catch (const CronSyntaxError& error) {
      validator.fail(error.what());
    }
  }
  bool hasCron = document.IsObject() && document.HasMember("cron");
  bool hasEvery = document.IsObject() && document.HasMember("everySeconds");
  if (hasCron == hasEvery) validator.fail("exactly one of cron and everySeconds must be given");
  if (timezone) {
    if (!findTimeZone(*timezone)) validator.fail(kTimezoneRule);
    schedule.timezone = *timezone;
  }
  validator.finish();
  schedule.name = *name;
  schedule.job.type = *fields.type;
  if (fields.priority) schedule.job.priority = *fields.priority;
  schedule.job.data = fields.data;
  return schedule;
}

ScheduleTiming timingOf(const std::optional<std::string>& cron,
                        const std::optional<int64_t>& everySeconds, const std::string& timezone) {
  ScheduleTiming timing;
  if (cron) timing.cron = parseCronExpression(*cron);
  timing.everySeconds = everySeconds.value_or(0);
  // A zone whose file went away since (tzdata removed) is read as UTC rather than never run.
  timing.zone = findTimeZone(timezone).value_or(TimeZone());
  return timing;
}

namespace {
void writeSchedule(JsonWriter& out, const RecurringJob& schedule) {
  out.startObject();
  out.key("id").string(schedule.id);
  out.key("workspaceId").string(schedule.workspaceId);
  out.key("name").string(schedule.name);
  out.key("type").string(schedule.type);
  out.key("data").raw(schedule.data);
  out.key("priority").integer(schedule.priority);
  out.key("cron").optionalString(schedule.cron);
  out.key("everySeconds");
  if (schedule.everySeconds) {
    out.integer(*schedule.everySeconds);
  } else {
    out.null();
  }
  out.key("timezone").string(schedule.timezone);
  out.key("nextRunAt").string(schedule.nextRunAt);
  out.key("lastRunAt").optionalString(schedule.lastRunAt);
  out.key("createdAt").string(schedule.createdAt);
  out.endObject();
}
}  // namespace

std::string toJson(const RecurringJob& schedule) {
  JsonWriter out;
  writeSchedule(out, schedule);
  return out.take();
}

std::string toJson(const std::vector<RecurringJob>& schedules) {
  JsonWriter out;
  out.startObject().key("data").startArray();
  for (const auto& schedule : schedules) writeSchedule(out, schedule);
  out.endArray().endObject();
  return out.take();
}

}  // namespace rj
