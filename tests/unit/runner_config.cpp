// rj-runner's configuration file: one `type = command arg ...` a line, no shell.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "config.h"

namespace rj::runner {
namespace {

// The ConfigError message parsing `text` gives.
std::string errorOf(const std::string& text) {
  try {
    parseRunnerConfig(text, "/etc/rj");
  } catch (const ConfigError& error) {
    return error.what();
  }
  ADD_FAILURE() << "no error for: " << text;
  return "";
}

TEST(RunnerConfig, OneCommandPerType) {
  auto config =
      parseRunnerConfig("demo.count = /usr/bin/demo --verbose\nbuild:x=/bin/true\n", "/d");
  ASSERT_EQ(config.commands.size(), 2u);
  EXPECT_EQ(config.commands.at("demo.count"), (CommandLine{"/usr/bin/demo", "--verbose"}));
  EXPECT_EQ(config.commands.at("build:x"), (CommandLine{"/bin/true"}));
}

TEST(RunnerConfig, CommentsAndBlankLinesAreSkipped) {
  auto config = parseRunnerConfig(
      "# the runner's types\n\n   \t\n  # indented comment\r\ndemo = /bin/echo hi\r\n\n", "/d");
  ASSERT_EQ(config.commands.size(), 1u);
  EXPECT_EQ(config.commands.at("demo"), (CommandLine{"/bin/echo", "hi"}));
}

TEST(RunnerConfig, HashInsideALineIsAnArgument) {
  // Only whole lines are comments; there is no shell to strip the rest.
  auto config = parseRunnerConfig("demo = /bin/echo # not a comment", "/d");
  EXPECT_EQ(config.commands.at("demo"), (CommandLine{"/bin/echo", "#", "not", "a", "comment"}));
}

TEST(RunnerConfig, QuotesKeepBlanks) {
  auto config = parseRunnerConfig(
      R"(build.docker = /usr/local/bin/build "two words" 'single quoted' a"b c"d '' x=1)", "/d");
  EXPECT_EQ(config.commands.at("build.docker"), (CommandLine{"/usr/local/bin/build", "two words",
                                                             "single quoted", "ab cd", "", "x=1"}));
  EXPECT_EQ(splitArguments(R"('it"s' "it's")"), (CommandLine{R"(it"s)", "it's"}));
  EXPECT_EQ(splitArguments(" \t a \t b  "), (CommandLine{"a", "b"}));
  EXPECT_TRUE(splitArguments("").empty());
}

TEST(RunnerConfig, RelativeCommandPathIsTakenFromTheConfigDirectory) {
  auto config = parseRunnerConfig(
      "a = ./demo-count 5\nb = bin/tool ./arg\nc = /abs/tool\nd = python3 ./script.py", "/etc/rj");
  EXPECT_EQ(config.commands.at("a"), (CommandLine{"/etc/rj/./demo-count", "5"}));
  // Only the command is resolved, never its arguments.
  EXPECT_EQ(config.commands.at("b"), (CommandLine{"/etc/rj/bin/tool", "./arg"}));
  EXPECT_EQ(config.commands.at("c"), (CommandLine{"/abs/tool"}));
  // A bare name is left to the PATH.
  EXPECT_EQ(config.commands.at("d"), (CommandLine{"python3", "./script.py"}));
}

TEST(RunnerConfig, BadLinesNameTheirLine) {
  EXPECT_EQ(errorOf("# c\ndemo /bin/true"), "line 2: expected `type = command ...`");
  EXPECT_EQ(errorOf("has space = /bin/true"), "line 1: not a job type: has space");
  EXPECT_EQ(errorOf(" = /bin/true"), "line 1: not a job type: ");
  EXPECT_EQ(errorOf("a = /bin/true\n\nb =   "), "line 3: no command for b");
  EXPECT_EQ(errorOf("a = /bin/true\na = /bin/false"), "line 2: type listed twice: a");
  EXPECT_EQ(errorOf("a = /bin/echo \"open"), "line 1: unclosed quote in: /bin/echo \"open");
}

TEST(RunnerConfig, NoTypesIsAnError) {
  EXPECT_EQ(errorOf(""), "no job types configured");
  EXPECT_EQ(errorOf("# only a comment\n"), "no job types configured");
}

TEST(RunnerConfig, LoadResolvesAgainstTheFilesDirectory) {
  std::string path = ::testing::TempDir() + "rj-runner-config-test.conf";
  {
    std::ofstream file(path);
    file << "demo = ./demo-count\n";
  }
  std::string directory = path.substr(0, path.rfind('/'));
  EXPECT_EQ(loadRunnerConfig(path).commands.at("demo"), (CommandLine{directory + "/./demo-count"}));
  std::remove(path.c_str());
  try {
    loadRunnerConfig(path);
    ADD_FAILURE() << "read a missing file";
  } catch (const ConfigError& error) {
    EXPECT_EQ(std::string(error.what()), "cannot read " + path);
  }
}

}  // namespace
}  // namespace rj::runner
