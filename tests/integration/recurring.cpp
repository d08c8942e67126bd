// Recurring schedules against a real MariaDB: one job per due time whatever races to make it
// (threads with their own connections and an `rjadmin maintain` process), missed times run once,
// deleting stops a schedule, and the background thread is elected by the maintenance lock.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <set>
#include <thread>
#include <vector>

#include "db/retry.h"
#include "jobs/job_insert.h"
#include "jobs/job_store.h"
#include "maintenance/background_maintenance.h"
#include "maintenance/maintenance_pass.h"
#include "recurring/recurring_store.h"
#include "support/outcome.h"
#include "support/test_database.h"
#include "util/civil_time.h"
#include "util/time.h"

namespace rj::test {

namespace {
using std::chrono::milliseconds;
using std::chrono::seconds;
}  // namespace

class Recurring : public DatabaseTest {
 protected:
  RecurringStore schedules;

  RecurringJob everySeconds(int64_t every, const std::string& name = "tick") {
    return schedules.create(
        workspaceId,
        parseNewRecurringJob(R"({"name":")" + name + R"(","type":"recurring.test",)" +
                             R"("data":{"n":1},"everySeconds":)" + std::to_string(every) + "}"));
  }
  // The due times of the schedule's jobs, in order, with repeats kept.
  std::vector<std::string> dueTimes(const std::string& scheduleId) {
    auto rows = Query(connection(),
                      "SELECT scheduled_for FROM runner_jobs WHERE recurring_job_id = ?"
                      " ORDER BY scheduled_for")
                    .bind(scheduleId)
                    .rows();
    std::vector<std::string> times;
    while (rows->next()) times.push_back(rows->getString("scheduled_for"));
    return times;
  }
  void setNextRunAt(const std::string& scheduleId, const std::string& sqlExpression) {
    Query(connection(),
          "UPDATE recurring_jobs SET next_run_at = " + sqlExpression + " WHERE id = ?")
        .bind(scheduleId)
        .execute();
  }
  int64_t nextRunAtMs(const std::string& scheduleId) {
    auto rows = Query(connection(), "SELECT next_run_at FROM recurring_jobs WHERE id = ?")
                    .bind(scheduleId)
                    .rows();
    EXPECT_TRUE(rows->next());
    return parseDatabaseTime(rows->getString("next_run_at")).value_or(0);
  }
  int64_t nowMs() {
    auto rows = Query(connection(), "SELECT UTC_TIMESTAMP(3) AS now").rows();
    rows->next();
    return parseDatabaseTime(rows->getString("now")).value_or(0);
  }
};

TEST_F(Recurring, CreateAnswersTheScheduleWithItsFirstDueTime) {
  int64_t before = nowMs();
  RecurringJob schedule = everySeconds(5);
  EXPECT_EQ(schedule.workspaceId, workspaceId);
  EXPECT_EQ(schedule.name, "tick");
  EXPECT_EQ(schedule.everySeconds, 5);
  EXPECT_EQ(schedule.data, R"({"n":1})");
  EXPECT_EQ(schedule.lastRunAt, std::nullopt);
  int64_t next = nextRunAtMs(schedule.id);
  EXPECT_GT(next, before + 4000);
  EXPECT_LE(next, before + 6000);
  EXPECT_EQ(next % 1000, 0);
  ASSERT_EQ(schedules.list(workspaceId).size(), 1u);
  EXPECT_EQ(schedules.list(createWorkspace()).size(), 0u);
}

TEST_F(Recurring, ANameIsUniqueWithinItsWorkspace) {
  everySeconds(5, "same");
  EXPECT_EQ(codeOf([&] { everySeconds(5, "same"); }), "RECURRING_JOB_EXISTS");
  EXPECT_EQ(statusOf([&] { everySeconds(5, "same"); }), 409);
  std::string other = createWorkspace();
  EXPECT_EQ(statusOf([&] {
              schedules.create(
                  other, parseNewRecurringJob(R"({"name":"same","type":"t","everySeconds":5})"));
            }),
            200);
}

TEST_F(Recurring, ADueScheduleMakesAJobCarryingItsIdAndDueTime) {
  RecurringJob schedule = everySeconds(60);
  setNextRunAt(schedule.id, "UTC_TIMESTAMP(3) - INTERVAL 1 SECOND");
  int64_t due = nextRunAtMs(schedule.id);
  EXPECT_EQ(runMaintenancePass().recurringJobsMade, 1);
  auto rows = Query(connection(), "SELECT id FROM runner_jobs WHERE recurring_job_id = ?")
                  .bind(schedule.id)
                  .rows();
  ASSERT_TRUE(rows->next());
  JobDetail detail = JobStore().get(workspaceId, rows->getString("id"));
  EXPECT_EQ(detail.job.recurringJobId, schedule.id);
  EXPECT_EQ(detail.job.scheduledFor, toIsoTimestamp(toDatabaseTime(due)));
  EXPECT_EQ(detail.job.type, "recurring.test");
  EXPECT_EQ(detail.job.data, R"({"n":1})");
  EXPECT_EQ(detail.job.status, JobStatus::Queued);
  std::string json = toJson(detail.job);
  EXPECT_NE(json.find(R"("recurringJobId":")" + schedule.id + "\""), std::string::npos) << json;
  EXPECT_NE(json.find(R"("scheduledFor":")"), std::string::npos) << json;
  EXPECT_EQ(schedules.list(workspaceId)[0].lastRunAt, toIsoTimestamp(toDatabaseTime(due)));
}

TEST_F(Recurring, TheUniqueKeyRefusesASecondJobForOneDueTime) {
  RecurringJob schedule = everySeconds(60);
  NewJob request;
  request.type = "recurring.test";
  JobOrigin origin;
  origin.recurringJobId = schedule.id;
  origin.scheduledFor = "2026-01-01 00:00:00.000";
  insertQueuedJob(connection(), workspaceId, request, origin);
  try {
    insertQueuedJob(connection(), workspaceId, request, origin);
    FAIL() << "a second job for the same due time was inserted";
  } catch (const sql::SQLException& error) {
    EXPECT_EQ(error.getErrorCode(), 1062);
  }
}

TEST_F(Recurring, TimesMissedWhileNothingRanMakeOneJob) {
  RecurringJob schedule = everySeconds(2);
  // Down for a minute: 30 due times missed.
  setNextRunAt(schedule.id, "UTC_TIMESTAMP(3) - INTERVAL 60 SECOND");
  int64_t missed = nextRunAtMs(schedule.id);
  EXPECT_EQ(runMaintenancePass().recurringJobsMade, 1);
  EXPECT_EQ(runMaintenancePass().recurringJobsMade, 0);
  auto times = dueTimes(schedule.id);
  ASSERT_EQ(times.size(), 1u);
  EXPECT_EQ(parseDatabaseTime(times[0]), missed);
  // The next one is on the old grid, after now.
  int64_t next = nextRunAtMs(schedule.id);
  int64_t now = nowMs();
  EXPECT_GT(next, now - 100);
  EXPECT_LE(next, now + 2000);
  EXPECT_EQ((next - missed) % 2000, 0);
}

TEST_F(Recurring, AMissedCronTimeRunsOnceAndTheNextIsTheNextMinuteAfterNow) {
  RecurringJob schedule = schedules.create(
      workspaceId, parseNewRecurringJob(R"({"name":"c","type":"t","cron":"* * * * *"})"));
  setNextRunAt(schedule.id, "UTC_TIMESTAMP(0) - INTERVAL 10 MINUTE");
  EXPECT_EQ(runMaintenancePass().recurringJobsMade, 1);
  EXPECT_EQ(runMaintenancePass().recurringJobsMade, 0);
  EXPECT_EQ(dueTimes(schedule.id).size(), 1u);
  int64_t next = nextRunAtMs(schedule.id);
  EXPECT_EQ(next % 60000, 0);
  EXPECT_GT(next, nowMs());
  EXPECT_LE(next, nowMs() + 60000);
}

TEST_F(Recurring, DeleteStopsTheScheduleAndKeepsItsJobs) {
  RecurringJob schedule = everySeconds(1);
  setNextRunAt(schedule.id, "UTC_TIMESTAMP(3)");
  EXPECT_EQ(runMaintenancePass().recurringJobsMade, 1);
  EXPECT_EQ(codeOf([&] { schedules.remove(createWorkspace(), schedule.id); }),
            "RECURRING_JOB_NOT_FOUND");
  schedules.remove(workspaceId, schedule.id);
  EXPECT_EQ(codeOf([&] { schedules.remove(workspaceId, schedule.id); }), "RECURRING_JOB_NOT_FOUND");
  std::this_thread::sleep_for(milliseconds(1500));
  // The pass may make jobs of other tests' schedules (the every-minute one above comes due when a
  // minute turns during the sleep); the deleted schedule must make none.
  runMaintenancePass();
  EXPECT_EQ(dueTimes(schedule.id).size(), 1u);
  EXPECT_TRUE(schedules.list(workspaceId).empty());
}

TEST_F(Recurring, RacingPassesMakeExactlyOneJobPerDueTime) {
  RecurringJob schedule = everySeconds(2);
  std::atomic<bool> stop{false};
  std::atomic<int> made{0};
  std::vector<std::thread> passes;
  for (int i = 0; i < 4; ++i) {
    passes.emplace_back([&] {
      DatabaseThread database;
      useSuiteSchema();
      while (!stop) {
        made += runMaintenancePass().recurringJobsMade;
        std::this_thread::sleep_for(milliseconds(20));
      }
    });
  }
  // A cron-style process racing the threads, with the suite's database settings.
  std::string command = std::string(RJ_BUILD_DIR) + "/bin/rjadmin maintain --for 7 2>/dev/null";
  int status = std::system(command.c_str());
  stop = true;
  for (auto& thread : passes) thread.join();
  EXPECT_EQ(status, 0);
  auto times = dueTimes(schedule.id);
  std::set<std::string> distinct(times.begin(), times.end());
  EXPECT_EQ(distinct.size(), times.size()) << "a due time got two jobs";
  // About 7 s at one job every 2 s, none skipped: consecutive due times 2 s apart.
  EXPECT_GE(times.size(), 3u);
  EXPECT_GE(static_cast<size_t>(made), 1u);
  for (size_t i = 1; i < times.size(); ++i) {
    EXPECT_EQ(*parseDatabaseTime(times[i]) - *parseDatabaseTime(times[i - 1]), 2000)
        << times[i - 1] << " then " << times[i];
  }
}

TEST_F(Recurring, OneBackgroundThreadIsElectedAndAnotherTakesOverWhenItStops) {
  MaintenanceSettings fast;
  fast.interval = milliseconds(100);
  fast.lockRetryInterval = milliseconds(200);
  auto first = std::make_unique<BackgroundMaintenance>(fast);
  auto second = std::make_unique<BackgroundMaintenance>(fast);
  auto waitFor = [](const std::function<bool()>& condition) {
    for (int i = 0; i < 100 && !condition(); ++i) std::this_thread::sleep_for(milliseconds(50));
    return condition();
  };
  ASSERT_TRUE(waitFor([&] { return first->passesRun() + second->passesRun() >= 5; }));
  // Exactly one works; the other only retries the lock.
  EXPECT_NE(first->passesRun() > 0, second->passesRun() > 0);
  EXPECT_NE(first->holdsLock(), second->holdsLock());
  auto& working = first->passesRun() > 0 ? first : second;
  auto& idle = first->passesRun() > 0 ? second : first;
  EXPECT_EQ(idle->passesRun(), 0);
  // The elected thread makes the due jobs on its own.
  RecurringJob schedule = everySeconds(1);
  ASSERT_TRUE(waitFor([&] { return dueTimes(schedule.id).size() >= 2; }));
  working.reset();  // its connection closes, and the lock with it
  ASSERT_TRUE(waitFor([&] { return idle->passesRun() > 0; }));
  EXPECT_TRUE(idle->holdsLock());
  size_t before = dueTimes(schedule.id).size();
  ASSERT_TRUE(waitFor([&] { return dueTimes(schedule.id).size() > before; }));
  idle.reset();
  auto times = dueTimes(schedule.id);
  EXPECT_EQ(std::set<std::string>(times.begin(), times.end()).size(), times.size());
}

TEST_F(Recurring, TheBackgroundThreadSurvivesLosingItsDatabaseConnection) {
  MaintenanceSettings fast;
  fast.interval = milliseconds(100);
  fast.lockRetryInterval = milliseconds(200);
  BackgroundMaintenance maintenance(fast);
  auto waitFor = [](const std::function<bool()>& condition) {
    for (int i = 0; i < 100 && !condition(); ++i) std::this_thread::sleep_for(milliseconds(50));
    return condition();
  };
  ASSERT_TRUE(waitFor([&] { return maintenance.passesRun() > 0; }));
  // The server drops the connection that holds the lock, as a restart would.
  auto holder = Query(connection(),
                      "SELECT IS_USED_LOCK(LEFT(CONCAT('runner_jobs.maintenance.', DATABASE()),"
                      " 64)) AS holder")
                    .rows();
  ASSERT_TRUE(holder->next());
  ASSERT_FALSE(holder->isNull("holder"));
  connection().execute("KILL CONNECTION " + std::to_string(holder->getInt64("holder")));
  holder.reset();
  // It logs, connects again, takes the lock back and goes on making jobs.
  RecurringJob schedule = everySeconds(1);
  ASSERT_TRUE(waitFor([&] { return dueTimes(schedule.id).size() >= 2; }));
  EXPECT_TRUE(maintenance.holdsLock());
}

}  // namespace rj::test
