#pragma once
// Typed errors: thrown where the decision is made with a status, a machine-readable code and a
// message, and written as the NestJS error shape plus `code` in one place (the serve loop).
// This layer depends on nothing: the JSON rendering lives in http/error_body.
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace rj {

// What went wrong, for programs: clients decide on this, never on the wording of the message.
// docs/API.md lists every code with its status.
enum class ErrorCode {
  ValidationFailed,       // 400: a body or query field is missing, of a wrong type or unknown
  InvalidJson,            // 400: the body is not JSON, or nests too deep
  InvalidId,              // 400: a path id is not a UUID
  InvalidWorkspaceId,     // 400: no workspace id, or not a UUID
  InvalidIdempotencyKey,  // 400
  InvalidLastEventId,     // 400
  InvalidContentLength,   // 400
  Unauthorized,           // 401: no token, or not a live one
  NotAMember,             // 403: the caller is not in the workspace
  RoleForbidden,          // 403: the caller's role may not do this
  CrossOriginRefused,     // 403: a cookie-authenticated change without a matching Origin
  JobTypeNotAccepted,     // 403: the runner does not accept the type it asked for
  RouteNotFound,          // 404: no endpoint at this path
  JobNotFound,            // 404: no such job in the workspace (or visible to the runner)
  MethodNotAllowed,       // 405
  JobTerminal,            // 409: the job already COMPLETED, FAILED or was CANCELLED
  JobNotRetryable,        // 409: only FAILED or CANCELLED jobs can be retried
  JobCancelled,           // 409: a runner call on a job cancelled under its lease
  LeaseLost,              // 409: the runner does not hold a live lease on a RUNNING job
  JobTimedOut,            // 409: a runner call on a job whose run it held timed out
  JobNotUnique,           // 409: a live job of the workspace already has the uniqueKey
  PayloadTooLarge,        // 413
  UnsupportedMediaType,   // 415
  IdempotencyKeyReused,   // 422: the key came with a different request
  InternalError,          // 500
  DatabaseUnavailable,    // 503: retry after Retry-After seconds
  ServiceUnavailable,     // 503: made by the web server when a handler cannot be reached
  RecurringJobExists,     // 409: a schedule of that name is already in the workspace
  RecurringJobNotFound,   // 404: no such schedule in the workspace
};

// "JOB_NOT_FOUND" and back; nullopt-free: every code has a name.
const char* errorCodeName(ErrorCode code);
// Every code, in declaration order (for documentation checks and tests).
const std::vector<ErrorCode>& allErrorCodes();

class HttpError : public std::runtime_error {
 public:
  HttpError(int status, ErrorCode code, std::string message);
  // A validation failure carries a list of messages (NestJS puts an array in "message").
  HttpError(int status, ErrorCode code, std::vector<std::string> messages);

  int status() const { return status_; }
  ErrorCode code() const { return code_; }
  const std::vector<std::string>& messages() const { return messages_; }
  bool isList() const { return isList_; }
  // Extra response headers such as Allow or Retry-After.
  std::vector<std::pair<std::string, std::string>> headers;
  // Extra string fields of the body after `code` (the existing job's "jobId", say).
  std::vector<std::pair<std::string, std::string>> fields;
  // What went wrong inside (a connector's message, say), for the log only: never sent.
  std::string cause;

 private:
  int status_;
  ErrorCode code_;
  std::vector<std::string> messages_;
  bool isList_;
};

// A validation error lists at most this many messages (then "... and N more"), each cut to
// this many bytes.
constexpr size_t kMaxValidationMessages = 20;
constexpr size_t kMaxValidationMessageLength = 300;

HttpError BadRequest(ErrorCode code, std::string message);
HttpError ValidationFailed(std::vector<std::string> messages);
HttpError Unauthorized(std::string message = "Unauthorized");
HttpError Forbidden(ErrorCode code, std::string message);
HttpError NotFound(ErrorCode code, std::string message);
HttpError MethodNotAllowed(const std::string& allow);
HttpError Conflict(ErrorCode code, std::string message);
HttpError PayloadTooLarge(std::string message = "Request body exceeds 1 MiB");
HttpError UnsupportedMediaType(std::string message);
HttpError UnprocessableEntity(ErrorCode code, std::string message);
HttpError InternalError(std::string message = "Internal server error");
HttpError ServiceUnavailable(std::string message, int retryAfterSeconds = 1);
// 503 SERVICE_UNAVAILABLE with Retry-After: the handler itself cannot serve (no configuration).
HttpError HandlerUnavailable(std::string message, int retryAfterSeconds);

// The HTTP reason phrase for a status code ("Not Found").
const char* reasonPhrase(int status);

}  // namespace rj
