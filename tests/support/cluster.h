#pragma once
// The cluster of tests/support/cluster-fixture (deploy/cluster/up) for the cluster suites: its
// front ends are those of stack(); here are its database nodes, and the claim race the suites
// and faults share.
#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "support/resuming_reader.h"
#include "support/stack.h"

namespace rj::test {

// Node control through deploy/cluster/nodes.sh on the fixture's cluster.
void killNode(int node);   // kill -9
void startNode(int node);  // rejoins the cluster; returns once it is Synced
int clusterSize();         // wsrep_cluster_size as node 1 sees it

// A runner's HTTP call (bearer runner token) to one front end.
HttpResponse runnerCall(const std::string& frontEnd, const std::string& token,
                        const std::string& path, const std::string& body = "{}");

// Heartbeats the runner's job through `frontEnd` every second until destroyed, so that its lease
// (short on the test cluster) holds while a test writes its events.
class LeaseKeeper {
 public:
  LeaseKeeper(std::string frontEnd, std::string token, std::string jobId);
  ~LeaseKeeper();
  LeaseKeeper(const LeaseKeeper&) = delete;
  LeaseKeeper& operator=(const LeaseKeeper&) = delete;

 private:
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// Creates `count` jobs of `type` through both front ends in turn, with `threads` threads.
std::vector<std::string> createJobs(const std::string& type, int count, int threads);

// What a claim race saw: each runner's claimed ids, the completes refused with LEASE_LOST (the
// runner no longer held the job), and the longest time a runner of front end 2 got no answer but
// errors (5xx or no connection).
struct ClaimRace {
  std::vector<std::vector<std::string>> claimedBy;  // per runner
  int leaseLost = 0;
  std::chrono::milliseconds longestOutageOnFrontEnd2{0};
  int completed = 0;  // completes answered 200 (or JOB_TERMINAL after an error)
};

// `runnersPerFrontEnd` runners on each front end claim jobs of `type` (one at a time) and complete
// each at once, until the database has all `total` jobs COMPLETED or `limit` passes. A complete
// that got an error is sent again; a 409 JOB_TERMINAL then means an earlier send completed it.
// `onCompleted` is called with the running count after each completion.
ClaimRace runClaimRace(const std::string& type, int total, int runnersPerFrontEnd,
                       std::chrono::seconds limit,
                       const std::function<void(int)>& onCompleted = nullptr);

// 4 writers, 2 on each front end, append `perWriter` step.output events each ({"writer", "n"})
// to one job claimed through front end 1, pausing `pause` after each, then complete it through
// front end 2; meanwhile a reader follows the job's stream, each connection on the other front
// end, cutting the connection itself after `hangUpAfter` events 5 times. An append answered 5xx
// or not at all is sent again.
struct EventRace {
  static constexpr int kWriters = 4;
  int perWriter = 0;
  std::string jobId;
  ResumingReader reader;
  // Each acknowledged append's payload and the seq its 201 answered with.
  std::vector<std::pair<std::string, int64_t>> acknowledged;
};
void runEventRace(EventRace& race, int perWriter, std::chrono::milliseconds pause, int hangUpAfter);

// The job's stored events, in seq order (a causal read: every acknowledged commit), and their seqs.
struct StoredEvent {
  int64_t seq = 0;
  std::string type;
  std::string payload;
};
std::vector<StoredEvent> storedEvents(const std::string& jobId);
std::vector<int64_t> storedEventSeqs(const std::string& jobId);

// The acknowledged appends of the race that are not stored at the seq they were answered with
// ("payload @ seq: what is stored there"), as text for a failure message; empty when all are.
std::string misplacedAppends(const EventRace& race, const std::vector<StoredEvent>& stored);

// The seqs of `expected` that `actual` lacks, and those it has that `expected` does not, as text
// for a failure message.
std::string describeSeqDifference(const std::vector<int64_t>& expected,
                                  const std::vector<int64_t>& actual);

// Counts over the jobs of `type` in the database (node 1): jobs, COMPLETED ones, and jobs with
// more than one job.started event.
struct JobCounts {
  int64_t jobs = 0;
  int64_t completed = 0;
  int64_t startedTwice = 0;
  int64_t leaseExpiries = 0;            // requeues of an expired lease (job.queued "lease expired")
  std::vector<std::string> unfinished;  // "id status runner_id", for the failure message
};
JobCounts countJobs(const std::string& type);

}  // namespace rj::test
