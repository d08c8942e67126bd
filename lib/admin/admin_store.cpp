#include "admin/admin_store.h"

#include <ctime>
#include <regex>
#include <stdexcept>

#include "util/crypto.h"
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
  Query(
      connection_,
      "INSERT INTO runners (id, name, token_hash, workspace_id, job_types) VALUES (?, ?, ?, ?, ?)")
      .bind(issued.id)
      .bind(name)
      .bind(sha256Hex(issued.token))
      .bind(workspaceId)
      .bind(types)
      .execute();
  return issued;
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
