#pragma once
// The reads whose guard rides in their own statement (serve's GuardedReader).
#include "app/serve.h"

namespace rj {

// GET /api/runner-jobs/:id: the caller's token and the job with its steps and events in one
// statement (JobStore::getWithCaller); 404 once the guards pass and the workspace has no such job.
GuardedReader jobDetailWithCaller();
// GET /api/runner-jobs: the caller's token and the page in one statement
// (JobStore::listWithCaller). A malformed query is answered 400 after the guards.
GuardedReader jobPageWithCaller();

}  // namespace rj
