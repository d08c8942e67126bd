// The workspace stream's pure parts: a change's event framing and summary, and the filters.
#include <gtest/gtest.h>

#include "errors/errors.h"
#include "json/json.h"
#include "sse/sse_format.h"
#include "sse/workspace_stream_filter.h"

namespace rj {

namespace {
WorkspaceChange sampleChange() {
  WorkspaceChange change;
  change.position = 912;
  change.jobId = "0b5c7e5e-6a43-4c1e-9d0a-5f0f6f4f1d11";
  change.seq = 3;
  change.event = "job.started";
  change.type = "mail.send";
  change.status = "RUNNING";
  change.priority = 7;
  change.progressPercent = 0;
  change.attempt = 2;
  change.maxAttempts = 3;
  change.runAt = "2026-12-01T10:00:00.000Z";
  change.createdAt = "2026-12-01T09:59:00.000Z";
  change.updatedAt = "2026-12-01T10:00:01.500Z";
  change.startedAt = "2026-12-01T10:00:01.500Z";
  return change;
}
}  // namespace

TEST(WorkspaceChangeEvent, CarriesThePositionAsIdAndTheSummaryOnOneLine) {
  std::string text = sseWorkspaceChange(sampleChange());
  EXPECT_EQ(text.rfind("id: 912\nevent: job.changed\ndata: {", 0), 0u) << text;
  EXPECT_EQ(text.substr(text.size() - 2), "\n\n");
  std::string data = text.substr(text.find("data: ") + 6);
  data.resize(data.size() - 2);
  EXPECT_EQ(data.find('\n'), std::string::npos);
  rapidjson::Document parsed;
  ASSERT_FALSE(parseJson(parsed, data)) << data;
  EXPECT_STREQ(parsed["event"].GetString(), "job.started");
  EXPECT_EQ(parsed["seq"].GetInt64(), 3);
  const auto& job = parsed["job"];
  EXPECT_STREQ(job["id"].GetString(), "0b5c7e5e-6a43-4c1e-9d0a-5f0f6f4f1d11");
  EXPECT_STREQ(job["status"].GetString(), "RUNNING");
  EXPECT_EQ(job["attempt"].GetInt64(), 2);
  EXPECT_EQ(job["maxAttempts"].GetInt64(), 3);
  EXPECT_TRUE(job["completedAt"].IsNull());
  // A summary: never the job's data, result or error.
  EXPECT_FALSE(job.HasMember("data"));
  EXPECT_FALSE(job.HasMember("result"));
  EXPECT_FALSE(job.HasMember("error"));
}

TEST(WorkspaceChangeEvent, CursorEventsMoveTheClientsCursor) {
  EXPECT_EQ(sseCursorEvent("stream.ready", 40, R"({"cursor":40})"),
            "id: 40\nevent: stream.ready\ndata: {\"cursor\":40}\n\n");
}

TEST(WorkspaceStreamFilter, EmptyAcceptsEverything) {
  auto filter = parseWorkspaceStreamFilter({{"workspaceId", "x"}, {"lastEventId", "4"}});
  EXPECT_TRUE(filter.types.empty());
  EXPECT_TRUE(filter.statuses.empty());
  EXPECT_TRUE(filter.accepts(sampleChange()));
}

TEST(WorkspaceStreamFilter, TypesAndStatusesAreCommaSeparatedAndBothMustMatch) {
  auto filter = parseWorkspaceStreamFilter(
      {{"type", "mail.send,report:x"}, {"status", "RUNNING,FAILED,RUNNING"}});
  EXPECT_EQ(filter.types, (std::vector<std::string>{"mail.send", "report:x"}));
  EXPECT_EQ(filter.statuses, (std::vector<std::string>{"RUNNING", "FAILED"}));
  WorkspaceChange change = sampleChange();
  EXPECT_TRUE(filter.accepts(change));
  change.status = "QUEUED";
  EXPECT_FALSE(filter.accepts(change));
  change.status = "FAILED";
  change.type = "other";
  EXPECT_FALSE(filter.accepts(change));
}

TEST(WorkspaceStreamFilter, BadValuesAre400WithEveryMessage) {
  auto messagesOf = [](std::map<std::string, std::string> query) {
    try {
      parseWorkspaceStreamFilter(query);
    } catch (const HttpError& error) {
      EXPECT_EQ(error.status(), 400);
      std::string all;
      for (const auto& message : error.messages()) all += message + "; ";
      return all;
    }
    return std::string("accepted");
  };
  EXPECT_NE(messagesOf({{"status", "DONE"}}).find("status must be one of"), std::string::npos);
  EXPECT_NE(messagesOf({{"status", "QUEUED,"}}).find("status"), std::string::npos);
  EXPECT_NE(messagesOf({{"type", "a b"}}).find("type must be"), std::string::npos);
  EXPECT_NE(messagesOf({{"type", "a,,b"}}).find("type must be"), std::string::npos);
  EXPECT_NE(messagesOf({{"type", "x' OR '1'='1"}}).find("type must be"), std::string::npos);
  std::string many = "t0";
  for (int i = 1; i <= 50; ++i) many += ",t" + std::to_string(i);
  EXPECT_NE(messagesOf({{"type", many}}).find("at most 50"), std::string::npos);
  auto both = messagesOf({{"type", ""}, {"status", "nope"}});
  EXPECT_NE(both.find("type"), std::string::npos);
  EXPECT_NE(both.find("status"), std::string::npos);
}

}  // namespace rj
