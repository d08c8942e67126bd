// POST /api/runner-jobs: the body parsed as JSON (round trip through toJson must be stable), then
// validated as a new job.
#include "jobs/new_job.h"

#include <cstddef>
#include <cstdint>
#include <string>

#include "errors/errors.h"
#include "json/json.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string body(reinterpret_cast<const char*>(data), size);
  try {
    rapidjson::Document document = rj::parseJsonBody(body);
    std::string once = rj::toJson(document);
    std::string twice = rj::toJson(rj::parseJsonBody(once));
    if (once != twice) __builtin_trap();
  } catch (const rj::HttpError& error) {
    if (error.status() != 400) __builtin_trap();
  }
  try {
    rj::NewJob job = rj::parseNewJob(body);
    rj::fingerprint(job);
  } catch (const rj::HttpError& error) {
    if (error.status() != 400) __builtin_trap();
  }
  try {
    rj::validateIdempotencyKey(body);
  } catch (const rj::HttpError&) {
  }
  return 0;
}
