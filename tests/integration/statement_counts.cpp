// Database statements per request, as the server counts them (the session's Questions counter),
// so that a change cannot quietly add a round trip to the guards or the jobs endpoints. Prepared
// statements count when executed; preparing one is not a question. A compound statement (BEGIN
// NOT ATOMIC ... END) is one question, whatever it runs inside. A failing count here means a
// statement was added or removed: update the number only together with the reason. The guards
// answer from the process's token cache within its bound (auth/token_cache.h): the counts of a
// caller the cache does not know ("cold") are taken after emptying it, and a known caller's
// ("warm") right after a request that filled it.
#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "app/guarded_reads.h"
#include "app/serve.h"
#include "auth/token_cache.h"
#include "errors/errors.h"
#include "events/event_store.h"
#include "jobs/answer_caches.h"
#include "jobs/job_store.h"
#include "jobs/list_query.h"
#include "support/fake_channel.h"
#include "support/guard_request.h"
#include "support/outcome.h"
#include "support/test_database.h"
#include "util/crypto.h"
#include "util/uuid.h"

namespace rj::test {

class StatementCounts : public DatabaseTest {
 protected:
  JobStore store;

  static void forgetTokens() { TokenCache::process().clear(); }

  Request request(const std::string& token, const std::string& workspace) const {
    return workspaceRequest(token, workspace);
  }

  NewJob newJob() const {
    NewJob job;
    job.type = "count.me";
    job.data = R"({"n":1})";
    return job;
  }
  std::string createJob() { return store.create(workspaceId, newJob(), std::nullopt).job.id; }

  // A job as a runner leaves it: two steps and a few events past the two of its creation.
  std::string createJobWithStepsAndEvents() {
    std::string id = createJob();
    for (int ordinal : {2, 1}) {
      Query(connection(),
            "INSERT INTO job_steps (job_id, ordinal, name, status, started_at)"
            " VALUES (?, ?, 'step', 'COMPLETED', UTC_TIMESTAMP(3))")
          .bind(id)
          .bind(ordinal)
          .execute();
    }
    for (int i = 0; i < 3; ++i) appendEvent(connection(), id, EventType::StepOutput, "{}");
    return id;
  }

  JobListQuery listQuery(int64_t page, int64_t limit) const {
    JobListQuery query;
    query.page = page;
    query.limit = limit;
    return query;
  }
};

TEST_F(StatementCounts, TheCounterSeesNothingBetweenTwoReadings) {
  EXPECT_EQ(statementsOf([] {}), 0);
  EXPECT_EQ(statementsOf([] { Query(connection(), "SELECT 1").rows(); }), 1);
}

TEST_F(StatementCounts, GuardOfAWorkspaceEndpointIsOneStatement) {
  using Counted = std::pair<int64_t, std::string>;  // statements sent, error code answered
  // The guard's statements and answer; `warm` keeps what the token cache holds, else it is
  // emptied first.
  auto counted = [](Permission permission, const Request& request, bool warm) {
    if (!warm) forgetTokens();
    std::string code;
    int64_t statements = statementsOf([&] { code = codeOf([&] { guard(permission, request); }); });
    return Counted{statements, code};
  };
  auto guarded = [&](Permission permission, const Request& request) {
    return counted(permission, request, false);
  };
  auto warm = [&](Permission permission, const Request& request) {
    return counted(permission, request, true);
  };
  std::string other = createWorkspace("other");
  EXPECT_EQ(guarded(Permission::WorkspaceAny, request(member.token, workspaceId)),
            Counted(1, "none"));
  // Every refusal is decided from the same one row.
  EXPECT_EQ(guarded(Permission::WorkspaceAny, request(member.token, other)),
            Counted(1, "NOT_A_MEMBER"));
  EXPECT_EQ(guarded(Permission::WorkspaceMember, request(guest.token, workspaceId)),
            Counted(1, "ROLE_FORBIDDEN"));
  EXPECT_EQ(guarded(Permission::WorkspaceAny, request("rj_nope", workspaceId)),
            Counted(1, "UNAUTHORIZED"));
  EXPECT_EQ(guarded(Permission::WorkspaceAny, request(member.token, "")),
            Counted(1, "INVALID_WORKSPACE_ID"));
  EXPECT_EQ(guarded(Permission::Authenticated, request(member.token, workspaceId)),
            Counted(1, "none"));
  // Within the cache's bound an accepted caller costs nothing; a refusal was not remembered.
  EXPECT_EQ(warm(Permission::Authenticated, request(member.token, workspaceId)),
            Counted(0, "none"));
  EXPECT_EQ(warm(Permission::WorkspaceAny, request(member.token, workspaceId)), Counted(0, "none"));
  EXPECT_EQ(warm(Permission::WorkspaceAdmin, request(member.token, workspaceId)),
            Counted(0, "ROLE_FORBIDDEN"));
  EXPECT_EQ(guarded(Permission::WorkspaceAny, request(member.token, other)),
            Counted(1, "NOT_A_MEMBER"));
  EXPECT_EQ(warm(Permission::WorkspaceAny, request(member.token, other)),
            Counted(1, "NOT_A_MEMBER"));
}

TEST_F(StatementCounts, GetByIdIsOneStatement) {
  std::string id = createJobWithStepsAndEvents();
  EXPECT_EQ(statementsOf([&] {
              auto detail = store.get(workspaceId, id);
              EXPECT_EQ(detail.steps.size(), 2u);
              EXPECT_EQ(detail.events.size(), 5u);
            }),
            1);
  EXPECT_EQ(
      statementsOf([&] { EXPECT_EQ(statusOf([&] { store.get(workspaceId, newUuid()); }), 404); }),
      1);
}

// The handler's read, through the job detail cache: the full read, then the version alone while
// the job is unchanged, and both once after a change.
TEST_F(StatementCounts, GetByIdAsAnsweredIsOneStatementAndTwoAfterAChange) {
  std::string id = createJobWithStepsAndEvents();
  jobDetailCache().clear();
  EXPECT_EQ(statementsOf([&] { store.getJson(workspaceId, id); }), 1);
  EXPECT_EQ(statementsOf([&] { store.getJson(workspaceId, id); }), 1);
  appendEvent(connection(), id, EventType::StepOutput, "{}");
  EXPECT_EQ(statementsOf([&] { store.getJson(workspaceId, id); }), 2);
  EXPECT_EQ(statementsOf([&] { store.getJson(workspaceId, id); }), 1);  // a full read
  EXPECT_EQ(statementsOf([&] { store.getJson(workspaceId, id); }), 1);  // the version
}

// The same for the list, by the workspace's change log.
TEST_F(StatementCounts, ListAsAnsweredIsOneStatementAndTwoAfterAChange) {
  createJob();
  jobPageCache().clear();
  JobListQuery query = listQuery(1, 10);
  EXPECT_EQ(statementsOf([&] { store.listJson(workspaceId, query); }), 1);
  EXPECT_EQ(statementsOf([&] { store.listJson(workspaceId, query); }), 1);
  createJob();
  EXPECT_EQ(statementsOf([&] { store.listJson(workspaceId, query); }), 2);
  EXPECT_EQ(statementsOf([&] { store.listJson(workspaceId, query); }), 1);  // a full read
  EXPECT_EQ(statementsOf([&] { store.listJson(workspaceId, query); }), 1);  // the version
}

TEST_F(StatementCounts, ListIsOneStatementUnlessThePageIsPastTheEnd) {
  for (int i = 0; i < 3; ++i) createJob();
  // The page's rows carry the total, full page or not.
  EXPECT_EQ(statementsOf([&] { EXPECT_EQ(store.list(workspaceId, listQuery(1, 50)).total, 3); }),
            1);
  EXPECT_EQ(statementsOf([&] { EXPECT_EQ(store.list(workspaceId, listQuery(1, 2)).total, 3); }), 1);
  EXPECT_EQ(statementsOf([&] { EXPECT_EQ(store.list(workspaceId, listQuery(2, 2)).total, 3); }), 1);
  std::string empty = createWorkspace("empty");
  EXPECT_EQ(statementsOf([&] { EXPECT_EQ(store.list(empty, listQuery(1, 50)).total, 0); }), 1);
  // A page past the end has no row to carry it: the total is counted apart.
  EXPECT_EQ(statementsOf([&] { EXPECT_EQ(store.list(workspaceId, listQuery(3, 2)).total, 3); }), 2);
}

TEST_F(StatementCounts, CreateIsOneStatement) {
  // One compound statement: the transaction, the job's INSERT, its two events' INSERT, their two
  // rows of the workspace change log in one INSERT, the job read back, the COMMIT.
  EXPECT_EQ(statementsOf([&] { createJob(); }), 1);
  // An Idempotency-Key first looks for the job it made before.
  EXPECT_EQ(statementsOf([&] { store.create(workspaceId, newJob(), std::string("key-1")); }), 2);
  EXPECT_EQ(statementsOf([&] {
              EXPECT_FALSE(store.create(workspaceId, newJob(), std::string("key-1")).created);
            }),
            1);
  // A concurrency key also makes sure its row exists, in the same statement.
  NewJob limited = newJob();
  limited.concurrencyKey = "smtp";
  limited.concurrencyLimit = 1;
  EXPECT_EQ(statementsOf([&] { store.create(workspaceId, limited, std::nullopt); }), 1);
}

// GET /api/runner-jobs/:id and GET /api/runner-jobs as their handlers serve them: the guarded
// read, the ordinary path behind it.
class GuardedReadRequests : public StatementCounts {
 public:  // get and list are passed by member pointer from the tests
  struct Answered {
    int64_t statements = 0;
    int status = 0;
    std::string body;
  };
  Answered request(const char* routeName, const std::string& uri, const std::string& token,
                   const std::string& workspace, bool guarded) {
    bool get = std::string(routeName) == "jobs_get";
    EndpointHandler ordinary = [get](Request& req, Context& ctx) {
      if (get) return jsonText(ctx.jobs().getJson(ctx.workspaceId(), req.uuidParam("id")));
      return jsonText(ctx.jobs().listJson(ctx.workspaceId(), parseJobListQuery(req.query)));
    };
    GuardedReader reader = get ? jobDetailWithCaller() : jobPageWithCaller();
    RequestHandler handle =
        endpointHandler(*findApiRoute(routeName), ordinary, guarded ? reader : nullptr);
    test::FakeChannel channel(
        "GET", uri,
        {{"HTTP_AUTHORIZATION", "Bearer " + token}, {"HTTP_X_WORKSPACE_ID", workspace}});
    Answered answered;
    if (!keepTokenCache) forgetTokens();
    answered.statements = statementsOf([&] { answer(channel, handle); });
    answered.status = channel.status();
    answered.body = channel.body();
    return answered;
  }
  Answered get(const std::string& token, const std::string& workspace, const std::string& jobId,
               bool guarded = true) {
    return request("jobs_get", "/api/runner-jobs/" + jobId, token, workspace, guarded);
  }
  Answered list(const std::string& token, const std::string& workspace, const std::string& query,
                bool guarded = true) {
    return request("jobs_list", "/api/runner-jobs" + query, token, workspace, guarded);
  }
  // A request of the endpoint, its expected status and the statements of its guarded path.
  struct Case {
    std::string token, workspace, target;  // target: the job id, or the list's query string
    int status;
    int64_t statements;
  };
  using Send = Answered (GuardedReadRequests::*)(const std::string&, const std::string&,
                                                 const std::string&, bool);
  // Each case through both paths: the guarded one sends the expected statements, and both give
  // the same status and bytes.
  void expectBothPathsAlike(Send send, const std::vector<Case>& cases) {
    for (const Case& c : cases) {
      SCOPED_TRACE(c.token + " " + c.workspace + " " + c.target);
      Answered guarded = (this->*send)(c.token, c.workspace, c.target, true);
      Answered ordinary = (this->*send)(c.token, c.workspace, c.target, false);
      EXPECT_EQ(guarded.status, c.status) << guarded.body;
      EXPECT_EQ(guarded.statements, c.statements);
      EXPECT_EQ(guarded.status, ordinary.status);
      EXPECT_EQ(guarded.body, ordinary.body);
    }
  }
  bool keepTokenCache = false;  // false: every request is a cold one
  std::string revokedToken() {
    std::string token = createMember(workspaceId, Role::Member).token;
    Query(connection(), "UPDATE api_tokens SET revoked_at = UTC_TIMESTAMP(3) WHERE token_hash = ?")
        .bind(sha256Hex(token))
        .execute();
    return token;
  }
};
using GetByIdRequests = GuardedReadRequests;
using ListRequests = GuardedReadRequests;

TEST_F(GetByIdRequests, AnAcceptedCallerIsOneStatementForGuardAndRead) {
  std::string id = createJobWithStepsAndEvents();
  for (const SeededUser& caller : {owner, member, guest}) {
    Answered answered = get(caller.token, workspaceId, id);
    EXPECT_EQ(answered.status, 200) << answered.body;
    EXPECT_EQ(answered.statements, 1);
  }
  Answered missing = get(member.token, workspaceId, newUuid());
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.statements, 1);
}

TEST_F(GetByIdRequests, ACallerTheTokenCacheKnowsIsOneStatementForTheReadAlone) {
  std::string id = createJobWithStepsAndEvents();
  keepTokenCache = true;
  Answered first = get(member.token, workspaceId, id);
  EXPECT_EQ(first.statements, 1);  // the guarded read, which fills the cache
  Answered known = get(member.token, workspaceId, id);
  EXPECT_EQ(known.status, 200);
  EXPECT_EQ(known.statements, 1);  // the ordinary path: no guard statement, the job's read
  EXPECT_EQ(known.body, first.body);
  Answered kept = get(member.token, workspaceId, id);
  EXPECT_EQ(kept.statements, 1);  // the job's version alone: the answer is the one kept
  EXPECT_EQ(kept.body, first.body);
  EXPECT_EQ(get(member.token, workspaceId, newUuid()).status, 404);
}

TEST_F(GetByIdRequests, RefusalsTakeTheOrdinaryPathAndSayTheSame) {
  std::string id = createJobWithStepsAndEvents();
  std::string other = createWorkspace("other");
  SeededUser stranger = createMember(other, Role::Owner);
  std::string revoked = revokedToken();
  const std::vector<Case> cases = {
      {member.token, workspaceId, id, 200, 1},
      {member.token, workspaceId, newUuid(), 404, 1},
      // Another workspace's job, asked for in that workspace or in one's own.
      {stranger.token, other, id, 404, 1},
      {stranger.token, workspaceId, id, 403, 2},
      {member.token, other, id, 403, 2},
      {revoked, workspaceId, id, 401, 2},
      {"rj_not_a_token", workspaceId, id, 401, 2},
      // Decided by the guard's statement alone (the token is judged before the workspace id).
      {member.token, "not-a-uuid", id, 400, 1},
      {member.token, workspaceId, "not-a-uuid", 400, 1},
      {member.token, workspaceId, "' OR 1=1 --", 400, 1},
  };
  expectBothPathsAlike(&GuardedReadRequests::get, cases);
}

TEST_F(ListRequests, AnAcceptedCallerIsOneStatementForGuardAndPage) {
  for (int i = 0; i < 7; ++i) createJob();
  for (const SeededUser& caller : {owner, member, guest}) {
    Answered answered = list(caller.token, workspaceId, "?limit=3");
    EXPECT_EQ(answered.status, 200) << answered.body;
    EXPECT_NE(answered.body.find(R"("total":7)"), std::string::npos) << answered.body;
    EXPECT_EQ(answered.statements, 1);
  }
  EXPECT_EQ(list(member.token, createWorkspace("empty"), "").statements, 2);  // 403: not a member
  // A page past the end has no row to carry the total: it is counted apart.
  Answered past = list(member.token, workspaceId, "?limit=3&page=4");
  EXPECT_EQ(past.status, 200);
  EXPECT_NE(past.body.find(R"("total":7)"), std::string::npos) << past.body;
  EXPECT_EQ(past.statements, 2);
}

TEST_F(ListRequests, ACallerTheTokenCacheKnowsIsOneStatementForThePageAlone) {
  for (int i = 0; i < 4; ++i) createJob();
  keepTokenCache = true;
  Answered first = list(member.token, workspaceId, "?limit=3");
  EXPECT_EQ(first.statements, 1);
  Answered known = list(member.token, workspaceId, "?limit=3");
  EXPECT_EQ(known.status, 200);
  EXPECT_EQ(known.statements, 1);
  EXPECT_EQ(known.body, first.body);
}

TEST_F(ListRequests, RefusalsTakeTheOrdinaryPathAndEveryAnswerIsTheSame) {
  // Jobs made within the same millisecond too: the order (newest first, then by id) must hold.
  for (int i = 0; i < 12; ++i) createJob();
  std::string other = createWorkspace("other");
  std::string revoked = revokedToken();
  const std::vector<Case> cases = {
      {member.token, workspaceId, "", 200, 1},
      {guest.token, workspaceId, "?limit=5&page=2", 200, 1},
      {member.token, workspaceId, "?status=QUEUED,RUNNING&type=count.me", 200, 1},
      {member.token, workspaceId, "?type=nothing.like.it", 200, 1},
      {member.token, other, "", 403, 2},
      {revoked, workspaceId, "", 401, 2},
      {"rj_not_a_token", workspaceId, "", 401, 2},
      // Decided by the guard's statement alone (a bad query only after the guards).
      {member.token, workspaceId, "?limit=0", 400, 1},
      {member.token, workspaceId, "?status=DONE", 400, 1},
      {member.token, workspaceId, "?type=x%27%20OR%201%3D1%20--", 400, 1},
      {member.token, "not-a-uuid", "", 400, 1},
  };
  expectBothPathsAlike(&GuardedReadRequests::list, cases);
}

TEST_F(StatementCounts, WholeRequestsGuardAndServiceTogether) {
  std::string id = createJobWithStepsAndEvents();
  auto asMember = request(member.token, workspaceId);
  forgetTokens();
  EXPECT_EQ(statementsOf([&] {
              Context context = guard(Permission::WorkspaceAny, asMember);
              store.get(context.workspaceId(), id);
            }),
            2);
  forgetTokens();
  EXPECT_EQ(statementsOf([&] {
              Context context = guard(Permission::WorkspaceAny, asMember);
              store.list(context.workspaceId(), listQuery(1, 50));
            }),
            2);
  forgetTokens();
  EXPECT_EQ(statementsOf([&] {
              Context context = guard(Permission::WorkspaceMember, asMember);
              store.create(context.workspaceId(), newJob(), std::nullopt);
            }),
            2);
  // The same caller again within the token cache's bound: the service's statements alone.
  EXPECT_EQ(statementsOf([&] {
              Context context = guard(Permission::WorkspaceMember, asMember);
              store.create(context.workspaceId(), newJob(), std::nullopt);
            }),
            1);
  EXPECT_EQ(statementsOf([&] {
              Context context = guard(Permission::WorkspaceAny, asMember);
              store.get(context.workspaceId(), id);
            }),
            1);
}

}  // namespace rj::test
