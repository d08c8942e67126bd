// The front end's write count (db/write_count.h): one file, mapped by every process, that a
// statement which may write moves when it ends (db/connection.h, mayWrite).
#include "db/write_count.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "db/connection.h"
#include "util/crypto.h"

namespace rj {
namespace {

std::string scratchPath() {
  return std::string(RJ_TEST_VAR) + "/write-count-" + toHex(randomBytes(6));
}

TEST(WriteCount, TwoMappingsOfOneFileShareTheCount) {
  const std::string path = scratchPath();
  WriteCount first(path), second(path);
  EXPECT_EQ(first.value(), 0u);
  first.advance();
  first.advance();
  EXPECT_EQ(second.value(), 2u);
  second.advance();
  EXPECT_EQ(first.value(), 3u);
  std::remove(path.c_str());
}

TEST(WriteCount, AnotherProcessesWritesMoveIt) {
  const std::string path = scratchPath();
  WriteCount count(path);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // A process of its own mapping: what another handler process does.
    WriteCount theirs(path);
    for (int i = 0; i < 1000; ++i) theirs.advance();
    _exit(0);
  }
  for (int i = 0; i < 1000; ++i) count.advance();
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  EXPECT_EQ(count.value(), 2000u);
  std::remove(path.c_str());
}

TEST(WriteCount, ThreadsMoveItWithoutLosingACount) {
  const std::string path = scratchPath();
  WriteCount count(path);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&count] {
      for (int i = 0; i < 5000; ++i) count.advance();
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(count.value(), 20000u);
  std::remove(path.c_str());
}

TEST(WriteCount, AShortFileIsGrownAndAMissingDirectoryIsRefused) {
  const std::string path = scratchPath();
  FILE* file = std::fopen(path.c_str(), "w");
  ASSERT_NE(file, nullptr);
  std::fclose(file);
  {
    WriteCount count(path);
    count.advance();
    EXPECT_EQ(count.value(), 1u);
  }
  struct stat status {};
  ASSERT_EQ(stat(path.c_str(), &status), 0);
  EXPECT_EQ(status.st_size, 4096);
  std::remove(path.c_str());
  EXPECT_THROW(WriteCount(std::string(RJ_TEST_VAR) + "/no-such-directory/write-count"),
               std::runtime_error);
}

TEST(WriteCount, EveryStatementButASelectOrAShowMayWrite) {
  EXPECT_FALSE(mayWrite("SELECT 1"));
  EXPECT_FALSE(mayWrite("  select id FROM runner_jobs WHERE id = ?"));
  EXPECT_FALSE(mayWrite("SELECT id FROM runner_jobs WHERE id = ? FOR UPDATE"));
  EXPECT_FALSE(
      mayWrite("SET STATEMENT wsrep_sync_wait = 1 FOR SELECT updated_at FROM runner_jobs"));
  EXPECT_FALSE(mayWrite("SHOW SESSION STATUS LIKE 'Questions'"));
  EXPECT_TRUE(mayWrite("INSERT INTO runner_jobs (id) VALUES (?)"));
  EXPECT_TRUE(mayWrite("UPDATE runner_jobs SET status = 'CANCELLED'"));
  EXPECT_TRUE(mayWrite("DELETE FROM job_events"));
  EXPECT_TRUE(mayWrite("COMMIT"));
  EXPECT_TRUE(mayWrite("BEGIN NOT ATOMIC SELECT 1; END"));
  EXPECT_TRUE(mayWrite("SET time_zone = '+00:00'"));
  EXPECT_TRUE(mayWrite("SET STATEMENT max_statement_time = 1 FOR UPDATE runner_jobs SET x = 1"));
  EXPECT_TRUE(mayWrite("SELECTED_WORD_THAT_IS_NOT_SELECT"));
  EXPECT_TRUE(mayWrite("WITH recent AS (SELECT 1) DELETE FROM job_events"));
  EXPECT_TRUE(mayWrite(""));
}

}  // namespace
}  // namespace rj
