// The route table against the handler programs: one row per handlers/*.cpp, each naming its row.
#include "app/routes.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace rj {

namespace {

const std::filesystem::path kHandlerDir = std::filesystem::path(RJ_SOURCE_DIR) / "handlers";

// Handler program names (file names without .cpp), except the fallback that has no row.
std::set<std::string> handlerFiles() {
  std::set<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(kHandlerDir)) {
    if (entry.path().extension() != ".cpp") continue;
    std::string name = entry.path().stem().string();
    if (name != "not_found") names.insert(name);
  }
  return names;
}

std::string readFile(const std::filesystem::path& path) {
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

}  // namespace

TEST(RouteTable, EveryHandlerFileHasARow) {
  auto files = handlerFiles();
  ASSERT_GT(files.size(), 10u) << "no handlers found in " << kHandlerDir;
  for (const auto& name : files) {
    EXPECT_NE(findApiRoute(name), nullptr) << "handlers/" << name << ".cpp has no route row";
  }
}

TEST(RouteTable, EveryRowHasAHandlerFile) {
  auto files = handlerFiles();
  for (const auto& route : apiRoutes()) {
    EXPECT_EQ(files.count(route.name), 1u)
        << "row " << route.name << " has no handlers/" << route.name << ".cpp";
  }
}

TEST(RouteTable, EveryHandlerServesTheRowOfItsOwnName) {
  for (const auto& name : handlerFiles()) {
    std::string source = readFile(kHandlerDir / (name + ".cpp"));
    EXPECT_NE(source.find("rj::serve(\"" + name + "\","), std::string::npos)
        << "handlers/" << name << ".cpp does not call rj::serve(\"" << name << "\", ...)";
  }
}

TEST(RouteTable, FallbackServesNoRow) {
  std::string source = readFile(kHandlerDir / "not_found.cpp");
  EXPECT_NE(source.find("rj::serveFallback()"), std::string::npos);
  EXPECT_EQ(findApiRoute("not_found"), nullptr);
}

TEST(RouteTable, NamesAndMethodPatternPairsAreUnique) {
  std::set<std::string> names;
  std::set<std::string> endpoints;
  for (const auto& route : apiRoutes()) {
    EXPECT_TRUE(names.insert(route.name).second) << "two rows named " << route.name;
    EXPECT_TRUE(endpoints.insert(route.method + " " + route.pattern).second)
        << "two rows for " << route.method << " " << route.pattern;
  }
}

TEST(RouteTable, RowsAreUnderApiWithAKnownMethod) {
  const std::set<std::string> methods = {"GET", "POST", "PUT", "PATCH", "DELETE"};
  for (const auto& route : apiRoutes()) {
    EXPECT_EQ(route.pattern.rfind("/api/", 0), 0u) << route.name;
    EXPECT_EQ(methods.count(route.method), 1u) << route.name << ": " << route.method;
  }
}

TEST(RouteTable, UnknownNameHasNoRow) {
  EXPECT_EQ(findApiRoute("jobs_gett"), nullptr);
  ASSERT_NE(findApiRoute("jobs_get"), nullptr);
  EXPECT_EQ(findApiRoute("jobs_get")->pattern, "/api/runner-jobs/:id");
}

TEST(RouteTable, StreamAndClaimHaveTheirOwnPools) {
  EXPECT_EQ(findApiRoute("events_stream")->pool, ThreadPool::Stream);
  EXPECT_EQ(findApiRoute("runner_claim")->pool, ThreadPool::LongPoll);
  EXPECT_EQ(findApiRoute("jobs_get")->pool, ThreadPool::Default);
}

TEST(RouteTable, RunnerPathsNeedARunnerAndJobPathsAWorkspace) {
  for (const auto& route : apiRoutes()) {
    if (route.pattern.rfind("/api/runner/", 0) == 0) {
      EXPECT_EQ(route.permission, Permission::Runner) << route.name;
    }
    if (route.pattern.rfind("/api/runner-jobs", 0) == 0) {
      EXPECT_TRUE(route.permission == Permission::WorkspaceAny ||
                  route.permission == Permission::WorkspaceMember)
          << route.name;
    }
  }
}

TEST(PatternRegex, ParamSegmentsMatchOneSegment) {
  EXPECT_EQ(patternRegex("/api/runner-jobs/:id/cancel"), "^/api/runner-jobs/[^/]+/cancel/?$");
  EXPECT_EQ(patternRegex("/api/health"), "^/api/health/?$");
}

}  // namespace rj
