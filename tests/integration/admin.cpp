// rjadmin's token and runner administration against a real MariaDB: listing tokens and runners
// (never a secret), revoking a runner by id or name, and one live runner per name. The store is
// called directly, and the rjadmin program for its exit codes and output.
#include <gtest/gtest.h>

#include <memory>
#include <thread>

#include "admin/admin_store.h"
#include "auth/runner_guard.h"
#include "errors/errors.h"
#include "support/stack.h"
#include "support/test_database.h"
#include "util/crypto.h"

namespace rj::test {

namespace {

struct CommandResult {
  int exitCode = -1;
  std::string output;  // stdout and stderr
};

// Runs rjadmin on this suite's schema (the environment names it).
CommandResult rjadmin(const std::string& arguments) {
  CommandResult result;
  result.output = commandOutput(std::string(RJ_BUILD_DIR) + "/bin/rjadmin " + arguments + " 2>&1",
                                &result.exitCode);
  return result;
}

Request runnerRequest(const std::string& token) {
  Request request;
  request.method = "POST";
  request.path = "/api/runner/claim";
  request.headers["HTTP_AUTHORIZATION"] = "Bearer " + token;
  return request;
}

bool runnerTokenWorks(const std::string& token) {
  try {
    authenticateRunner(runnerRequest(token));
    return true;
  } catch (const HttpError& error) {
    EXPECT_EQ(error.status(), 401);
    return false;
  }
}

std::string uniqueRunnerName() {
  return "builder-" + toHex(randomBytes(4));
}

}  // namespace

class Admin : public DatabaseTest {
 protected:
  AdminStore admin{connection()};
};

TEST_F(Admin, CreateRunnerRefusesTheNameOfALiveRunner) {
  std::string name = uniqueRunnerName();
  auto first = admin.createRunner(name, workspaceId, {"build"});
  EXPECT_THROW(admin.createRunner(name, std::nullopt, {}), DuplicateRunnerName);
  // Once that runner is revoked its name is free again.
  ASSERT_EQ(admin.revokeRunner(first.id), first.id);
  auto second = admin.createRunner(name, workspaceId, {"build"});
  EXPECT_NE(second.id, first.id);
  EXPECT_TRUE(runnerTokenWorks(second.token));
}

TEST_F(Admin, RjadminCreateRunnerExitsNonZeroOnADuplicateName) {
  std::string name = uniqueRunnerName();
  auto created = rjadmin("create-runner --name " + name + " --workspace " + workspaceId);
  ASSERT_EQ(created.exitCode, 0) << created.output;
  auto duplicate = rjadmin("create-runner --name " + name);
  EXPECT_EQ(duplicate.exitCode, 1) << duplicate.output;
  EXPECT_NE(duplicate.output.find("a live runner is already named \"" + name + "\""),
            std::string::npos)
      << duplicate.output;
  EXPECT_EQ(duplicate.output.find("rjr_"), std::string::npos) << duplicate.output;
  int live = 0;
  for (const auto& runner : admin.listRunners(std::nullopt)) {
    live += runner.name == name && !runner.revokedAt;
  }
  EXPECT_EQ(live, 1);
}

TEST_F(Admin, RjadminCreateRunnersAtOnceAllSucceed) {
  // Each name check takes gap locks that the others' inserts wait on: deadlocks, which rjadmin
  // runs again rather than failing (test suites and deploy scripts create runners in parallel).
  constexpr int kRunners = 8;
  std::vector<CommandResult> results(kRunners);
  std::vector<std::string> names;
  for (int i = 0; i < kRunners; ++i) names.push_back(uniqueRunnerName());
  std::vector<std::thread> threads;
  for (int i = 0; i < kRunners; ++i) {
    threads.emplace_back([&, i] {
      results[i] = rjadmin("create-runner --name " + names[i] + " --workspace " + workspaceId);
    });
  }
  for (auto& thread : threads) thread.join();
  for (int i = 0; i < kRunners; ++i) {
    ASSERT_EQ(results[i].exitCode, 0) << results[i].output;
    size_t token = results[i].output.find("rjr_");
    ASSERT_NE(token, std::string::npos) << results[i].output;
    std::string line = results[i].output.substr(token, results[i].output.find('\n', token) - token);
    EXPECT_TRUE(runnerTokenWorks(line)) << line;
  }
}

TEST_F(Admin, RevokeRunnerByNameOrIdRefusesItsTokenFromThenOn) {
  auto byName = admin.createRunner(uniqueRunnerName(), workspaceId, {});
  auto byId = admin.createRunner(uniqueRunnerName(), std::nullopt, {});
  std::string byNameName;
  for (const auto& runner : admin.listRunners(workspaceId)) {
    if (runner.id == byName.id) byNameName = runner.name;
  }
  ASSERT_TRUE(runnerTokenWorks(byName.token));

  auto revokedByName = rjadmin("revoke-runner " + byNameName);
  EXPECT_EQ(revokedByName.exitCode, 0) << revokedByName.output;
  EXPECT_FALSE(runnerTokenWorks(byName.token));
  EXPECT_TRUE(runnerTokenWorks(byId.token));

  auto revokedById = rjadmin("revoke-runner " + byId.id);
  EXPECT_EQ(revokedById.exitCode, 0) << revokedById.output;
  EXPECT_FALSE(runnerTokenWorks(byId.token));

  // Nothing live is left under either: a second revoke says so and fails.
  auto again = rjadmin("revoke-runner " + byNameName);
  EXPECT_EQ(again.exitCode, 1) << again.output;
  EXPECT_EQ(admin.revokeRunner(byId.id), std::nullopt);
  EXPECT_EQ(rjadmin("revoke-runner").exitCode, 2);
}

TEST_F(Admin, RevokeRunnerByANameSeveralLiveRunnersShareIsRefused) {
  // Runners made before names had to differ may share one.
  std::string name = uniqueRunnerName();
  auto first = admin.createRunner(name, workspaceId, {});
  auto second = admin.createRunner(uniqueRunnerName(), workspaceId, {});
  Query(connection(), "UPDATE runners SET name = ? WHERE id = ?")
      .bind(name)
      .bind(second.id)
      .execute();
  EXPECT_THROW(admin.revokeRunner(name), std::runtime_error);
  EXPECT_TRUE(runnerTokenWorks(first.token));
  EXPECT_TRUE(runnerTokenWorks(second.token));
  auto cli = rjadmin("revoke-runner " + name);
  EXPECT_EQ(cli.exitCode, 1);
  EXPECT_NE(cli.output.find(first.id), std::string::npos) << cli.output;
  EXPECT_NE(cli.output.find(second.id), std::string::npos) << cli.output;
  EXPECT_EQ(admin.revokeRunner(second.id), second.id);
  EXPECT_TRUE(runnerTokenWorks(first.token));
}

TEST_F(Admin, ListRunnersShowsTheWorkspacesAndUnboundRunners) {
  auto bound = admin.createRunner(uniqueRunnerName(), workspaceId, {"a.b", "c"});
  auto unbound = admin.createRunner(uniqueRunnerName(), std::nullopt, {});
  auto elsewhere = admin.createRunner(uniqueRunnerName(), createWorkspace("elsewhere"), {});
  admin.revokeRunner(bound.id);
  Query(connection(), "UPDATE runners SET last_seen_at = '2026-11-24 12:00:00.5' WHERE id = ?")
      .bind(unbound.id)
      .execute();

  bool sawBound = false, sawUnbound = false;
  for (const auto& runner : admin.listRunners(workspaceId)) {
    EXPECT_NE(runner.id, elsewhere.id);
    if (runner.id == bound.id) {
      sawBound = true;
      EXPECT_EQ(runner.jobTypes, "a.b,c");
      EXPECT_EQ(runner.workspaceId, workspaceId);
      EXPECT_TRUE(runner.revokedAt.has_value());
      EXPECT_FALSE(runner.lastSeenAt.has_value());
    }
    if (runner.id == unbound.id) {
      sawUnbound = true;
      EXPECT_FALSE(runner.jobTypes.has_value());
      EXPECT_FALSE(runner.workspaceId.has_value());
      EXPECT_FALSE(runner.revokedAt.has_value());
      EXPECT_EQ(runner.lastSeenAt, "2026-11-24T12:00:00.500Z");
    }
  }
  EXPECT_TRUE(sawBound);
  EXPECT_TRUE(sawUnbound);

  auto cli = rjadmin("list-runners --workspace " + workspaceId + " 2>/dev/null");
  EXPECT_EQ(cli.exitCode, 0) << cli.output;
  EXPECT_NE(cli.output.find(unbound.id + "\t"), std::string::npos) << cli.output;
  EXPECT_NE(cli.output.find("\t*\t*\t2026-11-24T12:00:00.500Z\t-\n"), std::string::npos)
      << cli.output;
  EXPECT_EQ(cli.output.find(elsewhere.id), std::string::npos) << cli.output;
  EXPECT_EQ(cli.output.find(bound.token), std::string::npos);
  EXPECT_EQ(cli.output.find(sha256Hex(bound.token)), std::string::npos);
}

TEST_F(Admin, ListTokensShowsEveryTokenButNeverItsSecret) {
  auto issued = admin.issueToken(member.userId, "laptop", std::string("2030-01-01 00:00:00"));
  auto metrics = admin.issueMetricsToken(workspaceId, "scraper", std::nullopt);
  std::string otherWorkspace = createWorkspace("other");
  SeededUser outsider = createMember(otherWorkspace, Role::Owner);
  admin.revokeToken(guest.token);

  bool sawIssued = false, sawMetrics = false, sawRevoked = false;
  for (const auto& token : admin.listTokens(workspaceId)) {
    EXPECT_NE(token.owner, otherWorkspace);
    if (token.id == issued.id) {
      sawIssued = true;
      EXPECT_EQ(token.kind, "user");
      EXPECT_NE(token.owner.find("@test.invalid"), std::string::npos) << token.owner;
      EXPECT_EQ(token.name, "laptop");
      EXPECT_EQ(token.expiresAt, "2030-01-01T00:00:00.000Z");
      EXPECT_FALSE(token.revokedAt.has_value());
    }
    if (token.id == metrics.id) {
      sawMetrics = true;
      EXPECT_EQ(token.kind, "metrics");
      EXPECT_EQ(token.owner, workspaceId);
      EXPECT_FALSE(token.expiresAt.has_value());
    }
    if (token.revokedAt) sawRevoked = true;
  }
  EXPECT_TRUE(sawIssued);
  EXPECT_TRUE(sawMetrics);
  EXPECT_TRUE(sawRevoked);

  auto cli = rjadmin("list-tokens --workspace " + workspaceId + " 2>/dev/null");
  EXPECT_EQ(cli.exitCode, 0) << cli.output;
  EXPECT_NE(cli.output.find(issued.id + "\tuser\t"), std::string::npos) << cli.output;
  EXPECT_NE(cli.output.find("\tlaptop\t"), std::string::npos) << cli.output;
  EXPECT_NE(cli.output.find(metrics.id + "\tmetrics\t" + workspaceId + "\tscraper\t"),
            std::string::npos)
      << cli.output;
  for (const std::string& secret : {issued.token, metrics.token, member.token, guest.token}) {
    EXPECT_EQ(cli.output.find(secret), std::string::npos);
    EXPECT_EQ(cli.output.find(sha256Hex(secret)), std::string::npos);
  }
  // Another workspace's members are not listed with a workspace, but are without one.
  auto outsiderToken = Query(connection(), "SELECT id FROM api_tokens WHERE user_id = ?")
                           .bind(outsider.userId)
                           .rows();
  ASSERT_TRUE(outsiderToken->next());
  std::string outsiderTokenId = outsiderToken->getString("id");
  EXPECT_EQ(cli.output.find(outsiderTokenId), std::string::npos) << cli.output;
  auto everything = rjadmin("list-tokens 2>/dev/null");
  EXPECT_EQ(everything.exitCode, 0);
  EXPECT_NE(everything.output.find(outsiderTokenId), std::string::npos);
  EXPECT_EQ(rjadmin("list-tokens --workspace not-a-uuid").exitCode, 2);
}

}  // namespace rj::test
