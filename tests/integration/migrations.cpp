// Migrations against the harness's MariaDB.
#include "db/migrations.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "support/test_database.h"
#include "util/crypto.h"

namespace rj::test {

class Migrations : public DatabaseTest {};

TEST_F(Migrations, SecondRunAppliesNothing) {
  // The suite set-up applied them once already.
  EXPECT_TRUE(applyMigrations(connection(), std::string(RJ_SOURCE_DIR) + "/sql").empty());
  auto rows = Query(connection(), "SELECT COUNT(*) AS applied FROM schema_migrations").rows();
  ASSERT_TRUE(rows->next());
  EXPECT_GE(rows->getInt("applied"), 1);
}

TEST_F(Migrations, ChangedAppliedFileIsRefused) {
  auto directory =
      std::filesystem::temp_directory_path() / ("rj_migrations_" + toHex(randomBytes(4)));
  std::filesystem::create_directories(directory);
  std::ofstream(directory / "900_probe.sql") << "CREATE TABLE probe_one (id INT PRIMARY KEY);";
  ASSERT_EQ(applyMigrations(connection(), directory.string()).size(), 1u);
  std::ofstream(directory / "900_probe.sql") << "CREATE TABLE probe_two (id INT PRIMARY KEY);";
  EXPECT_THROW(applyMigrations(connection(), directory.string()), MigrationError);
  std::filesystem::remove_all(directory);
}

TEST_F(Migrations, NewFileIsAppliedInNameOrder) {
  auto directory =
      std::filesystem::temp_directory_path() / ("rj_migrations_" + toHex(randomBytes(4)));
  std::filesystem::create_directories(directory);
  std::ofstream(directory / "911_b.sql") << "INSERT INTO probe_order VALUES (2);";
  std::ofstream(directory / "910_a.sql")
      << "-- a comment; with a semicolon\nCREATE TABLE probe_order (v INT);\nINSERT INTO "
         "probe_order VALUES (1);";
  auto applied = applyMigrations(connection(), directory.string());
  ASSERT_EQ(applied.size(), 2u);
  EXPECT_EQ(applied[0], "910_a.sql");
  auto rows = Query(connection(), "SELECT COUNT(*) AS n FROM probe_order").rows();
  ASSERT_TRUE(rows->next());
  EXPECT_EQ(rows->getInt("n"), 2);
  std::filesystem::remove_all(directory);
}

}  // namespace rj::test
