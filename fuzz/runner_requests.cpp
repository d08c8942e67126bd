// The bodies of the runner endpoints: the first byte picks claim, event, complete, fail or
// release; the rest is the body.
#include "runners/runner_requests.h"

#include <cstddef>
#include <cstdint>
#include <string>

#include "errors/errors.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string body(reinterpret_cast<const char*>(data) + 1, size - 1);
  try {
    switch (data[0] % 5) {
      case 0: {
        rj::ClaimRequest claim = rj::parseClaimRequest(body);
        if (claim.max && (*claim.max < 1 || *claim.max > rj::kMaxClaimBatch)) __builtin_trap();
        break;
      }
      case 1: {
        rj::RunnerEvent event = rj::parseRunnerEvent(body);
        if (!rj::isRunnerEventType(event.type)) __builtin_trap();
        if (event.progressPercent && (*event.progressPercent < 0 || *event.progressPercent > 100))
          __builtin_trap();
        break;
      }
      case 2:
        rj::parseCompletion(body);
        break;
      case 3:
        rj::parseFailure(body);
        break;
      default:
        rj::parseRelease(body);
        break;
    }
  } catch (const rj::HttpError& error) {
    if (error.status() != 400) __builtin_trap();
  }
  return 0;
}
