// rjadmin — administration from the command line: migrations, users, workspaces, tokens, runners.
// Values meant for scripts (ids, tokens) go to stdout alone; explanations go to stderr.
#include <chrono>
#include <cstdio>
#include <ctime>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "admin/admin_store.h"
#include "app/routes.h"
#include "db/connection.h"
#include "db/migrations.h"
#include "db/retry.h"
#include "errors/errors.h"
#include "json/json.h"
#include "maintenance/maintenance_pass.h"
#include "operations/retention.h"
#include "recurring/recurring_store.h"
#include "util/uuid.h"

namespace {

const char* const kUsage = R"(usage: rjadmin COMMAND [OPTIONS]

  migrate [--dir DIR]                         apply new migrations (default dir: RJ_SQL_DIR or the
                                              source tree's sql/)
  create-user --email EMAIL [--name NAME]     prints the user id
  create-workspace --name NAME                prints the workspace id
  add-member --workspace ID --user ID|EMAIL --role OWNER|ADMIN|MEMBER|GUEST
  issue-token --user ID|EMAIL [--name NAME] [--expires 30d|12h|2027-01-31[T12:00:00]]
                                              prints the token (only its hash is stored); an
                                              expiry that is not in the future is refused
  revoke-token --token TOKEN | --id TOKEN_ID
  create-runner --name NAME [--workspace ID] [--types a,b]
                                              prints the runner token; refused (exit 1) when a
                                              runner that is not revoked has the name
  routes                                      METHOD, path regex and handler of every endpoint
  issue-metrics-token --workspace ID [--name NAME] [--expires 30d|...]
                                              prints a token that may only read GET /api/metrics
                                              of that workspace (revoke-token revokes it too)
  prune --older-than 30d|12h|90m|3600s [--batch-size 500] [--pause-ms 20] [--dry-run]
                                              deletes COMPLETED, FAILED and CANCELLED jobs that
                                              finished before then, with their steps and events,
                                              in small batches (safe while the service is busy);
                                              --dry-run only counts
  recurring add --workspace ID --name NAME --type TYPE (--cron 'M H DOM MON DOW' | --every SECONDS)
                [--timezone UTC|+HH:MM] [--priority 0..100] [--data JSON]
                                              prints the schedule id (validated as the API does)
  recurring list --workspace ID               id, name, type, timing, timezone, next run (tabs)
  recurring delete --workspace ID --id ID
  maintain [--for SECONDS]                    one maintenance pass (expired leases, due recurring
                                              jobs, timeouts, due scheduled jobs); with --for,
                                              a pass every second for that long (a per-minute
                                              cron line: --for 59)
  list-tokens [--workspace ID]                user and metrics tokens (of the workspace's members
                                              and the workspace): id, kind, user e-mail or
                                              workspace, name, created, expires, revoked (tabs;
                                              the header goes to stderr); never the token
  list-runners [--workspace ID]               runners (bound to the workspace or to none): id,
                                              name, types, workspace, last seen, revoked (tabs;
                                              * is any)
  revoke-runner RUNNER_ID|NAME                revokes the runner (by name: the one not yet
                                              revoked); its token is refused from then on

Database settings come from RJ_DB_HOST, RJ_DB_PORT or RJ_DB_SOCKET, RJ_DB_USER,
RJ_DB_PASSWORD, RJ_DB_NAME, or the file named by RJ_CONFIG.
)";

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class Options {
 public:
  // `positionalCount`: how many leading arguments that are not options the command takes.
  Options(int argc, char** argv, int first, size_t positionalCount = 0) {
    for (int i = first; i < argc; ++i) {
      std::string name = argv[i];
      if (name.rfind("--", 0) != 0 && positional_.size() < positionalCount && values_.empty()) {
        positional_.push_back(name);
        continue;
      }
      if (name == "--dry-run") {  // the one option without a value
        values_["dry-run"] = "1";
        continue;
      }
      if (name.rfind("--", 0) != 0 || i + 1 >= argc) throw UsageError("bad option: " + name);
      values_[name.substr(2)] = argv[++i];
    }
  }
  // The positional argument at `index`; a usage error naming `what` when it is missing.
  const std::string& positional(size_t index, const char* what) const {
    if (index >= positional_.size()) throw UsageError(std::string("missing ") + what);
    return positional_[index];
  }
  std::string required(const std::string& name) const {
    auto found = values_.find(name);
    if (found == values_.end() || found->second.empty()) {
      throw UsageError("missing --" + name);
    }
    return found->second;
  }
  std::optional<std::string> optional(const std::string& name) const {
    auto found = values_.find(name);
    if (found == values_.end()) return std::nullopt;
    return found->second;
  }

 private:
  std::map<std::string, std::string> values_;
  std::vector<std::string> positional_;
};

std::string requireUuid(const std::string& text, const char* what) {
  if (!rj::isUuid(text)) throw UsageError(std::string(what) + " must be a UUID: " + text);
  return rj::normalizeUuid(text);
}

int64_t positiveOption(const Options& options, const std::string& name, int64_t fallback) {
  auto text = options.optional(name);
  if (!text) return fallback;
  if (text->empty() || text->size() > 9 ||
      text->find_first_not_of("0123456789") != std::string::npos || std::stoll(*text) <= 0) {
    throw UsageError("--" + name + " must be a positive whole number");
  }
  return std::stoll(*text);
}

std::optional<std::string> workspaceOption(const Options& options) {
  auto id = options.optional("workspace");
  if (!id) return std::nullopt;
  return requireUuid(*id, "--workspace");
}

// One tab-separated row per token; the header to stderr, so scripts read only rows.
int listTokens(rj::AdminStore& admin, const Options& options) {
  std::cerr << "id\tkind\towner\tname\tcreated\texpires\trevoked\n";
  for (const auto& token : admin.listTokens(workspaceOption(options))) {
    std::cout << token.id << '\t' << token.kind << '\t' << token.owner << '\t'
              << (token.name.empty() ? "-" : token.name) << '\t' << token.createdAt << '\t'
              << token.expiresAt.value_or("never") << '\t' << token.revokedAt.value_or("-") << '\n';
  }
  return 0;
}

int listRunners(rj::AdminStore& admin, const Options& options) {
  std::cerr << "id\tname\ttypes\tworkspace\tlast-seen\trevoked\n";
  for (const auto& runner : admin.listRunners(workspaceOption(options))) {
    std::cout << runner.id << '\t' << runner.name << '\t' << runner.jobTypes.value_or("*") << '\t'
              << runner.workspaceId.value_or("*") << '\t' << runner.lastSeenAt.value_or("never")
              << '\t' << runner.revokedAt.value_or("-") << '\n';
  }
  return 0;
}

int prune(rj::Connection& connection, const Options& options) {
  rj::PruneOptions prune;
  std::string age = options.required("older-than");
  auto seconds = rj::parseRetentionAge(age);
  if (!seconds) {
    throw UsageError("--older-than must be a number and one unit: 30d, 12h, 90m or 3600s (not " +
                     age + ")");
  }
  prune.olderThanSeconds = *seconds;
  prune.batchSize = positiveOption(options, "batch-size", prune.batchSize);
  if (prune.batchSize > 5000) throw UsageError("--batch-size must be at most 5000");
  if (auto pause = options.optional("pause-ms")) {
    prune.pauseMilliseconds = *pause == "0" ? 0 : positiveOption(options, "pause-ms", 0);
  }
  prune.dryRun = options.optional("dry-run").has_value();
  auto report = rj::pruneTerminalJobs(connection, prune);
  char line[200];
  std::snprintf(
      line, sizeof line,
      "%s %lld jobs and %lld events, and %lld workspace changes, in %.2f s (%lld batches)\n",
      prune.dryRun ? "would delete" : "deleted", static_cast<long long>(report.jobs),
      static_cast<long long>(report.events), static_cast<long long>(report.changes), report.seconds,
      static_cast<long long>(report.batches));
  std::cout << line;
  return 0;
}

// The schedule the options describe, as the API would validate its JSON body.
rj::NewRecurringJob recurringFromOptions(const Options& options) {
  rj::JsonWriter body;
  body.startObject();
  body.key("name").string(options.required("name"));
  body.key("type").string(options.required("type"));
  if (auto cron = options.optional("cron")) body.key("cron").string(*cron);
  if (auto every = options.optional("every")) {
    // A number goes as one; anything else as text, for the validator to refuse.
    bool digits = !every->empty() && every->size() < 12 &&
                  every->find_first_not_of("0123456789") == std::string::npos;
    digits ? body.key("everySeconds").integer(std::stoll(*every))
           : body.key("everySeconds").string(*every);
  }
  if (auto timezone = options.optional("timezone")) body.key("timezone").string(*timezone);
  if (auto priority = options.optional("priority")) {
    bool digits = !priority->empty() && priority->size() < 12 &&
                  priority->find_first_not_of("0123456789") == std::string::npos;
    digits ? body.key("priority").integer(std::stoll(*priority))
           : body.key("priority").string(*priority);
  }
  if (auto data = options.optional("data")) body.key("data").raw(*data);
  body.endObject();
  try {
    return rj::parseNewRecurringJob(body.take());
  } catch (const rj::HttpError& error) {
    std::string messages;
    for (const auto& message : error.messages()) messages += "\n  " + message;
    throw UsageError("invalid recurring job:" + messages);
  }
}

int recurring(const std::string& action, const Options& options) {
  std::string workspace = requireUuid(options.required("workspace"), "--workspace");
  rj::RecurringStore schedules;
  if (action == "add") {
    auto request = recurringFromOptions(options);
    try {
      std::cout << schedules.create(workspace, request).id << '\n';
    } catch (const rj::HttpError& error) {
      throw std::runtime_error(error.what());
    }
    return 0;
  }
  if (action == "list") {
    for (const auto& schedule : schedules.list(workspace)) {
      std::string timing = schedule.cron ? "cron " + *schedule.cron
                                         : "every " + std::to_string(*schedule.everySeconds) + "s";
      std::cout << schedule.id << '\t' << schedule.name << '\t' << schedule.type << '\t' << timing
                << '\t' << schedule.timezone << '\t' << schedule.nextRunAt << '\n';
    }
    return 0;
  }
  if (action == "delete") {
    try {
      schedules.remove(workspace, requireUuid(options.required("id"), "--id"));
    } catch (const rj::HttpError& error) {
      std::cerr << "rjadmin: " << error.what() << '\n';
      return 1;
    }
    std::cerr << "recurring job deleted\n";
    return 0;
  }
  throw UsageError("unknown recurring action: " + action);
}

// One maintenance pass, or one a second for --for SECONDS. Runs whether or not a handler process
// holds the maintenance lock: passes racing each other are safe.
int maintain(const Options& options) {
  long long seconds = 0;
  if (auto text = options.optional("for")) {
    if (text->empty() || text->size() > 6 ||
        text->find_first_not_of("0123456789") != std::string::npos) {
      throw UsageError("--for must be a number of seconds");
    }
    seconds = std::stoll(*text);
  }
  auto started = std::chrono::steady_clock::now();
  auto end = started + std::chrono::seconds(seconds);
  int failedTasks = 0;
  for (int pass = 0;; ++pass) {
    auto report = rj::runMaintenancePass();
    failedTasks = report.failedTasks;
    if (report.leasesRescued || report.recurringJobsMade || report.jobsTimedOut) {
      std::cerr << "maintenance: " << report.leasesRescued << " expired leases handled, "
                << report.recurringJobsMade << " recurring jobs made, " << report.jobsTimedOut
                << " timed-out jobs ended\n";
    }
    auto next = started + std::chrono::seconds(pass + 1);
    if (next > end) break;
    std::this_thread::sleep_until(next);
  }
  return failedTasks == 0 ? 0 : 1;
}

int runStoreCommand(const std::string& command, const Options& options, rj::AdminStore& admin) {
  if (command == "create-user") {
    std::string email = options.required("email");
    std::cout << admin.createUser(email, options.optional("name").value_or(email)) << '\n';
    return 0;
  }
  if (command == "create-workspace") {
    std::cout << admin.createWorkspace(options.required("name")) << '\n';
    return 0;
  }
  auto userFrom = [&](const std::string& idOrEmail) {
    auto user = admin.findUser(idOrEmail);
    if (!user) throw UsageError("no such user: " + idOrEmail);
    return *user;
  };
  if (command == "add-member") {
    auto role = rj::parseRole(options.required("role"));
    if (!role) throw UsageError("role must be OWNER, ADMIN, MEMBER or GUEST");
    admin.addMember(requireUuid(options.required("workspace"), "--workspace"),
                    userFrom(options.required("user")), *role);
    std::cerr << "member added\n";
    return 0;
  }
  if (command == "issue-token") {
    std::optional<std::string> expires;
    if (auto text = options.optional("expires")) {
      expires = rj::parseExpiry(*text, static_cast<long long>(std::time(nullptr)));
      if (!expires) {
        throw UsageError("--expires must be a time in the future like 30d, 12h, 45m, 10s or " +
                         std::string("2027-01-31"));
      }
    }
    auto issued = admin.issueToken(userFrom(options.required("user")),
                                   options.optional("name").value_or(""), expires);
    std::cerr << "token id " << issued.id << " (the token is shown only now)\n";
    std::cout << issued.token << '\n';
    return 0;
  }
  if (command == "revoke-token") {
    auto target = options.optional("token");
    if (!target) target = options.required("id");
    if (!admin.revokeToken(*target) && !admin.revokeMetricsToken(*target)) {
      std::cerr << "rjadmin: no live token matched\n";
      return 1;
    }
    std::cerr << "token revoked\n";
    return 0;
  }
  if (command == "create-runner") {
    std::optional<std::string> workspace;
    if (auto id = options.optional("workspace")) workspace = requireUuid(*id, "--workspace");
    std::vector<std::string> types;
    if (auto list = options.optional("types")) {
      size_t start = 0;
      while (start <= list->size()) {
        size_t end = list->find(',', start);
        if (end == std::string::npos) end = list->size();
        if (end > start) types.push_back(list->substr(start, end - start));
        start = end + 1;
      }
    }
    auto issued = admin.createRunner(options.required("name"), workspace, types);
    std::cerr << "runner id " << issued.id << " (the token is shown only now)\n";
    std::cout << issued.token << '\n';
    return 0;
  }
  if (command == "issue-metrics-token") {
    std::optional<std::string> expires;
    if (auto text = options.optional("expires")) {
      expires = rj::parseExpiry(*text, static_cast<long long>(std::time(nullptr)));
      if (!expires) throw UsageError("--expires must be a time in the future like 30d or 12h");
    }
    auto issued = admin.issueMetricsToken(requireUuid(options.required("workspace"), "--workspace"),
                                          options.optional("name").value_or(""), expires);
    std::cerr << "metrics token id " << issued.id << " (the token is shown only now)\n";
    std::cout << issued.token << '\n';
    return 0;
  }
  if (command == "list-tokens") return listTokens(admin, options);
  if (command == "list-runners") return listRunners(admin, options);
  if (command == "revoke-runner") {
    auto revoked = admin.revokeRunner(options.positional(0, "RUNNER_ID or NAME"));
    if (!revoked) {
      std::cerr << "rjadmin: no runner that is not revoked has that id or name\n";
      return 1;
    }
    std::cerr << "runner " << *revoked << " revoked\n";
    return 0;
  }
  throw UsageError("unknown command: " + command);
}

int run(const std::string& command, const Options& options) {
  if (command == "maintain") return maintain(options);
  if (command.rfind("recurring ", 0) == 0) return recurring(command.substr(10), options);
  if (command == "routes") {
    for (const auto& route : rj::apiRoutes()) {
      std::cout << route.method << '\t' << rj::patternRegex(route.pattern) << '\t' << route.name
                << '\n';
    }
    return 0;
  }
  if (command == "migrate") {
    std::string directory = options.optional("dir").value_or(
        std::getenv("RJ_SQL_DIR") ? std::getenv("RJ_SQL_DIR") : RJ_DEFAULT_SQL_DIR);
    auto applied = rj::applyMigrations(rj::threadConnection(), directory);
    for (const auto& name : applied) std::cerr << "applied " << name << '\n';
    std::cerr << (applied.empty() ? "schema is up to date\n" : "migrations done\n");
    return 0;
  }
  if (command == "prune") return prune(rj::threadConnection(), options);
  // Each of the other commands reads, then writes in one short transaction, and prints after it
  // committed: a deadlock or a cluster conflict runs it again whole, as the service's own work
  // is. (Two create-runner at once deadlock on the name check's gap locks.)
  return rj::withRetry([&](rj::Connection& connection) {
    rj::AdminStore admin(connection);
    return runStoreCommand(command, options, admin);
  });
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h") {
    std::cerr << kUsage;
    return argc < 2 ? 2 : 0;
  }
  try {
    // Commands with an action (recurring add) take their options after it.
    std::string command = argv[1];
    int first = 2;
    if (command == "recurring") {
      if (argc < 3) throw UsageError("recurring needs an action: add, list or delete");
      command += std::string(" ") + argv[2];
      first = 3;
    }
    return run(command, Options(argc, argv, first, command == "revoke-runner" ? 1 : 0));
  } catch (const UsageError& error) {
    std::cerr << "rjadmin: " << error.what() << "\n\n" << kUsage;
    return 2;
  } catch (const sql::SQLException& error) {
    std::cerr << "rjadmin: database error " << error.getErrorCode() << ": " << error.what() << '\n';
    return 1;
  } catch (const std::exception& error) {
    std::cerr << "rjadmin: " << error.what() << '\n';
    return 1;
  }
}
