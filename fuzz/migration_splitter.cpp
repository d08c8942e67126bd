// A migration file as rjadmin migrate splits it into statements.
#include <cstddef>
#include <cstdint>
#include <string>

#include "db/migrations.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string script(reinterpret_cast<const char*>(data), size);
  size_t total = 0;
  for (const auto& statement : rj::splitSqlStatements(script)) {
    if (statement.empty()) __builtin_trap();
    total += statement.size();
  }
  // Statements are pieces of the script: together never longer than it.
  if (total > script.size()) __builtin_trap();
  return 0;
}
