// Operations through lighttpd: /api/metrics (strictly parsed as the Prometheus text format),
// metrics tokens, /api/runners, and rjadmin prune while the service is busy.
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <map>
#include <set>
#include <thread>

#include "db/connection.h"
#include "support/sse_client.h"
#include "support/stack.h"
#include "util/crypto.h"

namespace rj::test {

namespace {
using namespace std::chrono_literals;

const Stack& s() {
  return stack();
}

std::string createJob(const std::string& type) {
  auto response = s().call("POST", "/api/runner-jobs", s().tokenMember, s().workspace,
                           R"({"type":")" + type + R"("})");
  EXPECT_EQ(response.status, 201) << response.body;
  return response.status == 201 ? response.json()["id"].GetString() : "";
}

// Series "name{labels as sent}" -> value, from a body that must be valid Prometheus text format
// 0.0.4: every line a comment or a sample, each metric's HELP and TYPE before its samples, one
// metric's samples together, names and label names well-formed, label values with only the
// \\ \" \n escapes, values numbers. Any violation fails the test.
struct PrometheusParse {
  std::map<std::string, double> samples;
  std::map<std::string, std::string> types;
};

bool isNameStart(char c, bool colon) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || (colon && c == ':');
}
bool isNameChar(char c, bool colon) {
  return isNameStart(c, colon) || std::isdigit(static_cast<unsigned char>(c));
}
size_t readName(const std::string& line, size_t at, bool colon) {
  if (at >= line.size() || !isNameStart(line[at], colon)) return std::string::npos;
  while (at < line.size() && isNameChar(line[at], colon)) ++at;
  return at;
}

void parseInto(const std::string& body, PrometheusParse& parsed) {
  EXPECT_TRUE(!body.empty() && body.back() == '\n') << "the last line must end with \\n";
  std::set<std::string> helped, finished;
  std::string current;
  size_t start = 0;
  while (start < body.size()) {
    size_t end = body.find('\n', start);
    if (end == std::string::npos) end = body.size();
    std::string line = body.substr(start, end - start);
    start = end + 1;
    if (line.rfind("# HELP ", 0) == 0 || line.rfind("# TYPE ", 0) == 0) {
      size_t nameEnd = readName(line, 7, true);
      EXPECT_NE(nameEnd, std::string::npos) << line;
      if (nameEnd == std::string::npos) continue;
      std::string name = line.substr(7, nameEnd - 7);
      EXPECT_FALSE(parsed.samples.count(name) || finished.count(name))
          << name << ": HELP/TYPE after its samples";
      if (line[2] == 'H') {
        EXPECT_TRUE(helped.insert(name).second) << "second HELP for " << name;
      } else {
        std::string type = line.substr(nameEnd + 1);
        EXPECT_TRUE(type == "counter" || type == "gauge" || type == "histogram" ||
                    type == "summary" || type == "untyped")
            << line;
        EXPECT_TRUE(parsed.types.emplace(name, type).second) << "second TYPE for " << name;
      }
      continue;
    }
    if (line.empty() || line[0] == '#') continue;
    size_t nameEnd = readName(line, 0, true);
    ASSERT_NE(nameEnd, std::string::npos) << "bad sample line: " << line;
    std::string name = line.substr(0, nameEnd);
    EXPECT_TRUE(parsed.types.count(name)) << name << ": sample before its TYPE";
    EXPECT_TRUE(helped.count(name)) << name << ": sample before its HELP";
    if (name != current) {
      EXPECT_FALSE(finished.count(name)) << name << ": samples not together";
      if (!current.empty()) finished.insert(current);
      current = name;
    }
    size_t at = nameEnd;
    std::string series = name;
    if (at < line.size() && line[at] == '{') {
      series += "{";
      ++at;
      while (at < line.size() && line[at] != '}') {
        size_t labelEnd = readName(line, at, false);
        ASSERT_NE(labelEnd, std::string::npos) << "bad label name: " << line;
        ASSERT_TRUE(labelEnd + 1 < line.size() && line[labelEnd] == '=' &&
                    line[labelEnd + 1] == '"')
            << line;
        series += line.substr(at, labelEnd - at) + "=\"";
        at = labelEnd + 2;
        for (;; ++at) {
          ASSERT_LT(at, line.size()) << "unterminated label value: " << line;
          if (line[at] == '"') break;
          if (line[at] == '\\') {
            ASSERT_TRUE(at + 1 < line.size() &&
                        (line[at + 1] == '\\' || line[at + 1] == '"' || line[at + 1] == 'n'))
                << "bad escape: " << line;
            series += line.substr(at, 2);
            ++at;
            continue;
          }
          series += line[at];
        }
        series += "\"";
        ++at;
        if (at < line.size() && line[at] == ',') {
          series += ",";
          ++at;
        }
      }
      ASSERT_LT(at, line.size()) << "unterminated labels: " << line;
      series += "}";
      ++at;
    }
    ASSERT_TRUE(at < line.size() && line[at] == ' ') << "no value: " << line;
    std::string value = line.substr(at + 1);
    size_t space = value.find(' ');  // an optional timestamp
    if (space != std::string::npos) value = value.substr(0, space);
    char* parsedEnd = nullptr;
    double number = std::strtod(value.c_str(), &parsedEnd);
    EXPECT_TRUE(!value.empty() && *parsedEnd == '\0') << "bad value: " << line;
    EXPECT_FALSE(parsed.samples.count(series)) << "duplicate series: " << series;
    parsed.samples[series] = number;
  }
}

PrometheusParse parsePrometheus(const std::string& body) {
  PrometheusParse parsed;
  parseInto(body, parsed);
  return parsed;
}

HttpResponse metrics(const std::string& token, const std::string& workspace) {
  return s().call("GET", "/api/metrics", token, workspace);
}
}  // namespace

TEST(PrometheusParser, RefusesWhatTheFormatForbids) {
  EXPECT_NONFATAL_FAILURE(parsePrometheus("# HELP x h\nx 1\n"), "before its TYPE");
  EXPECT_NONFATAL_FAILURE(parsePrometheus("# TYPE x gauge\nx 1\n"), "before its HELP");
  EXPECT_NONFATAL_FAILURE(parsePrometheus("# HELP x h\n# TYPE x gauge\n# HELP y h\n# TYPE y gauge\n"
                                          "x{a=\"1\"} 1\ny 1\nx{a=\"2\"} 1\n"),
                          "samples not together");
  EXPECT_FATAL_FAILURE(
      {
        PrometheusParse parsed;
        parseInto("# HELP x h\n# TYPE x gauge\nx{a=\"\\t\"} 1\n", parsed);
      },
      "bad escape");
  EXPECT_NONFATAL_FAILURE(parsePrometheus("# HELP x h\n# TYPE x gauge\nx one\n"), "bad value");
}

TEST(Metrics, OwnerGetsPrometheusTextWithTheWorkspacesSeries) {
  std::string type = uniqueName("e2e.metrics");
  createJob(type);
  std::string cancelled = createJob(type);
  ASSERT_EQ(s().call("POST", "/api/runner-jobs/" + cancelled + "/cancel", s().tokenMember,
                     s().workspace, "")
                .status,
            200);
  auto response = metrics(s().tokenOwner, s().workspace);
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.header("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  auto parsed = parsePrometheus(response.body);
  EXPECT_EQ(parsed.samples["runner_jobs_jobs{status=\"QUEUED\",type=\"" + type + "\"}"], 1);
  EXPECT_EQ(parsed.samples["runner_jobs_jobs{status=\"CANCELLED\",type=\"" + type + "\"}"], 1);
  EXPECT_EQ(parsed.samples.count("runner_jobs_jobs{status=\"RUNNING\",type=\"" + type + "\"}"), 1u);
  EXPECT_GT(parsed.samples["runner_jobs_oldest_claimable_job_age_seconds"], 0);
  for (const char* counter : {"runner_jobs_claims_total", "runner_jobs_completions_total",
                              "runner_jobs_failures_total"}) {
    EXPECT_EQ(parsed.types[counter], "counter");
    EXPECT_EQ(parsed.samples.count(counter), 1u) << counter;
  }
  EXPECT_EQ(parsed.types["runner_jobs_runner_last_seen_timestamp_seconds"], "gauge");
  // The workspace also comes from the query, as elsewhere.
  auto byQuery = s().call("GET", "/api/metrics?workspaceId=" + s().workspace, s().tokenOwner, "");
  EXPECT_EQ(byQuery.status, 200);
}

TEST(Metrics, GuestAndMemberAre403) {
  EXPECT_EQ(metrics(s().tokenGuest, s().workspace).status, 403);
  EXPECT_EQ(metrics(s().tokenMember, s().workspace).status, 403);
  EXPECT_EQ(metrics("", s().workspace).status, 401);
  EXPECT_EQ(metrics(s().tokenOther, s().workspace).status, 403);
}

TEST(Metrics, MetricsTokenReadsMetricsAndNothingElse) {
  std::string token = s().admin("issue-metrics-token --workspace " + s().workspace);
  ASSERT_EQ(token.rfind("rjm_", 0), 0u) << token;
  auto response = metrics(token, "");
  ASSERT_EQ(response.status, 200) << response.body;
  parsePrometheus(response.body);
  EXPECT_EQ(metrics(token, s().workspace).status, 200);
  EXPECT_EQ(metrics(token, s().otherWorkspace).status, 403);
  EXPECT_EQ(s().call("GET", "/api/runner-jobs", token, s().workspace).status, 401);
  EXPECT_EQ(s().call("POST", "/api/runner-jobs", token, s().workspace, R"({"type":"x"})").status,
            401);
  EXPECT_EQ(s().call("GET", "/api/runners", token, s().workspace).status, 401);
  EXPECT_EQ(s().call("POST", "/api/runner/claim", token, "", "{}").status, 401);
  s().admin("revoke-token --token " + token);
  EXPECT_EQ(metrics(token, "").status, 401);
}

TEST(Runners, OwnerSeesARunnerAndTheJobItRuns) {
  std::string type = uniqueName("e2e.runners");
  std::string name = "e2e-" + type;
  std::string runnerToken = s().admin("create-runner --name " + name + " --workspace " +
                                      s().workspace + " --types " + type);
  std::string job = createJob(type);
  auto claim = s().call("POST", "/api/runner/claim", runnerToken, "", "{}");
  ASSERT_EQ(claim.status, 200) << claim.body;
  ASSERT_EQ(std::string(claim.json()["id"].GetString()), job);

  auto response = s().call("GET", "/api/runners", s().tokenOwner, s().workspace);
  ASSERT_EQ(response.status, 200) << response.body;
  auto body = response.json();
  bool found = false;
  for (const auto& runner : body["data"].GetArray()) {
    if (std::string(runner["name"].GetString()) != name) continue;
    found = true;
    EXPECT_FALSE(runner["revoked"].GetBool());
    EXPECT_TRUE(runner["lastSeenAt"].IsString());
    ASSERT_EQ(runner["types"].Size(), 1u);
    EXPECT_EQ(std::string(runner["types"][0].GetString()), type);
    ASSERT_EQ(runner["running"].Size(), 1u);
    EXPECT_EQ(std::string(runner["running"][0]["id"].GetString()), job);
    EXPECT_EQ(std::string(runner["running"][0]["type"].GetString()), type);
    EXPECT_TRUE(runner["running"][0]["startedAt"].IsString());
  }
  EXPECT_TRUE(found) << response.body;
  EXPECT_EQ(s().call("GET", "/api/runners", s().tokenGuest, s().workspace).status, 403);
  EXPECT_EQ(s().call("GET", "/api/runners", s().tokenMember, s().workspace).status, 403);
  // The claim shows in the metrics too.
  auto parsed = parsePrometheus(metrics(s().tokenOwner, s().workspace).body);
  EXPECT_GE(parsed.samples["runner_jobs_claims_total"], 1);
  EXPECT_EQ(parsed.samples["runner_jobs_jobs{status=\"RUNNING\",type=\"" + type + "\"}"], 1);
}

TEST(Prune, RjadminPruneWhileClientsCreateClaimAndStream) {
  std::string type = uniqueName("e2e.prune");
  // 300 old cancelled jobs for the prune to delete.
  std::vector<std::string> old;
  for (int i = 0; i < 300; ++i) old.push_back(createJob(type));
  for (const auto& id : old) {
    ASSERT_EQ(
        s().call("POST", "/api/runner-jobs/" + id + "/cancel", s().tokenMember, s().workspace, "")
            .status,
        200);
  }
  Query(threadConnection(),
        "UPDATE runner_jobs SET completed_at = UTC_TIMESTAMP(3) - INTERVAL 2 DAY WHERE type = ?")
      .bind(type)
      .execute();
  std::string busyType = uniqueName("e2e.busy");
  std::string runnerToken = s().admin("create-runner --name e2e-" + busyType + " --workspace " +
                                      s().workspace + " --types " + busyType);
  std::string watched = createJob(busyType + ".watched");

  std::atomic<bool> done{false};
  std::atomic<int> calls{0}, failures{0};
  std::string lastFailure;
  std::thread client([&] {
    while (!done) {
      auto created = s().call("POST", "/api/runner-jobs", s().tokenMember, s().workspace,
                              R"({"type":")" + busyType + R"("})");
      auto claimed = s().call("POST", "/api/runner/claim", runnerToken, "", "{}");
      auto listed = s().call("GET", "/api/runner-jobs?limit=5", s().tokenMember, s().workspace);
      for (const auto* response : {&created, &claimed, &listed}) {
        ++calls;
        if (response->status < 200 || response->status > 299) {
          ++failures;
          lastFailure = std::to_string(response->status) + " " + response->body;
        }
      }
    }
  });
  std::atomic<int> streamEvents{0};
  long streamStatus = 0;
  std::thread stream([&] {
    auto session = readSse(
        s().url + "/api/runner-jobs/" + watched + "/events/stream",
        {"Authorization: Bearer " + s().tokenMember, "X-Workspace-Id: " + s().workspace},
        [&](const SseSession& now) {
          streamEvents = static_cast<int>(now.events.size());
          return !done;
        },
        30s);
    streamStatus = session.status;
  });
  // The workspace stream of the busy jobs: it keeps delivering their changes during the prune.
  std::atomic<int> workspaceChanges{0};
  std::atomic<int> workspaceChangesAfterPrune{0};
  std::atomic<bool> pruned{false};
  long workspaceStatus = 0;
  std::string workspaceRaw;
  std::thread workspaceStream([&] {
    auto session = readSse(
        s().url + "/api/runner-jobs/events/stream?type=" + busyType,
        {"Authorization: Bearer " + s().tokenMember, "X-Workspace-Id: " + s().workspace},
        [&](const SseSession& now) {
          if (!now.events.empty() && now.events.back().type == "job.changed") {
            ++workspaceChanges;
            if (pruned) ++workspaceChangesAfterPrune;
          }
          return !done;
        },
        30s);
    workspaceStatus = session.status;
    workspaceRaw = session.raw.substr(0, 2000);
  });
  std::this_thread::sleep_for(300ms);
  std::string report = s().admin("prune --older-than 1d --batch-size 50");
  pruned = true;
  std::this_thread::sleep_for(300ms);
  done = true;
  // The stream hangs up at its next event or keep-alive; an event makes that prompt.
  s().call("POST", "/api/runner-jobs/" + watched + "/cancel", s().tokenMember, s().workspace, "");
  // The busy client's next create reaches the workspace stream, which then hangs up.
  s().call("POST", "/api/runner-jobs", s().tokenMember, s().workspace,
           R"({"type":")" + busyType + R"("})");
  client.join();
  stream.join();
  workspaceStream.join();

  EXPECT_NE(report.find("deleted "), std::string::npos) << report;
  auto remaining = s().call("GET", "/api/runner-jobs?type=" + type, s().tokenMember, s().workspace);
  EXPECT_EQ(remaining.json()["meta"]["total"].GetInt(), 0) << report;
  EXPECT_GT(calls.load(), 0);
  EXPECT_EQ(failures.load(), 0) << lastFailure;
  EXPECT_EQ(streamStatus, 200);
  EXPECT_GE(streamEvents.load(), 2);
  EXPECT_EQ(workspaceStatus, 200) << workspaceRaw;
  EXPECT_GT(workspaceChanges.load(), 0) << workspaceRaw;
  EXPECT_GT(workspaceChangesAfterPrune.load(), 0) << workspaceRaw;
  EXPECT_EQ(workspaceRaw.find("event: error"), std::string::npos) << workspaceRaw;
}

}  // namespace rj::test
