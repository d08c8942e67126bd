// Small pure pieces: UUIDs, hashing, timestamps, config files, SQL splitting, roles, expiry.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <set>
#include <thread>
#include <vector>

#include "admin/admin_store.h"
#include "auth/role.h"
#include "db/config.h"
#include "db/migrations.h"
#include "util/crypto.h"
#include "util/time.h"
#include "util/uuid.h"

namespace rj {

TEST(Uuid, RecognisesTheCanonicalForm) {
  EXPECT_TRUE(isUuid("123e4567-e89b-42d3-a456-426614174000"));
  EXPECT_TRUE(isUuid("123E4567-E89B-42D3-A456-426614174000"));
  EXPECT_FALSE(isUuid("123e4567e89b42d3a456426614174000"));
  EXPECT_FALSE(isUuid("123e4567-e89b-42d3-a456-42661417400g"));
  EXPECT_FALSE(isUuid("' OR 1=1 --"));
  EXPECT_FALSE(isUuid(""));
}

TEST(Uuid, NewUuidsAreVersion4AndDistinct) {
  std::string first = newUuid();
  EXPECT_TRUE(isUuid(first));
  EXPECT_EQ(first[14], '4');
  EXPECT_NE(first, newUuid());
}

TEST(Uuid, TimeOrderedUuidsCarryTheTimeFirstAndVersion7) {
  // 2026-12-03T04:00:00.000Z is 1796270400000 ms, 0x01a23a0f2200: the first 48 bits.
  std::string id = newTimeOrderedUuid(1796270400000);
  EXPECT_TRUE(isUuid(id));
  EXPECT_EQ(id.substr(0, 13), "01a23a0f-2200");
  EXPECT_EQ(id[14], '7');
  EXPECT_NE(std::string("89ab").find(id[19]), std::string::npos) << id;  // RFC 9562 variant
  EXPECT_NE(id, newTimeOrderedUuid(1796270400000));                      // 74 random bits
  // As text they sort as their times do, which is what the indexes keyed by them see.
  EXPECT_LT(newTimeOrderedUuid(1796270400000), newTimeOrderedUuid(1796270400001));
  EXPECT_LT(newTimeOrderedUuid(1796270400999), newTimeOrderedUuid(1796270401000));
  EXPECT_LT(newTimeOrderedUuid(0), newTimeOrderedUuid(1));
  std::string now = newTimeOrderedUuid();
  EXPECT_EQ(now[14], '7');
  EXPECT_LT(id, now);
}

TEST(Crypto, Sha256MatchesTheKnownVector) {
  EXPECT_EQ(sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Crypto, SecretTokensCarry32RandomBytes) {
  std::string token = newSecretToken("rjt_");
  EXPECT_EQ(token.size(), 4u + 64u);
  EXPECT_NE(token, newSecretToken("rjt_"));
}

TEST(Crypto, UniqueBytesNeverRepeatAcrossRefillsAndThreads) {
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {  // several refills of a thread's buffer
    std::string bytes = uniqueBytes(16);
    ASSERT_EQ(bytes.size(), 16u);
    EXPECT_TRUE(seen.insert(bytes).second) << "repeated after " << i << " draws";
  }
  std::vector<std::string> other;
  std::thread drawing([&] {
    for (int i = 0; i < 200; ++i) other.push_back(uniqueBytes(16));
  });
  drawing.join();
  for (const auto& bytes : other) EXPECT_TRUE(seen.insert(bytes).second);
  EXPECT_EQ(uniqueBytes(100).size(), 100u);  // more than a buffer's share: drawn directly
}

TEST(Crypto, AForkedChildNeverRepeatsItsParentsUniqueBytes) {
  uniqueBytes(16);  // the buffer holds bytes not yet handed out
  int pipeEnds[2];
  ASSERT_EQ(pipe(pipeEnds), 0);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    std::string bytes = uniqueBytes(16);
    _exit(write(pipeEnds[1], bytes.data(), bytes.size()) == 16 ? 0 : 1);
  }
  close(pipeEnds[1]);
  std::string fromChild(16, '\0');
  ASSERT_EQ(read(pipeEnds[0], fromChild.data(), fromChild.size()), 16);
  close(pipeEnds[0]);
  int status = 0;
  waitpid(child, &status, 0);
  EXPECT_NE(fromChild, uniqueBytes(16)) << "the child drew its parent's next bytes";
}

TEST(Timestamps, DatabaseTimeBecomesIsoWithMilliseconds) {
  EXPECT_EQ(toIsoTimestamp(std::string("2026-11-24 12:00:00.123")), "2026-11-24T12:00:00.123Z");
  EXPECT_EQ(toIsoTimestamp(std::string("2026-11-24 12:00:00")), "2026-11-24T12:00:00.000Z");
  EXPECT_EQ(toIsoTimestamp(std::string("2026-11-24 12:00:00.123456")), "2026-11-24T12:00:00.123Z");
}

TEST(ConfigFile, ReadsAssignmentsAndSkipsComments) {
  auto values = parseConfigFile("# comment\nRJ_DB_USER = app\r\nRJ_DB_PASSWORD='p=w'\n\nnoise\n");
  EXPECT_EQ(values["RJ_DB_USER"], "app");
  EXPECT_EQ(values["RJ_DB_PASSWORD"], "p=w");
  EXPECT_EQ(values.size(), 2u);
}

TEST(ConfigFile, UnreadableFileSaysWhy) {
  // Paths that fail for root too (the tests run as root): a missing file, a path under a file.
  auto missing = readConfigFile("/nonexistent/runner-jobs/db.conf");
  ASSERT_TRUE(missing.problem.has_value());
  EXPECT_EQ(
      *missing.problem,
      "cannot read RJ_CONFIG file /nonexistent/runner-jobs/db.conf: No such file or directory");
  auto underFile = readConfigFile("/etc/hostname/db.conf");
  ASSERT_TRUE(underFile.problem.has_value());
  EXPECT_NE(underFile.problem->find("Not a directory"), std::string::npos) << *underFile.problem;
  auto directory = readConfigFile("/etc");
  ASSERT_TRUE(directory.problem.has_value());
  EXPECT_NE(directory.problem->find("Is a directory"), std::string::npos) << *directory.problem;
}

TEST(ConfigFile, ReadableFileHasItsValuesAndNoProblem) {
  std::string path = testing::TempDir() + "runner-jobs-config-test.conf";
  std::FILE* file = std::fopen(path.c_str(), "w");
  ASSERT_NE(file, nullptr);
  std::fputs("RJ_DB_USER=app\n", file);
  std::fclose(file);
  auto config = readConfigFile(path);
  EXPECT_FALSE(config.problem.has_value());
  EXPECT_EQ(config.values["RJ_DB_USER"], "app");
  std::remove(path.c_str());
}

TEST(SqlSplit, SplitsOnSemicolonsOutsideQuotesAndComments) {
  auto statements = splitSqlStatements(
      "-- one; comment\nCREATE TABLE a (x TEXT DEFAULT 'a;b');\n/* c; */ INSERT INTO a VALUES "
      "(\"q;\\\"\");\n  \n");
  ASSERT_EQ(statements.size(), 2u);
  EXPECT_EQ(statements[0], "CREATE TABLE a (x TEXT DEFAULT 'a;b')");
  EXPECT_NE(statements[1].find("INSERT INTO a VALUES (\"q;\\\"\")"), std::string::npos);
}

TEST(Roles, HigherRolesHoldLowerPermissions) {
  EXPECT_TRUE(permits(Role::Guest, Permission::WorkspaceAny));
  EXPECT_FALSE(permits(Role::Guest, Permission::WorkspaceMember));
  EXPECT_TRUE(permits(Role::Member, Permission::WorkspaceMember));
  EXPECT_TRUE(permits(Role::Admin, Permission::WorkspaceMember));
  EXPECT_TRUE(permits(Role::Owner, Permission::WorkspaceMember));
  EXPECT_EQ(parseRole("OWNER"), Role::Owner);
  EXPECT_FALSE(parseRole("owner"));
}

TEST(Roles, WorkspaceAdminAdmitsAdminAndOwnerOnly) {
  EXPECT_FALSE(permits(Role::Guest, Permission::WorkspaceAdmin));
  EXPECT_FALSE(permits(Role::Member, Permission::WorkspaceAdmin));
  EXPECT_TRUE(permits(Role::Admin, Permission::WorkspaceAdmin));
  EXPECT_TRUE(permits(Role::Owner, Permission::WorkspaceAdmin));
}

TEST(TokenExpiry, RelativeAndAbsoluteForms) {
  const long long epoch = 1'800'000'000;  // 2027-01-15 08:00:00 UTC
  EXPECT_EQ(*parseExpiry("1d", epoch), "2027-01-16 08:00:00");
  EXPECT_EQ(*parseExpiry("90m", epoch), "2027-01-15 09:30:00");
  EXPECT_EQ(*parseExpiry("2027-02-01", epoch), "2027-02-01 00:00:00");
  EXPECT_EQ(*parseExpiry("2027-02-01T10:11:12Z", epoch), "2027-02-01 10:11:12");
  EXPECT_FALSE(parseExpiry("soon", epoch));
  EXPECT_FALSE(parseExpiry("-1d", epoch));
}

TEST(TokenExpiry, ATimeThatIsNotInTheFutureIsRefused) {
  const long long epoch = 1'800'000'000;  // 2027-01-15 08:00:00 UTC
  EXPECT_FALSE(parseExpiry("2020-01-01", epoch));
  EXPECT_FALSE(parseExpiry("2027-01-15T08:00:00", epoch));
  EXPECT_FALSE(parseExpiry("0d", epoch));
  EXPECT_EQ(*parseExpiry("2027-01-15T08:00:01", epoch), "2027-01-15 08:00:01");
  EXPECT_EQ(*parseExpiry("1s", epoch), "2027-01-15 08:00:01");
}

}  // namespace rj
