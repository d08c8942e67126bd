// The jobs service against a real MariaDB: create, list, get, cancel, retry, events.
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

#include "db/retry.h"
#include "db/transaction.h"
#include "errors/errors.h"
#include "events/event_store.h"
#include "jobs/job_change.h"
#include "jobs/job_store.h"
#include "json/json.h"
#include "support/outcome.h"
#include "support/test_database.h"
#include "util/time.h"

namespace rj::test {

class Jobs : public DatabaseTest {
 protected:
  JobStore store;
  Job createJob(const std::string& type = "unit.test", int64_t priority = 5,
                std::optional<std::string> data = std::nullopt) {
    NewJob request;
    request.type = type;
    request.priority = priority;
    request.data = std::move(data);
    return store.create(workspaceId, request, std::nullopt).job;
  }
  std::vector<std::string> eventTypes(const std::string& jobId) {
    std::vector<std::string> types;
    for (const auto& event : store.get(workspaceId, jobId).events) types.push_back(event.type);
    return types;
  }
  // Runs `work` on `threads` threads, each with its own database connection.
  static void onThreads(int threads, const std::function<void(int)>& work) {
    std::vector<std::thread> pool;
    for (int i = 0; i < threads; ++i) {
      pool.emplace_back([&, i] {
        DatabaseThread database;
        work(i);
      });
    }
    for (auto& thread : pool) thread.join();
  }
};

TEST_F(Jobs, CreateQueuesTheJobWithTwoEvents) {
  Job job = createJob("build.docker", 7, R"({"image":"x"})");
  EXPECT_EQ(job.status, JobStatus::Queued);
  EXPECT_EQ(job.priority, 7);
  EXPECT_EQ(job.workspaceId, workspaceId);
  EXPECT_EQ(job.attempt, 1);
  EXPECT_EQ(eventTypes(job.id), (std::vector<std::string>{"job.created", "job.queued"}));
  auto detail = store.get(workspaceId, job.id);
  EXPECT_EQ(detail.events[0].seq, 1);
  EXPECT_EQ(detail.events[1].seq, 2);
}

TEST_F(Jobs, SqlLookingStringsAreStoredVerbatim) {
  std::string data = R"({"q":"'; DROP TABLE runner_jobs; --","r":"\" OR 1=1 #","s":"\\x00"})";
  Job job = createJob("t", 5, data);
  EXPECT_EQ(*store.get(workspaceId, job.id).job.data, data);
}

TEST_F(Jobs, UnicodeDataRoundTrips) {
  std::string data = R"({"text":"héllo wörld — 日本語 🚀","rtl":"שלום"})";
  Job job = createJob("t", 5, data);
  EXPECT_EQ(*store.get(workspaceId, job.id).job.data, data);
}

TEST_F(Jobs, DetailReadInOneStatementIsItsPartsReadApart) {
  Job job = createJob("t", 5, R"({"a":[1,2.5,"x"],"u":"日本"})");
  for (int ordinal : {3, 1, 2}) {
    Query(connection(),
          "INSERT INTO job_steps (job_id, ordinal, name, status, started_at, completed_at)"
          " VALUES (?, ?, ?, ?, UTC_TIMESTAMP(3), IF(? = 2, NULL, UTC_TIMESTAMP(3)))")
        .bind(job.id)
        .bind(ordinal)
        .bind("step \"" + std::to_string(ordinal) + "\" ü")
        .bind(ordinal == 2 ? "RUNNING" : "COMPLETED")
        .bind(ordinal)
        .execute();
  }
  for (const char* payload :
       {R"({"ordinal":1,"lines":["a\tb","🚀"]})", R"({"progressPercent":40})", "{}"}) {
    appendEvent(connection(), job.id, EventType::StepOutput, payload);
  }
  JobDetail detail = store.get(workspaceId, job.id);
  // The same detail read the way it was before: the job, its steps, its events, one by one.
  JobDetail apart{*loadJob(connection(), job.id, workspaceId, JobLock::None),
                  {},
                  readEventsAfter(connection(), job.id, 0, 100000)};
  auto steps = Query(connection(),
                     "SELECT ordinal, name, status, started_at, completed_at FROM job_steps"
                     " WHERE job_id = ? ORDER BY ordinal")
                   .bind(job.id)
                   .rows();
  while (steps->next()) {
    apart.steps.push_back(
        {steps->getInt64("ordinal"), steps->getString("name"),
         parseJobStatus(std::string(steps->getString("status"))).value_or(JobStatus::Running),
         toIsoTimestamp(std::string(steps->getString("started_at"))),
         toIsoTimestamp(optionalString(*steps, "completed_at"))});
  }
  EXPECT_EQ(toJson(detail), toJson(apart));
  ASSERT_EQ(detail.steps.size(), 3u);
  EXPECT_EQ(detail.steps[0].ordinal, 1);
  EXPECT_EQ(detail.steps[2].ordinal, 3);
  ASSERT_EQ(detail.events.size(), 5u);
  for (size_t i = 0; i < detail.events.size(); ++i) {
    EXPECT_EQ(detail.events[i].seq, static_cast<int64_t>(i + 1));
  }
}

TEST_F(Jobs, AnotherWorkspacesJobIsNotFound) {
  Job job = createJob();
  std::string otherWorkspace = createWorkspace("other");
  EXPECT_EQ(statusOf([&] { store.get(otherWorkspace, job.id); }), 404);
  EXPECT_EQ(statusOf([&] { store.cancel(otherWorkspace, job.id); }), 404);
  EXPECT_EQ(codeOf([&] { store.retry(otherWorkspace, job.id); }), "JOB_NOT_FOUND");
  EXPECT_EQ(store.list(otherWorkspace, {}).total, 0);
  EXPECT_EQ(store.get(workspaceId, job.id).job.status, JobStatus::Queued);
}

// readJob reads by position: the positions must be the labels of both column lists, in order.
TEST_F(Jobs, ReadJobPositionsAreTheColumnListsLabels) {
  for (const char* columns : {kJobColumns, kJobSummaryColumns}) {
    auto rows =
        Query(connection(), std::string("SELECT ") + columns + " FROM runner_jobs LIMIT 0").rows();
    sql::ResultSetMetaData* metadata = rows->getMetaData();
    ASSERT_EQ(metadata->getColumnCount(), jobColumnLabels().size()) << columns;
    for (size_t i = 0; i < jobColumnLabels().size(); ++i) {
      EXPECT_EQ(std::string(metadata->getColumnLabel(static_cast<unsigned>(i + 1))),
                jobColumnLabels()[i]);
    }
  }
}

// The detail's step and event parts read by job id alone; only the job's row checks the
// workspace, and without it the items read along are dropped.
TEST_F(Jobs, AnotherWorkspacesJobWithStepsAndEventsIsNotFound) {
  Job job = createJob();
  Query(connection(),
        "INSERT INTO job_steps (job_id, ordinal, name, status, started_at)"
        " VALUES (?, 1, 'build', 'RUNNING', UTC_TIMESTAMP(3))")
      .bind(job.id)
      .execute();
  appendEvent(connection(), job.id, EventType::StepOutput, R"({"ordinal":1,"lines":["x"]})");
  std::string otherWorkspace = createWorkspace("other");
  EXPECT_EQ(codeOf([&] { store.get(otherWorkspace, job.id); }), "JOB_NOT_FOUND");
  JobDetail own = store.get(workspaceId, job.id);
  EXPECT_EQ(own.steps.size(), 1u);
  EXPECT_EQ(own.events.size(), 3u);
}

TEST_F(Jobs, ListFiltersByStatusTypeAndAgentTask) {
  Job first = createJob("alpha");
  createJob("beta");
  Job third = createJob("alpha");
  store.cancel(workspaceId, third.id);
  JobListQuery query;
  query.type = "alpha";
  EXPECT_EQ(store.list(workspaceId, query).total, 2);
  query.statuses = {JobStatus::Cancelled};
  auto cancelled = store.list(workspaceId, query);
  ASSERT_EQ(cancelled.total, 1);
  EXPECT_EQ(cancelled.jobs[0].id, third.id);
  JobListQuery queuedOrCancelled;
  queuedOrCancelled.statuses = {JobStatus::Queued, JobStatus::Cancelled};
  EXPECT_EQ(store.list(workspaceId, queuedOrCancelled).total, 3);

  NewJob tagged = makeNewJob("gamma", 5, std::nullopt, "11111111-2222-4333-8444-555555555555");
  Job withTask = store.create(workspaceId, tagged, std::nullopt).job;
  JobListQuery byTask;
  byTask.agentTaskId = "11111111-2222-4333-8444-555555555555";
  auto found = store.list(workspaceId, byTask);
  ASSERT_EQ(found.total, 1);
  EXPECT_EQ(found.jobs[0].id, withTask.id);
  (void)first;
}

TEST_F(Jobs, ListIsNewestFirstAndPaginates) {
  std::vector<std::string> created;
  for (int i = 0; i < 5; ++i) created.push_back(createJob().id);
  JobListQuery query;
  query.limit = 2;
  auto first = store.list(workspaceId, query);
  EXPECT_EQ(first.total, 5);
  ASSERT_EQ(first.jobs.size(), 2u);
  std::set<std::string> seen;
  for (int page = 1; page <= 3; ++page) {
    query.page = page;
    for (const auto& job : store.list(workspaceId, query).jobs) seen.insert(job.id);
  }
  EXPECT_EQ(seen.size(), 5u);
  query.page = 4;
  auto past = store.list(workspaceId, query);
  EXPECT_TRUE(past.jobs.empty());
  EXPECT_EQ(past.total, 5);
  // Newest first: the last created job heads the first page unless two share a millisecond.
  query.page = 1;
  query.limit = 100;
  auto all = store.list(workspaceId, query);
  for (size_t i = 1; i < all.jobs.size(); ++i) {
    EXPECT_GE(all.jobs[i - 1].createdAt, all.jobs[i].createdAt);
  }
}

TEST_F(Jobs, CancelEndsTheJobOnceAndRecordsIt) {
  Job job = createJob();
  Job cancelled = store.cancel(workspaceId, job.id);
  EXPECT_EQ(cancelled.status, JobStatus::Cancelled);
  EXPECT_TRUE(cancelled.completedAt);
  EXPECT_EQ(statusOf([&] { store.cancel(workspaceId, job.id); }), 409);
  EXPECT_EQ(codeOf([&] { store.cancel(workspaceId, job.id); }), "JOB_TERMINAL");
  EXPECT_EQ(eventTypes(job.id),
            (std::vector<std::string>{"job.created", "job.queued", "job.cancelled"}));
}

TEST_F(Jobs, ConcurrentCancelsLeaveOneTerminalEvent) {
  Job job = createJob();
  std::atomic<int> succeeded{0}, conflicts{0};
  onThreads(6, [&](int) {
    useSuiteSchema();
    try {
      store.cancel(workspaceId, job.id);
      ++succeeded;
    } catch (const HttpError& error) {
      if (error.status() == 409) ++conflicts;
    }
  });
  EXPECT_EQ(succeeded, 1);
  EXPECT_EQ(conflicts, 5);
  EXPECT_EQ(eventTypes(job.id).size(), 3u);
}

TEST_F(Jobs, RetryOnlyFromFailedOrCancelled) {
  Job job = createJob();
  EXPECT_EQ(statusOf([&] { store.retry(workspaceId, job.id); }), 409);
  EXPECT_EQ(codeOf([&] { store.retry(workspaceId, job.id); }), "JOB_NOT_RETRYABLE");
  store.cancel(workspaceId, job.id);
  Job retried = store.retry(workspaceId, job.id);
  EXPECT_EQ(retried.status, JobStatus::Queued);
  EXPECT_EQ(*retried.retryOfId, job.id);
  EXPECT_EQ(retried.attempt, 2);
  EXPECT_EQ(eventTypes(retried.id), (std::vector<std::string>{"job.created", "job.queued"}));
}

TEST_F(Jobs, RetryChainOfThreeKeepsLinksAndAttempts) {
  NewJob request = makeNewJob("chain", 42, R"({"n":1})", "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee");
  Job current = store.create(workspaceId, request, std::nullopt).job;
  for (int link = 2; link <= 4; ++link) {
    Query(connection(), "UPDATE runner_jobs SET status = 'FAILED' WHERE id = ?")
        .bind(current.id)
        .execute();
    Job next = store.retry(workspaceId, current.id);
    EXPECT_EQ(*next.retryOfId, current.id);
    EXPECT_EQ(next.attempt, link);
    EXPECT_EQ(next.type, "chain");
    EXPECT_EQ(next.priority, 42);
    EXPECT_EQ(*next.data, R"({"n":1})");
    EXPECT_EQ(*next.agentTaskId, "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee");
    current = next;
  }
}

TEST_F(Jobs, IdempotencyKeyReturnsTheFirstJob) {
  NewJob request = makeNewJob("idem", 5, R"({"a":1})");
  auto first = store.create(workspaceId, request, std::string("key-1"));
  auto second = store.create(workspaceId, request, std::string("key-1"));
  EXPECT_TRUE(first.created);
  EXPECT_FALSE(second.created);
  EXPECT_EQ(first.job.id, second.job.id);
  NewJob different = makeNewJob("idem", 5, R"({"a":2})");
  EXPECT_EQ(statusOf([&] { store.create(workspaceId, different, std::string("key-1")); }), 422);
  // Keys are per workspace.
  std::string otherWorkspace = createWorkspace("other");
  EXPECT_TRUE(store.create(otherWorkspace, request, std::string("key-1")).created);
}

TEST_F(Jobs, ConcurrentIdempotentCreatesMakeOneJob) {
  NewJob request = makeNewJob("idem.race", 5, R"({"x":true})");
  std::atomic<int> created{0};
  std::vector<std::string> ids(8);
  onThreads(8, [&](int index) {
    useSuiteSchema();
    auto outcome = store.create(workspaceId, request, std::string("race-key"));
    if (outcome.created) ++created;
    ids[index] = outcome.job.id;
  });
  EXPECT_EQ(created, 1);
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), 1u);
  JobListQuery query;
  query.type = "idem.race";
  EXPECT_EQ(store.list(workspaceId, query).total, 1);
}

TEST_F(Jobs, ConcurrentAppendsGetGapFreeSequenceNumbers) {
  Job job = createJob();
  const int perThread = 50;
  onThreads(4, [&](int writer) {
    useSuiteSchema();
    for (int i = 0; i < perThread; ++i) {
      withRetry([&](Connection& connection) {
        Transaction transaction(connection);
        appendEvent(connection, job.id, EventType::StepOutput,
                    R"({"writer":)" + std::to_string(writer) + "}");
        transaction.commit();
        return 0;
      });
    }
  });
  auto events = readEventsAfter(connection(), job.id, 2, 1000);
  ASSERT_EQ(events.size(), 200u);
  for (size_t i = 0; i < events.size(); ++i) EXPECT_EQ(events[i].seq, static_cast<int64_t>(i + 3));
}

TEST_F(Jobs, ListItemsLeaveLargeDataOutAndSaySo) {
  std::string type = "list.large";
  std::string large = R"({"blob":")" + std::string(kMaxListedDocumentBytes, 'x') + R"("})";
  Job big = createJob(type, 5, large);
  Job small = createJob(type, 5, std::string(R"({"n":1})"));
  JobListQuery query;
  query.type = type;
  JobPage page = store.list(workspaceId, query);
  ASSERT_EQ(page.jobs.size(), 2u);
  for (const Job& item : page.jobs) {
    if (item.id == big.id) {
      EXPECT_FALSE(item.data.has_value());
      EXPECT_TRUE(item.dataOmitted);
    } else {
      EXPECT_EQ(item.data, std::optional<std::string>(R"({"n":1})"));
      EXPECT_FALSE(item.dataOmitted);
    }
    EXPECT_FALSE(item.resultOmitted);
  }
  std::string json = toJson(page);
  EXPECT_LT(json.size(), 4000u);
  EXPECT_NE(json.find(R"("dataOmitted":true)"), std::string::npos);
  // The job itself keeps its data whole.
  EXPECT_EQ(store.get(workspaceId, big.id).job.data, std::optional<std::string>(large));
  EXPECT_EQ(toJson(store.get(workspaceId, small.id).job).find("dataOmitted"), std::string::npos);
}

TEST_F(Jobs, EventReadsStopPastTheirByteBudget) {
  Job job = createJob();  // events 1 and 2 are small
  std::string big = R"({"text":")" + std::string(100 * 1000, 'x') + R"("})";
  withRetry([&](Connection& connection) {
    Transaction transaction(connection);
    for (int i = 0; i < 5; ++i) appendEvent(connection, job.id, EventType::StepOutput, big);
    transaction.commit();
    return 0;
  });
  // 100 kB each: the budget is passed by the third, which still comes; the fourth does not.
  auto events = readEventsAfter(connection(), job.id, 2, 1000, 250 * 1000);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events.front().seq, 3);
  EXPECT_EQ(events.back().seq, 5);
  // One event larger than the whole budget still comes, alone: a reader always moves on.
  auto single = readEventsAfter(connection(), job.id, 2, 1000, 10);
  ASSERT_EQ(single.size(), 1u);
  EXPECT_EQ(single.front().payload, big);
  // The count limit still holds, and nothing past the last event comes.
  EXPECT_EQ(readEventsAfter(connection(), job.id, 0, 2, 1000000).size(), 2u);
  EXPECT_EQ(readEventsAfter(connection(), job.id, 6, 1000, 10).size(), 1u);
  EXPECT_TRUE(readEventsAfter(connection(), job.id, 7, 1000, 10).empty());
}

}  // namespace rj::test
