#include "admin/admin_store.h"

#include <ctime>
#include <regex>
#include <stdexcept>

#include "db/transaction.h"
#include "util/crypto.h"
#include "util/time.h"
#include "util/uuid.h"

namespace rj {

std::string AdminStore::createUser(const std::string& email, const std::string& name) {
  std::string id = newUuid();
  Query(connection_, "INSERT INTO users (id, email, name) VALUES (?, ?, ?)")
      .bind(id)
      .bind(email)
      .bind(name)
      .execute();
  return id;
}

std::string AdminStore::createWorkspace(const std::string& name) {
  std::string id = newUuid();
  Query(connection_, "INSERT INTO workspaces (id, name) VALUES (?, ?)")
      .bind(id)
      .bind(name)
      .execute();
  return id;
}

void AdminStore::addMember(const std::string& workspaceId, const std::string& userId, Role role) {
  Query(connection_,
        "INSERT INTO workspace_members (workspace_id, user_id, role) VALUES (?, ?, ?)"
        " ON DUPLICATE KEY UPDATE role = VALUES(role)")
      .bind(workspaceId)
      .bind(userId)
      .bind(roleName(role))
      .execute();
}

IssuedSecret AdminStore::issueToken(const std::string& userId, const std::string& name,
                                    const std::optional<std::string>& expiresAt) {
  IssuedSecret issued{newUuid(), newSecretToken("rjt_")};
  Query(connection_,
        "INSERT INTO api_tokens (id, user_id, token_hash, name, expires_at) VALUES (?, ?, ?, ?, ?)")
      .bind(issued.id)
      .bind(userId)
      .bind(sha256Hex(issued.token))
      .bind(name)
      .bind(expiresAt)
      .execute();
  return issued;
}

bool AdminStore::revokeToken(const std::string& idOrToken) {
  return Query(connection_,
               "UPDATE api_tokens SET revoked_at = UTC_TIMESTAMP(3)"
               " WHERE (id = ? OR token_hash = ?) AND revoked_at IS NULL")
             .bind(normalizeUuid(idOrToken))
             .bind(sha256Hex(idOrToken))
             .execute() > 0;
}

IssuedSecret AdminStore::createRunner(const std::string& name,
                                      const std::optional<std::string>& workspaceId,
                                      const std::vector<std::string>& jobTypes) {
  IssuedSecret issued{newUuid(), newSecretToken("rjr_")};
  std::optional<std::string> types;
  for (const auto& type : jobTypes) types = types ? *types + "," + type : type;
  // The locking read makes a concurrent create of the same name wait for this one's commit (or
  // deadlock and fail), so it cannot slip in between the check and the insert.
  Transaction transaction(connection_);
  auto live = Query(connection_,
                    "SELECT id FROM runners WHERE name = ? AND revoked_at IS NULL"
                    " FOR UPDATE")
                  .bind(name)
                  .rows();
  if (live->next()) {
    throw DuplicateRunnerName("a live runner is already named \"" + name + "\" (id " +
                              std::string(live->getString("id")) +
                              "); choose another name or revoke that runner first");
  }
  Query(
      connection_,
      "INSERT INTO runners (id, name, token_hash, workspace_id, job_types) VALUES (?, ?, ?, ?, ?)")
      .bind(issued.id)
      .bind(name)
      .bind(sha256Hex(issued.token))
      .bind(workspaceId)
      .bind(types)
      .execute();
  transaction.commit();
  return issued;
}

std::optional<std::string> AdminStore::revokeRunner(const std::string& idOrName) {
  auto rows = Query(connection_,
                    "SELECT id FROM runners WHERE (id = ? OR name = ?) AND revoked_at IS NULL"
                    " ORDER BY created_at, id")
                  .bind(normalizeUuid(idOrName))
                  .bind(idOrName)
                  .rows();
  std::vector<std::string> ids;
  while (rows->next()) ids.push_back(rows->getString("id"));
  if (ids.empty()) return std::nullopt;
  if (ids.size() > 1) {
    std::string list;
    for (const auto& id : ids) list += " " + id;
    throw std::runtime_error("several live runners are named \"" + idOrName +
                             "\"; revoke one by its id:" + list);
  }
  Query(connection_,
        "UPDATE runners SET revoked_at = UTC_TIMESTAMP(3) WHERE id = ? AND revoked_at IS NULL")
      .bind(ids.front())
      .execute();
  return ids.front();
}

std::vector<ListedToken> AdminStore::listTokens(const std::optional<std::string>& workspaceId) {
  // A user token is not bound to a workspace: with one, the tokens of its members are listed.
  auto rows = Query(connection_,
                    "SELECT t.id, 'user' AS kind, u.email AS owner, t.name, t.created_at,"
                    " t.expires_at, t.revoked_at FROM api_tokens t JOIN users u ON u.id = t.user_id"
                    " WHERE ? IS NULL OR t.user_id IN"
                    " (SELECT user_id FROM workspace_members WHERE workspace_id = ?)"
                    " UNION ALL SELECT id, 'metrics', workspace_id, name, created_at, expires_at,"
                    " revoked_at FROM metrics_tokens WHERE ? IS NULL OR workspace_id = ?"
                    " ORDER BY created_at, id")
                  .bind(workspaceId)
                  .bind(workspaceId)
                  .bind(workspaceId)
                  .bind(workspaceId)
                  .rows();
  std::vector<ListedToken> tokens;
  while (rows->next()) {
    tokens.push_back({rows->getString("id"), rows->getString("kind"), rows->getString("owner"),
                      rows->getString("name"),
                      toIsoTimestamp(std::string(rows->getString("created_at"))),
                      toIsoTimestamp(optionalString(*rows, "expires_at")),
                      toIsoTimestamp(optionalString(*rows, "revoked_at"))});
  }
  return tokens;
}

std::vector<RegisteredRunner> AdminStore::listRunners(
    const std::optional<std::string>& workspaceId) {
  // Unbound runners take every workspace's jobs, so they belong to each workspace's list.
  auto rows = Query(connection_,
                    "SELECT id, name, job_types, workspace_id, created_at, last_seen_at, revoked_at"
                    " FROM runners WHERE ? IS NULL OR workspace_id = ? OR workspace_id IS NULL"
                    " ORDER BY name, created_at, id")
                  .bind(workspaceId)
                  .bind(workspaceId)
                  .rows();
  std::vector<RegisteredRunner> runners;
  while (rows->next()) {
    runners.push_back({rows->getString("id"), rows->getString("name"),
                       optionalString(*rows, "job_types"), optionalString(*rows, "workspace_id"),
                       toIsoTimestamp(std::string(rows->getString("created_at"))),
                       toIsoTimestamp(optionalString(*rows, "last_seen_at")),
                       toIsoTimestamp(optionalString(*rows, "revoked_at"))});
  }
  return runners;
}

std::optional<std::string> AdminStore::findUser(const std::string& idOrEmail) {
  auto rows = Query(connection_, "SELECT id FROM users WHERE id = ? OR email = ?")
                  .bind(normalizeUuid(idOrEmail))
                  .bind(idOrEmail)
                  .rows();
  if (!rows->next()) return std::nullopt;
  return std::string(rows->getString("id"));
}

IssuedSecret AdminStore::issueMetricsToken(const std::string& workspaceId, const std::string& name,
                                           const std::optional<std::string>& expiresAt) {
  IssuedSecret issued{newUuid(), newSecretToken("rjm_")};
  Query(connection_,
        "INSERT INTO metrics_tokens (id, workspace_id, token_hash, name, expires_at)"
        " VALUES (?, ?, ?, ?, ?)")
      .bind(issued.id)
      .bind(workspaceId)
      .bind(sha256Hex(issued.token))
      .bind(name)
      .bind(expiresAt)
      .execute();
  return issued;
}

bool AdminStore::revokeMetricsToken(const std::string& idOrToken) {
  return Query(connection_,
               "UPDATE metrics_tokens SET revoked_at = UTC_TIMESTAMP(3)"
               " WHERE (id = ? OR token_hash = ?) AND revoked_at IS NULL")
             .bind(normalizeUuid(idOrToken))
             .bind(sha256Hex(idOrToken))
             .execute() > 0;
}

namespace {
std::string utcTimestamp(long long epochSeconds) {
  std::time_t when = static_cast<std::time_t>(epochSeconds);
  std::tm utc{};
  gmtime_r(&when, &utc);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%d %H:%M:%S", &utc);
  return buffer;
}
}  // namespace

std::optional<std::string> parseExpiry(const std::string& text, long long nowEpochSeconds) {
  static const std::regex relative(R"(^(\d{1,6})([smhd])$)");
  static const std::regex absolute(R"(^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}:\d{2}))?Z?$)");
  std::smatch match;
  std::string expiresAt;
  if (std::regex_match(text, match, relative)) {
    long long amount = std::stoll(match[1]);
    long long unit = match[2] == "s" ? 1 : match[2] == "m" ? 60 : match[2] == "h" ? 3600 : 86400;
    expiresAt = utcTimestamp(nowEpochSeconds + amount * unit);
  } else if (std::regex_match(text, match, absolute)) {
    expiresAt = match[1].str() + " " + (match[2].matched ? match[2].str() : "00:00:00");
  } else {
    return std::nullopt;
  }
  // Both are "YYYY-MM-DD HH:MM:SS": the text order is the time order.
  if (expiresAt <= utcTimestamp(nowEpochSeconds)) return std::nullopt;
  return expiresAt;
}

}  // namespace rj
