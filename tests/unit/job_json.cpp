// The JSON shapes of jobs, pages and events.
#include <gtest/gtest.h>

#include "jobs/job.h"
#include "json/json.h"

namespace rj {

TEST(JobJson, HasEveryContractFieldWithNulls) {
  Job job;
  job.id = "j";
  job.workspaceId = "w";
  job.type = "t";
  job.status = JobStatus::Queued;
  job.createdAt = job.updatedAt = "2026-11-24T12:00:00.000Z";
  auto document = parseJsonBody(toJson(job));
  for (const char* field : {"id", "workspaceId", "type", "status", "priority", "progressPercent",
                            "data", "result", "error", "agentTaskId", "retryOfId", "attempt",
                            "createdAt", "updatedAt", "startedAt", "completedAt"}) {
    EXPECT_TRUE(document.HasMember(field)) << field;
  }
  EXPECT_TRUE(document["data"].IsNull());
  EXPECT_TRUE(document["startedAt"].IsNull());
  EXPECT_EQ(document["priority"].GetInt(), 5);
}

TEST(JobJson, StoredDataIsEmbeddedAsJson) {
  Job job;
  job.data = R"({"a":[1,"é"]})";
  job.result = "42";
  auto document = parseJsonBody(toJson(job));
  EXPECT_TRUE(document["data"].IsObject());
  EXPECT_STREQ(document["data"]["a"][1].GetString(), "é");
  EXPECT_EQ(document["result"].GetInt(), 42);
}

TEST(JobJson, PageMetaCountsPages) {
  JobPage page;
  page.total = 101;
  page.limit = 50;
  page.page = 3;
  auto document = parseJsonBody(toJson(page));
  EXPECT_EQ(document["meta"]["totalPages"].GetInt(), 3);
  EXPECT_EQ(document["data"].Size(), 0u);
}

TEST(EventData, MergesPayloadWithTheEnvelope) {
  JobEvent event{"job-1", 7, "step.output", R"({"line":"hi","seq":99,"jobId":"forged"})",
                 "2026-11-24T12:00:00.000Z"};
  std::string data = eventData(event);
  EXPECT_EQ(data.find('\n'), std::string::npos);
  auto document = parseJsonBody(data);
  EXPECT_STREQ(document["line"].GetString(), "hi");
  EXPECT_EQ(document["seq"].GetInt(), 7);
  EXPECT_STREQ(document["jobId"].GetString(), "job-1");
  EXPECT_STREQ(document["type"].GetString(), "step.output");
  EXPECT_EQ(document.MemberCount(), 5u);
}

}  // namespace rj
