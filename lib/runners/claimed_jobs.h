#pragma once
// What one claim took, and the shape of its answer: the job itself for a claim without `max`
// (as runners have always read it), {"jobs": [...]} for a batch claim.
#include <string>
#include <vector>

#include "jobs/job.h"

namespace rj {

struct ClaimedJobs {
  std::vector<Job> jobs;  // in claim order; empty: nothing to do (204)
  bool asList = false;    // the request named `max`
};

std::string toJson(const ClaimedJobs& claimed);

}  // namespace rj
