// The health endpoint's bound on database checks: a fake clock and a counting check.
#include "operations/health_probe.h"

#include <gtest/gtest.h>

namespace rj {
namespace {

using namespace std::chrono_literals;

struct ProbeFixture {
  std::chrono::steady_clock::time_point now{};
  int checks = 0;
  std::optional<std::string> answer;
  HealthProbe probe{[this] {
                      ++checks;
                      return answer;
                    },
                    1000ms, [this] { return now; }};
};

TEST(HealthProbe, AsksTheDatabaseAtMostOncePerMaxAge) {
  ProbeFixture f;
  for (int i = 0; i < 100; ++i) EXPECT_FALSE(f.probe.problem());
  EXPECT_EQ(f.checks, 1);
  f.now += 999ms;
  EXPECT_FALSE(f.probe.problem());
  EXPECT_EQ(f.checks, 1);
  f.now += 1ms;
  EXPECT_FALSE(f.probe.problem());
  EXPECT_EQ(f.checks, 2);
}

TEST(HealthProbe, AnOutageShowsWithinMaxAgeAndSoDoesTheRecovery) {
  ProbeFixture f;
  EXPECT_FALSE(f.probe.problem());
  f.answer = "Can't connect to server";
  f.now += 500ms;
  EXPECT_FALSE(f.probe.problem());  // the check of 500 ms ago still answers
  f.now += 500ms;
  EXPECT_EQ(f.probe.problem(), "Can't connect to server");
  // The failure is kept as long: while the database is down, requests do not each wait on a
  // connection attempt.
  f.now += 999ms;
  EXPECT_EQ(f.probe.problem(), "Can't connect to server");
  EXPECT_EQ(f.checks, 2);
  f.answer.reset();
  f.now += 1ms;
  EXPECT_FALSE(f.probe.problem());
  EXPECT_EQ(f.checks, 3);
}

TEST(HealthProbe, AnOlderCheckFinishingLastDoesNotReplaceANewerOne) {
  std::chrono::steady_clock::time_point now{};
  std::optional<std::string> answer;
  HealthProbe* self = nullptr;
  bool nested = false;
  // The first check is slow: while it runs, time passes and a second, newer check finds the
  // database down. The first one's "healthy", finishing last, must not overwrite that.
  HealthProbe probe(
      [&]() -> std::optional<std::string> {
        if (nested) return answer;
        nested = true;
        now += 2000ms;
        answer = "down";
        EXPECT_EQ(self->problem(), "down");
        return std::nullopt;
      },
      1000ms, [&] { return now; });
  self = &probe;
  EXPECT_FALSE(probe.problem());  // the slow check answers its own caller with what it saw
  EXPECT_EQ(probe.problem(), "down");
}

}  // namespace
}  // namespace rj
