// Validation of the job list's query parameters.
#include "jobs/list_query.h"

#include <gtest/gtest.h>

#include "errors/errors.h"

namespace rj {

namespace {
int statusOf(const std::map<std::string, std::string>& query) {
  try {
    parseJobListQuery(query);
    return 200;
  } catch (const HttpError& error) {
    return error.status();
  }
}
}  // namespace

TEST(JobListQuery, DefaultsArePage1Limit50) {
  auto query = parseJobListQuery({});
  EXPECT_EQ(query.page, 1);
  EXPECT_EQ(query.limit, 50);
  EXPECT_TRUE(query.statuses.empty());
}

TEST(JobListQuery, StatusListIsSplitAndChecked) {
  auto query = parseJobListQuery({{"status", "QUEUED,RUNNING"}});
  EXPECT_EQ(query.statuses, (std::vector<JobStatus>{JobStatus::Queued, JobStatus::Running}));
  EXPECT_EQ(statusOf({{"status", "queued"}}), 400);
  EXPECT_EQ(statusOf({{"status", "QUEUED,"}}), 400);
  EXPECT_EQ(statusOf({{"status", "QUEUED' OR 1=1 --"}}), 400);
}

TEST(JobListQuery, LimitBounds) {
  EXPECT_EQ(statusOf({{"limit", "1"}}), 200);
  EXPECT_EQ(statusOf({{"limit", "100"}}), 200);
  EXPECT_EQ(statusOf({{"limit", "0"}}), 400);
  EXPECT_EQ(statusOf({{"limit", "101"}}), 400);
  EXPECT_EQ(statusOf({{"limit", "abc"}}), 400);
  EXPECT_EQ(statusOf({{"limit", "-5"}}), 400);
  EXPECT_EQ(statusOf({{"limit", "1.5"}}), 400);
  EXPECT_EQ(statusOf({{"limit", ""}}), 400);
}

TEST(JobListQuery, PageBounds) {
  EXPECT_EQ(statusOf({{"page", "0"}}), 400);
  EXPECT_EQ(statusOf({{"page", "99999999999999999999"}}), 400);
  EXPECT_EQ(parseJobListQuery({{"page", "7"}}).page, 7);
}

TEST(JobListQuery, TypeAndAgentTaskIdAreChecked) {
  EXPECT_EQ(statusOf({{"type", "build.docker"}}), 200);
  EXPECT_EQ(statusOf({{"type", "a b"}}), 400);
  EXPECT_EQ(statusOf({{"agentTaskId", "nope"}}), 400);
  EXPECT_EQ(
      *parseJobListQuery({{"agentTaskId", "AAAAAAAA-BBBB-4CCC-8DDD-EEEEEEEEEEEE"}}).agentTaskId,
      "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee");
}

TEST(JobListQuery, AllMessagesAreCollected) {
  try {
    parseJobListQuery({{"limit", "0"}, {"page", "x"}, {"status", "NOPE"}});
    FAIL();
  } catch (const HttpError& error) {
    EXPECT_EQ(error.messages().size(), 3u);
  }
}

}  // namespace rj
