#pragma once
// Integration fixture for the kept answers of GET by id and the list (jobs/answer_caches.h): each
// test starts with empty caches, and reads through them counting the statements each read sent.
#include <cstdint>
#include <string>

#include "jobs/answer_caches.h"
#include "jobs/job_store.h"
#include "jobs/list_query.h"
#include "support/runner_test.h"

namespace rj::test {

class KeptAnswerReads : public RunnerTest {
 protected:
  void SetUp() override {
    RunnerTest::SetUp();
    jobDetailCache().clear();
    jobPageCache().clear();
    listTotals().clear();
  }
  // The answer and the statements it took.
  struct Read {
    std::string answer;
    int64_t statements = 0;
  };
  Read read(const std::string& jobId) {
    Read done;
    done.statements = statementsOf([&] { done.answer = jobs.getJson(workspaceId, jobId); });
    return done;
  }
  // What a read without the cache answers now.
  std::string fullRead(const std::string& jobId) { return toJson(jobs.get(workspaceId, jobId)); }
  Read listed(const JobListQuery& query = {}) {
    Read done;
    done.statements = statementsOf([&] { done.answer = jobs.listJson(workspaceId, query); });
    return done;
  }
  std::string fullList(const JobListQuery& query = {}) {
    return toJson(jobs.list(workspaceId, query));
  }
  static bool shows(const std::string& answer, const std::string& text) {
    return answer.find(text) != std::string::npos;
  }
};

}  // namespace rj::test
