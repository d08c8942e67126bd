#pragma once
// Integration fixture: each suite gets a fresh schema on the harness's private MariaDB, migrated
// from sql/, and helpers to seed workspaces, users and tokens.
#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "auth/role.h"
#include "db/connection.h"

namespace rj::test {

struct SeededUser {
  std::string userId;
  std::string token;
};

class DatabaseTest : public ::testing::Test {
 public:
  static void SetUpTestSuite();
  static void TearDownTestSuite();

 protected:
  void SetUp() override;
  // The schema this suite runs in.
  static const std::string& schema();
  static Connection& connection() { return threadConnection(); }
  std::string createWorkspace(const std::string& name = "workspace");
  // A new user with the role in the workspace and a live token.
  SeededUser createMember(const std::string& workspaceId, Role role);
  // Points this thread's connection at the suite's schema (call at the start of other threads).
  static void useSuiteSchema();
  // The statements `work` sends on this thread's connection, as the server counts them (the
  // session's Questions; its own reading of the counter is left out).
  static int64_t statementsOf(const std::function<void()>& work);

  std::string workspaceId;  // a workspace made for each test
  SeededUser owner;
  SeededUser member;
  SeededUser guest;
};

// Root connection settings for the harness's MariaDB (no schema).
std::string harnessSocket();

}  // namespace rj::test
