#pragma once
// What the database benchmarks share: the workspace of the stack bench/run started, and worker
// threads that each hold their own database connection.
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "admin/admin_store.h"
#include "db/config.h"
#include "db/connection.h"

namespace rj::bench {

// The demo workspace of the stack (RJ_BENCH_VAR/dev.env); empty outside bench/run.
inline std::string stackWorkspace() {
  const char* var = std::getenv("RJ_BENCH_VAR");
  if (!var) return "";
  std::ifstream file(std::string(var) + "/dev.env");
  std::stringstream text;
  text << file.rdbuf();
  return parseConfigFile(text.str())["RJ_WORKSPACE"];
}

// The stack's workspace, or a new one when run outside bench/run.
inline std::string benchWorkspace() {
  std::string workspace = stackWorkspace();
  return workspace.empty() ? AdminStore(threadConnection()).createWorkspace("bench") : workspace;
}

// Runs work(0..count-1) on `count` threads, each with its own connection, and waits for them.
template <typename Work>
void onThreads(int count, Work work) {
  std::vector<std::thread> threads;
  for (int i = 0; i < count; ++i) {
    threads.emplace_back([&, i] {
      DatabaseThread database;
      work(i);
    });
  }
  for (auto& thread : threads) thread.join();
}

}  // namespace rj::bench
