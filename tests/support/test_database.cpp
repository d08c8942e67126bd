#include "support/test_database.h"

#include <cstdlib>

#include "admin/admin_store.h"
#include "db/migrations.h"
#include "util/crypto.h"

namespace rj::test {

namespace {
std::string& suiteSchema() {
  static std::string name;
  return name;
}
}  // namespace

std::string harnessSocket() {
  return std::string(RJ_TEST_VAR) + "/mariadb/mariadb.sock";
}

const std::string& DatabaseTest::schema() {
  return suiteSchema();
}

void DatabaseTest::useSuiteSchema() {
  setenv("RJ_DB_SOCKET", harnessSocket().c_str(), 1);
  setenv("RJ_DB_USER", "root", 1);
  setenv("RJ_DB_PASSWORD", "", 1);
  setenv("RJ_DB_NAME", suiteSchema().c_str(), 1);
}

void DatabaseTest::SetUpTestSuite() {
  suiteSchema() = "rj_test_" + toHex(randomBytes(6));
  useSuiteSchema();
  setenv("RJ_DB_NAME", "mysql", 1);
  discardThreadConnection();
  threadConnection().execute("CREATE DATABASE `" + suiteSchema() +
                             "` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
  discardThreadConnection();
  useSuiteSchema();
  applyMigrations(threadConnection(), std::string(RJ_SOURCE_DIR) + "/sql");
}

void DatabaseTest::TearDownTestSuite() {
  try {
    threadConnection().execute("DROP DATABASE `" + suiteSchema() + "`");
  } catch (...) {
    // The server is torn down with the run anyway.
  }
  discardThreadConnection();
}

namespace {
int64_t sessionQuestions() {
  auto rows = Query(threadConnection(), "SHOW SESSION STATUS LIKE 'Questions'").rows();
  rows->next();
  return rows->getInt64(2);
}
}  // namespace

int64_t DatabaseTest::statementsOf(const std::function<void()>& work) {
  int64_t before = sessionQuestions();
  work();
  return sessionQuestions() - before - 1;
}

void DatabaseTest::SetUp() {
  workspaceId = createWorkspace();
  owner = createMember(workspaceId, Role::Owner);
  member = createMember(workspaceId, Role::Member);
  guest = createMember(workspaceId, Role::Guest);
}

std::string DatabaseTest::createWorkspace(const std::string& name) {
  return AdminStore(connection()).createWorkspace(name);
}

SeededUser DatabaseTest::createMember(const std::string& workspace, Role role) {
  AdminStore admin(connection());
  std::string userId = admin.createUser(toHex(randomBytes(8)) + "@test.invalid", "test user");
  admin.addMember(workspace, userId, role);
  return {userId, admin.issueToken(userId, "test", std::nullopt).token};
}

}  // namespace rj::test
