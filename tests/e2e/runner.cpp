// The runner API through lighttpd, the real rj-runner against it (cancel kills the command within
// a heartbeat), and the dev stack's own runner running a demo.count job watched live over SSE.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <set>
#include <thread>

#include "support/sse_client.h"
#include "support/stack.h"
#include "util/crypto.h"

namespace rj::test {

namespace {
using namespace std::chrono_literals;

const Stack& s() {
  return stack();
}

HttpResponse runnerCall(const std::string& token, const std::string& path,
                        const std::string& body = "") {
  return s().call("POST", path, token, "", body);
}

std::string createJob(const std::string& type, const std::string& data = "{}") {
  auto response = s().call("POST", "/api/runner-jobs", s().tokenMember, s().workspace,
                           R"({"type":")" + type + R"(","data":)" + data + "}");
  EXPECT_EQ(response.status, 201) << response.body;
  return response.json()["id"].GetString();
}

HttpResponse getJob(const std::string& id) {
  return s().call("GET", "/api/runner-jobs/" + id, s().tokenMember, s().workspace);
}

bool processGone(pid_t pid) {
  return kill(pid, 0) != 0 && errno == ESRCH;
}

// rj-runner as a child of the test, with its own config and a 1 s heartbeat.
class RunnerProcess {
 public:
  RunnerProcess(const std::string& token, const std::string& configPath,
                const std::string& graceSeconds = "8") {
    pid_ = fork();
    if (pid_ == 0) {
      setenv("RJ_RUNNER_GRACE_SECONDS", graceSeconds.c_str(), 1);
      setenv("RJ_URL", s().url.c_str(), 1);
      setenv("RJ_RUNNER_TOKEN", token.c_str(), 1);
      setenv("RJ_RUNNER_CONFIG", configPath.c_str(), 1);
      setenv("RJ_RUNNER_HEARTBEAT_SECONDS", "1", 1);
      setenv("RJ_RUNNER_WAIT_SECONDS", "5", 1);
      std::string binary = std::string(RJ_BUILD_DIR) + "/bin/rj-runner";
      execl(binary.c_str(), "rj-runner", static_cast<char*>(nullptr));
      _exit(127);
    }
  }
  ~RunnerProcess() {
    if (pid_ > 0 && !stopped_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  // SIGTERM and wait; the exit status, or -1 when it did not end within `timeout`.
  int stop(std::chrono::milliseconds timeout) {
    kill(pid_, SIGTERM);
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        stopped_ = true;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      std::this_thread::sleep_for(50ms);
    }
    return -1;
  }

 private:
  pid_t pid_ = -1;
  bool stopped_ = false;
};

template <typename Condition>
bool waitFor(Condition condition, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(50ms);
  }
  return condition();
}

// Waits up to `timeout` for the job to reach `status`.
bool waitForStatus(const std::string& id, const std::string& status,
                   std::chrono::milliseconds timeout) {
  return waitFor([&] { return getJob(id).json()["status"].GetString() == status; }, timeout);
}

// A folder for a runner config and what its commands leave behind, removed with this object.
struct ConfigFolder {
  ConfigFolder() : dir(std::string(RJ_TEST_VAR) + "/runner-" + toHex(randomBytes(4))) {
    EXPECT_EQ(system(("mkdir -p '" + dir + "'").c_str()), 0);
  }
  ~ConfigFolder() { system(("rm -rf '" + dir + "'").c_str()); }
  // Writes `text` as the config file and returns its path.
  std::string writeConfig(const std::string& text) const {
    std::ofstream(dir + "/runner.conf") << text;
    return dir + "/runner.conf";
  }
  std::string dir;
};

// A runner config for `type` whose command prints "started", writes its PID to a file and
// sleeps until it is killed; the folder is removed with this object.
struct SleepingCommand {
  explicit SleepingCommand(const std::string& type)
      : dir(std::string(RJ_TEST_VAR) + "/runner-" + toHex(randomBytes(4))),
        pidFile(dir + "/command.pid"),
        config(dir + "/runner.conf") {
    EXPECT_EQ(system(("mkdir -p '" + dir + "'").c_str()), 0);
    std::ofstream(config) << "# a command that runs until it is killed\n"
                          << type << " = /bin/bash -c \"echo started; echo $$ > " << pidFile
                          << ".tmp; mv " << pidFile << ".tmp " << pidFile << "; exec sleep 300\"\n";
  }
  ~SleepingCommand() { system(("rm -rf '" + dir + "'").c_str()); }
  // The command's PID once it runs, or 0.
  pid_t waitForPid() const {
    if (!waitFor([&] { return std::ifstream(pidFile).good(); }, 15s)) return 0;
    pid_t pid = 0;
    std::ifstream(pidFile) >> pid;
    return pid;
  }
  std::string dir, pidFile, config;
};
}  // namespace

TEST(RunnerApi, RejectsMissingAndUserTokens) {
  EXPECT_EQ(runnerCall("", "/api/runner/claim").status, 401);
  EXPECT_EQ(runnerCall("rjr_unknown", "/api/runner/claim").status, 401);
  auto user = runnerCall(s().tokenMember, "/api/runner/claim");
  EXPECT_EQ(user.status, 401);
  EXPECT_EQ(user.json()["statusCode"].GetInt(), 401);
}

TEST(RunnerApi, RejectsMalformedBodies) {
  std::string token = s().createRunner(uniqueName("e2e.bodies"));
  auto unknown = runnerCall(token, "/api/runner/claim", R"({"lease":5})");
  EXPECT_EQ(unknown.status, 400);
  EXPECT_STREQ(unknown.json()["message"][0].GetString(), "property lease should not exist");
  EXPECT_EQ(runnerCall(token, "/api/runner/claim", R"({"waitSeconds":31})").status, 400);
  EXPECT_EQ(runnerCall(token, "/api/runner/claim", "{nope").status, 400);
  EXPECT_EQ(runnerCall(token, "/api/runner/claim", R"({"types":["other.type"]})").status, 403);
  EXPECT_EQ(runnerCall(token, "/api/runner/jobs/not-a-uuid/heartbeat").status, 400);
  EXPECT_EQ(
      runnerCall(token, "/api/runner/jobs/00000000-0000-4000-8000-000000000000/heartbeat").status,
      404);
  EXPECT_EQ(runnerCall(token, "/api/runner/jobs/not-a-uuid/release").status, 400);
  EXPECT_EQ(
      runnerCall(token, "/api/runner/jobs/00000000-0000-4000-8000-000000000000/release").status,
      404);
  auto extra = runnerCall(token, "/api/runner/jobs/00000000-0000-4000-8000-000000000000/release",
                          R"({"attempt":1})");
  EXPECT_EQ(extra.status, 400);
  EXPECT_STREQ(extra.json()["message"][0].GetString(), "property attempt should not exist");
}

TEST(RunnerApi, ClaimHeartbeatEventsCompleteOverHttp) {
  std::string type = uniqueName("e2e.api");
  std::string token = s().createRunner(type);
  EXPECT_EQ(runnerCall(token, "/api/runner/claim").status, 204);
  std::string id = createJob(type, R"({"n":42})");
  auto claim = runnerCall(token, "/api/runner/claim", R"({"waitSeconds":2})");
  ASSERT_EQ(claim.status, 200) << claim.body;
  auto job = claim.json();
  EXPECT_EQ(std::string(job["id"].GetString()), id);
  EXPECT_STREQ(job["status"].GetString(), "RUNNING");
  EXPECT_EQ(job["data"]["n"].GetInt(), 42);
  EXPECT_EQ(runnerCall(token, "/api/runner/claim").status, 204);

  std::string base = "/api/runner/jobs/" + id;
  auto beat = runnerCall(token, base + "/heartbeat");
  ASSERT_EQ(beat.status, 200) << beat.body;
  EXPECT_FALSE(beat.json()["cancelRequested"].GetBool());
  auto step = runnerCall(token, base + "/events",
                         R"({"type":"step.started","payload":{"ordinal":1,"name":"work"}})");
  ASSERT_EQ(step.status, 201) << step.body;
  EXPECT_EQ(step.json()["seq"].GetInt(), 4);
  EXPECT_EQ(runnerCall(token, base + "/events", R"({"type":"job.completed"})").status, 400);
  auto progress = runnerCall(token, base + "/events",
                             R"({"type":"job.progress","payload":{"progressPercent":50}})");
  EXPECT_EQ(progress.status, 201);
  EXPECT_EQ(getJob(id).json()["progressPercent"].GetInt(), 50);
  // Another runner of the same workspace does not hold the lease.
  std::string otherToken = s().createRunner(type);
  EXPECT_EQ(runnerCall(otherToken, base + "/complete").status, 409);

  auto done = runnerCall(token, base + "/complete", R"({"result":{"answer":42}})");
  ASSERT_EQ(done.status, 200) << done.body;
  EXPECT_STREQ(done.json()["status"].GetString(), "COMPLETED");
  EXPECT_EQ(done.json()["result"]["answer"].GetInt(), 42);
  EXPECT_EQ(runnerCall(token, base + "/complete").status, 409);
  EXPECT_EQ(runnerCall(token, base + "/fail", R"({"error":"late"})").status, 409);
  auto detail = getJob(id).json();
  EXPECT_STREQ(detail["status"].GetString(), "COMPLETED");
  EXPECT_STREQ(detail["steps"][0]["name"].GetString(), "work");
}

TEST(RjRunner, CancelReachesTheRunnerWithinAHeartbeatAndKillsTheCommand) {
  std::string type = uniqueName("e2e.cancel");
  std::string token = s().createRunner(type);
  SleepingCommand sleeping(type);
  RunnerProcess runner(token, sleeping.config);
  std::string id = createJob(type);
  pid_t command = sleeping.waitForPid();
  ASSERT_GT(command, 0) << "the runner did not start the command";
  EXPECT_FALSE(processGone(command));
  EXPECT_STREQ(getJob(id).json()["status"].GetString(), "RUNNING");
  // The command's first line is streamed while it runs.
  EXPECT_TRUE(waitFor([&] { return getJob(id).body.find("\"started\"") != std::string::npos; }, 5s))
      << getJob(id).body;

  auto cancelledAt = std::chrono::steady_clock::now();
  ASSERT_EQ(
      s().call("POST", "/api/runner-jobs/" + id + "/cancel", s().tokenMember, s().workspace).status,
      200);
  ASSERT_TRUE(waitFor([&] { return processGone(command); }, 10s)) << "command still alive";
  auto took = std::chrono::steady_clock::now() - cancelledAt;
  // One heartbeat (1 s) plus the HTTP round trip and the kill.
  EXPECT_LT(took, 2500ms) << std::chrono::duration_cast<std::chrono::milliseconds>(took).count();

  // The runner reported nothing after the cancel and stops cleanly on SIGTERM.
  EXPECT_EQ(runner.stop(10s), 0);
  auto detail = getJob(id).json();
  EXPECT_STREQ(detail["status"].GetString(), "CANCELLED");
  const auto& events = detail["events"];
  EXPECT_STREQ(events[events.Size() - 1]["type"].GetString(), "job.cancelled");
  for (const auto& event : events.GetArray()) {
    std::string eventType = event["type"].GetString();
    EXPECT_NE(eventType, "job.completed");
    EXPECT_NE(eventType, "job.failed");
  }
}

TEST(RjRunner, ExitStatus75IsARetryableFailure) {
  std::string type = uniqueName("e2e.tempfail");
  std::string token = s().createRunner(type);
  ConfigFolder folder;
  std::string config = folder.writeConfig(type + " = /bin/sh -c \"echo busy >&2; exit 75\"\n");
  RunnerProcess runner(token, config);
  auto response = s().call("POST", "/api/runner-jobs", s().tokenMember, s().workspace,
                           R"({"type":")" + type + R"(","maxAttempts":2,"backoffSeconds":1})");
  ASSERT_EQ(response.status, 201) << response.body;
  std::string id = response.json()["id"].GetString();
  // Attempt 1 exits 75 and comes back after 0.5..1 s; attempt 2 exits 75 with none left.
  ASSERT_TRUE(waitForStatus(id, "FAILED", 20s)) << getJob(id).body;
  auto detail = getJob(id).json();
  EXPECT_EQ(detail["attempt"].GetInt(), 2);
  EXPECT_STREQ(detail["error"].GetString(), "exit status 75: busy");
  std::vector<std::string> types;
  for (const auto& event : detail["events"].GetArray()) {
    std::string eventType = event["type"].GetString();
    if (eventType.rfind("job.", 0) == 0) types.push_back(eventType);
  }
  EXPECT_EQ(types, (std::vector<std::string>{"job.created", "job.queued", "job.started",
                                             "job.retry_scheduled", "job.started", "job.failed"}));
  EXPECT_EQ(runner.stop(10s), 0);
}

TEST(RjRunner, AnyOtherExitStatusFailsAtOnce) {
  std::string type = uniqueName("e2e.exit1");
  std::string token = s().createRunner(type);
  ConfigFolder folder;
  std::string config = folder.writeConfig(type + " = /bin/sh -c \"exit 1\"\n");
  RunnerProcess runner(token, config);
  auto response = s().call("POST", "/api/runner-jobs", s().tokenMember, s().workspace,
                           R"({"type":")" + type + R"(","maxAttempts":5})");
  ASSERT_EQ(response.status, 201) << response.body;
  std::string id = response.json()["id"].GetString();
  ASSERT_TRUE(waitForStatus(id, "FAILED", 15s)) << getJob(id).body;
  EXPECT_EQ(getJob(id).json()["attempt"].GetInt(), 1);
  EXPECT_EQ(runner.stop(10s), 0);
}

TEST(RjRunner, ATimedOutJobsCommandIsKilled) {
  std::string type = uniqueName("e2e.timeout");
  std::string token = s().createRunner(type);
  SleepingCommand sleeping(type);
  RunnerProcess runner(token, sleeping.config);
  auto response = s().call("POST", "/api/runner-jobs", s().tokenMember, s().workspace,
                           R"({"type":")" + type + R"(","timeoutSeconds":2,"maxAttempts":1})");
  ASSERT_EQ(response.status, 201) << response.body;
  std::string id = response.json()["id"].GetString();
  pid_t command = sleeping.waitForPid();
  ASSERT_GT(command, 0) << "the runner did not start the command";
  // The deadline, up to 5 s for the server to end the run, a 1 s heartbeat, and the kill.
  ASSERT_TRUE(waitFor([&] { return processGone(command); }, 12s)) << "command still alive";
  auto detail = getJob(id).json();
  EXPECT_STREQ(detail["status"].GetString(), "FAILED");
  EXPECT_STREQ(detail["error"].GetString(), "Timed out after 2 s on attempt 1 of 1");
  EXPECT_EQ(runner.stop(10s), 0);
}

TEST(RjRunner, SigtermPastTheGraceKillsTheCommandAndReleasesTheJobAtOnce) {
  std::string type = uniqueName("e2e.release");
  std::string token = s().createRunner(type);
  SleepingCommand sleeping(type);
  RunnerProcess runner(token, sleeping.config, "1");
  std::string id = createJob(type);
  pid_t command = sleeping.waitForPid();
  ASSERT_GT(command, 0) << "the runner did not start the command";
  EXPECT_STREQ(getJob(id).json()["status"].GetString(), "RUNNING");

  // 1 s of grace, the kill, the release: the job is QUEUED long before its 60 s lease runs out.
  auto stoppedAt = std::chrono::steady_clock::now();
  EXPECT_EQ(runner.stop(10s), 0);
  auto took = std::chrono::steady_clock::now() - stoppedAt;
  EXPECT_LT(took, 5s) << std::chrono::duration_cast<std::chrono::milliseconds>(took).count();
  EXPECT_TRUE(processGone(command)) << "the command outlived its runner";
  auto detail = getJob(id).json();
  EXPECT_STREQ(detail["status"].GetString(), "QUEUED");
  EXPECT_EQ(detail["attempt"].GetInt(), 1);
  const auto& events = detail["events"];
  const auto& last = events[events.Size() - 1];
  ASSERT_STREQ(last["type"].GetString(), "job.queued");
  EXPECT_STREQ(last["reason"].GetString(), "released by runner");
  EXPECT_STREQ(last["detail"].GetString(), "runner stopped before the command finished");
  // The output before the stop was delivered first.
  EXPECT_NE(getJob(id).body.find("\"started\""), std::string::npos);

  // Another runner of the type takes it at once and may finish it.
  std::string next = s().createRunner(type);
  auto claim = runnerCall(next, "/api/runner/claim");
  ASSERT_EQ(claim.status, 200) << claim.body;
  EXPECT_EQ(std::string(claim.json()["id"].GetString()), id);
  EXPECT_EQ(runnerCall(token, "/api/runner/jobs/" + id + "/release").status, 409);
  auto released = runnerCall(next, "/api/runner/jobs/" + id + "/release", R"({"reason":"done"})");
  ASSERT_EQ(released.status, 200) << released.body;
  EXPECT_STREQ(released.json()["status"].GetString(), "QUEUED");
}

TEST(RjRunner, ACommandWhoseDaemonKeepsStdoutOpenStillCompletesPromptly) {
  std::string type = uniqueName("e2e.daemon");
  std::string token = s().createRunner(type);
  ConfigFolder folder;
  std::string daemonPid = folder.dir + "/daemon.pid";
  // The daemon leaves the command's process group (so the kill of the group misses it) and
  // inherits its stdout; the command itself exits 0 at once.
  RunnerProcess runner(token,
                       folder.writeConfig(type + " = /bin/bash -c 'setsid sleep 300 & echo $! > " +
                                          daemonPid + R"(; echo "{\"ok\":true}"')" + "\n"));
  auto createdAt = std::chrono::steady_clock::now();
  std::string id = createJob(type);
  bool completed = waitForStatus(id, "COMPLETED", 10s);
  auto took = std::chrono::steady_clock::now() - createdAt;
  pid_t daemon = 0;
  std::ifstream(daemonPid) >> daemon;
  if (daemon > 0) kill(daemon, SIGKILL);
  ASSERT_TRUE(completed) << getJob(id).body;
  EXPECT_GT(daemon, 0) << "the command did not start its daemon";
  // Two seconds of drain after the command's exit, not the daemon's 300 s.
  EXPECT_LT(took, 6s) << std::chrono::duration_cast<std::chrono::milliseconds>(took).count();
  auto detail = getJob(id).json();
  EXPECT_TRUE(detail["result"]["ok"].GetBool());
  EXPECT_NE(getJob(id).body.find(R"(\"ok\":true)"), std::string::npos) << "output not sent";
  EXPECT_EQ(runner.stop(10s), 0);
}

TEST(RjRunner, ACommandThatCannotBeStartedFailsTheJobAndTheRunnerGoesOn) {
  std::string missingType = uniqueName("e2e.missing");
  std::string echoType = uniqueName("e2e.echo");
  std::string token = s().createRunner(missingType + "," + echoType);
  ConfigFolder folder;
  RunnerProcess runner(token,
                       folder.writeConfig(missingType + " = ./no-such-command --flag\n" + echoType +
                                          R"( = /bin/echo '{"echoed":1}')" + "\n"));
  std::string missing = createJob(missingType);
  ASSERT_TRUE(waitForStatus(missing, "FAILED", 10s)) << getJob(missing).body;
  auto failed = getJob(missing).json();
  std::string error = failed["error"].GetString();
  EXPECT_NE(error.find("could not start the command " + folder.dir + "/./no-such-command"),
            std::string::npos)
      << error;
  EXPECT_NE(error.find("No such file or directory"), std::string::npos) << error;
  ASSERT_EQ(failed["steps"].Size(), 1u);
  EXPECT_STREQ(failed["steps"][0]["status"].GetString(), "FAILED");

  // Still claiming: the next job runs.
  std::string echo = createJob(echoType);
  ASSERT_TRUE(waitForStatus(echo, "COMPLETED", 10s)) << getJob(echo).body;
  EXPECT_EQ(getJob(echo).json()["result"]["echoed"].GetInt(), 1);
  EXPECT_EQ(runner.stop(10s), 0);
}

TEST(RjRunner, DevStackRunsADemoCountJobWatchedLive) {
  std::string id = createJob("demo.count", R"({"seconds":2})");
  std::vector<std::string> types;
  auto session = readSse(
      s().url + "/api/runner-jobs/" + id + "/events/stream?workspaceId=" + s().workspace,
      {"Authorization: Bearer " + s().tokenMember},
      [](const SseSession& current) {
        return current.events.empty() || current.events.back().type != "stream.complete";
      },
      40s);
  ASSERT_EQ(session.status, 200);
  for (const auto& event : session.events) types.push_back(event.type);
  ASSERT_FALSE(types.empty());
  EXPECT_EQ(types.back(), "stream.complete");
  EXPECT_NE(session.events.back().data.find("COMPLETED"), std::string::npos);
  std::string output;
  for (const auto& event : session.events) {
    if (event.type == "step.output") output += event.data;
  }
  EXPECT_NE(output.find("count 1/2"), std::string::npos) << output;
  EXPECT_NE(output.find("count 2/2"), std::string::npos) << output;
  // demo-count's progress lines arrive as job.progress events, in order, not as output.
  EXPECT_EQ(output.find("progressPercent"), std::string::npos) << output;
  std::vector<std::string> progress;
  for (const auto& event : session.events) {
    if (event.type == "job.progress") progress.push_back(event.data);
  }
  ASSERT_EQ(progress.size(), 2u);
  EXPECT_NE(progress[0].find(R"("progressPercent":50)"), std::string::npos) << progress[0];
  EXPECT_NE(progress[1].find(R"("progressPercent":100)"), std::string::npos) << progress[1];
  auto position = [&](const std::string& type, const std::string& text) {
    for (size_t i = 0; i < session.events.size(); ++i) {
      if (session.events[i].type == type && session.events[i].data.find(text) != std::string::npos)
        return i;
    }
    return session.events.size();
  };
  EXPECT_LT(position("step.output", "count 1/2"), position("job.progress", ":50"));
  EXPECT_LT(position("job.progress", ":50"), position("step.output", "count 2/2"));
  EXPECT_LT(position("step.output", "count 2/2"), position("job.progress", ":100"));
  EXPECT_NE(std::find(types.begin(), types.end(), "job.started"), types.end());
  EXPECT_NE(std::find(types.begin(), types.end(), "job.completed"), types.end());

  auto job = getJob(id).json();
  EXPECT_STREQ(job["status"].GetString(), "COMPLETED");
  EXPECT_EQ(job["result"]["counted"].GetInt(), 2);
  EXPECT_EQ(job["progressPercent"].GetInt(), 100);
  ASSERT_EQ(job["steps"].Size(), 1u);
  EXPECT_STREQ(job["steps"][0]["status"].GetString(), "COMPLETED");
}

TEST(RunnerApi, BatchClaimOfMax3AnswersThreeDistinctRunningJobs) {
  std::string type = uniqueName("e2e.batch");
  std::string token = s().createRunner(type);
  EXPECT_EQ(runnerCall(token, "/api/runner/claim", R"({"max":3})").status, 204);
  std::set<std::string> created;
  for (int i = 0; i < 4; ++i) created.insert(createJob(type, "{\"n\":" + std::to_string(i) + "}"));
  auto claim = runnerCall(token, "/api/runner/claim", R"({"max":3,"waitSeconds":2})");
  ASSERT_EQ(claim.status, 200) << claim.body;
  auto batch = claim.json();
  ASSERT_TRUE(batch["jobs"].IsArray()) << claim.body;
  ASSERT_EQ(batch["jobs"].Size(), 3u);
  std::set<std::string> claimed;
  for (const auto& job : batch["jobs"].GetArray()) {
    std::string id = job["id"].GetString();
    claimed.insert(id);
    EXPECT_EQ(created.count(id), 1u) << id;
    EXPECT_STREQ(job["status"].GetString(), "RUNNING");
    EXPECT_STREQ(getJob(id).json()["status"].GetString(), "RUNNING");
    EXPECT_EQ(runnerCall(token, "/api/runner/jobs/" + id + "/heartbeat").status, 200)
        << "each job of the batch has its own lease";
  }
  EXPECT_EQ(claimed.size(), 3u);
  // The fourth, alone in a list; then nothing.
  auto rest = runnerCall(token, "/api/runner/claim", R"({"max":3})");
  ASSERT_EQ(rest.status, 200) << rest.body;
  ASSERT_EQ(rest.json()["jobs"].Size(), 1u);
  EXPECT_EQ(claimed.count(rest.json()["jobs"][0]["id"].GetString()), 0u);
  EXPECT_EQ(runnerCall(token, "/api/runner/claim", R"({"max":3})").status, 204);
}

TEST(RunnerApi, BatchClaimRejectsABadMax) {
  std::string token = s().createRunner(uniqueName("e2e.badmax"));
  for (const char* body :
       {R"({"max":0})", R"({"max":51})", R"({"max":"3"})", R"({"max":1.5})", R"({"max":null})"}) {
    auto answer = runnerCall(token, "/api/runner/claim", body);
    EXPECT_EQ(answer.status, 400) << body;
    EXPECT_STREQ(answer.json()["code"].GetString(), "VALIDATION_FAILED") << body;
  }
  EXPECT_STREQ(
      runnerCall(token, "/api/runner/claim", R"({"max":51})").json()["message"][0].GetString(),
      "max must not be greater than 50");
}

}  // namespace rj::test

namespace rj::test {

TEST(RjRunner, CommandsDoNotSeeTheRunnersToken) {
  std::string type = uniqueName("e2e.environment");
  std::string token = s().createRunner(type);
  ConfigFolder folder;
  // Single quotes: the config passes the script to sh as written.
  RunnerProcess runner(
      token,
      folder.writeConfig(
          type + R"( = /bin/sh -c 'echo "{\"token\":\"${RJ_RUNNER_TOKEN:-none}\"}"')" + "\n"));
  std::string id = createJob(type);
  ASSERT_TRUE(waitForStatus(id, "COMPLETED", 10s)) << getJob(id).body;
  auto job = getJob(id);
  EXPECT_STREQ(job.json()["result"]["token"].GetString(), "none") << job.body;
  EXPECT_EQ(job.body.find(token), std::string::npos);
  EXPECT_EQ(runner.stop(10s), 0);
}

}  // namespace rj::test
