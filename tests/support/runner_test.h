#pragma once
// Integration fixture for the runner services: runners made with rjadmin's own statements, jobs
// of types unique to each test (so tests sharing a schema never claim each other's jobs), and
// helpers for racing threads.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "admin/admin_store.h"
#include "auth/runner_identity.h"
#include "jobs/job_store.h"
#include "runners/claim_service.h"
#include "runners/runner_requests.h"
#include "support/test_database.h"
#include "util/crypto.h"

namespace rj::test {

class RunnerTest : public DatabaseTest {
 protected:
  JobStore jobs;

  // A runner row made with rjadmin's own statements; the identity as the guard would read it.
  RunnerIdentity createRunner(std::optional<std::string> workspace, std::vector<std::string> types,
                              std::string* token = nullptr) {
    // Live runners' names must differ.
    std::string name = "runner-" + toHex(randomBytes(4));
    auto issued = AdminStore(connection()).createRunner(name, workspace, types);
    if (token) *token = issued.token;
    return RunnerIdentity{issued.id, name, workspace, types};
  }
  RunnerIdentity runnerFor(const std::string& type) { return createRunner(workspaceId, {type}); }

  Job createJob(const std::string& type, int64_t priority = 5) {
    NewJob request;
    request.type = type;
    request.priority = priority;
    return jobs.create(workspaceId, request, std::nullopt).job;
  }
  static std::string uniqueType(const std::string& prefix) {
    static std::atomic<int> counter{0};
    return prefix + "." + std::to_string(++counter) + "." +
           std::to_string(std::chrono::steady_clock::now().time_since_epoch().count());
  }
  std::vector<std::string> eventTypes(const std::string& jobId) {
    std::vector<std::string> types;
    for (const auto& event : jobs.get(workspaceId, jobId).events) types.push_back(event.type);
    return types;
  }
  static void onThreads(int threads, const std::function<void(int)>& work) {
    std::vector<std::thread> pool;
    for (int i = 0; i < threads; ++i) {
      pool.emplace_back([&, i] {
        DatabaseThread database;
        useSuiteSchema();
        work(i);
      });
    }
    for (auto& thread : pool) thread.join();
  }
  static ClaimRequest typesRequest(std::vector<std::string> types, int64_t wait = 0) {
    ClaimRequest request;
    request.types = std::move(types);
    request.waitSeconds = wait;
    return request;
  }
  static RunnerEvent event(const std::string& type, const std::string& payload) {
    return parseRunnerEvent(R"({"type":")" + type + R"(","payload":)" + payload + "}");
  }
};

}  // namespace rj::test
