#pragma once
// Galera can answer a COMMIT with OK and not keep it: with writers of one job on several nodes,
// a transaction that lost to another node's now and then is still acknowledged (docs/SCALE.md has
// what was seen). An answer that promises an event (an appended event's seq, a claim, a
// completion, a created job) must not be sent for one the cluster dropped, so on a cluster node
// the writes read their own events back after the COMMIT.
#include "db/connection.h"

namespace rj {

// Call after a COMMIT inside withRetry. On a cluster node, reads back (causally) the events this
// attempt stamped with its write id, in one statement; when one is missing it throws the conflict
// the COMMIT should have reported, and withRetry runs the work again. On one server it only
// forgets them.
void confirmEventsKept(Connection& connection);

}  // namespace rj
