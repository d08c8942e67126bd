#include "errors/errors.h"

#include "util/enum_names.h"

namespace rj {

namespace {
// The one place a code gets its name.
constexpr EnumName<ErrorCode> kCodeNames[] = {
    {ErrorCode::ValidationFailed, "VALIDATION_FAILED"},
    {ErrorCode::InvalidJson, "INVALID_JSON"},
    {ErrorCode::InvalidId, "INVALID_ID"},
    {ErrorCode::InvalidWorkspaceId, "INVALID_WORKSPACE_ID"},
    {ErrorCode::InvalidIdempotencyKey, "INVALID_IDEMPOTENCY_KEY"},
    {ErrorCode::InvalidLastEventId, "INVALID_LAST_EVENT_ID"},
    {ErrorCode::InvalidContentLength, "INVALID_CONTENT_LENGTH"},
    {ErrorCode::Unauthorized, "UNAUTHORIZED"},
    {ErrorCode::NotAMember, "NOT_A_MEMBER"},
    {ErrorCode::RoleForbidden, "ROLE_FORBIDDEN"},
    {ErrorCode::CrossOriginRefused, "CROSS_ORIGIN_REFUSED"},
    {ErrorCode::JobTypeNotAccepted, "JOB_TYPE_NOT_ACCEPTED"},
    {ErrorCode::RouteNotFound, "ROUTE_NOT_FOUND"},
    {ErrorCode::JobNotFound, "JOB_NOT_FOUND"},
    {ErrorCode::MethodNotAllowed, "METHOD_NOT_ALLOWED"},
    {ErrorCode::JobTerminal, "JOB_TERMINAL"},
    {ErrorCode::JobNotRetryable, "JOB_NOT_RETRYABLE"},
    {ErrorCode::JobCancelled, "JOB_CANCELLED"},
    {ErrorCode::LeaseLost, "LEASE_LOST"},
    {ErrorCode::JobTimedOut, "JOB_TIMED_OUT"},
    {ErrorCode::JobNotUnique, "JOB_NOT_UNIQUE"},
    {ErrorCode::PayloadTooLarge, "PAYLOAD_TOO_LARGE"},
    {ErrorCode::UnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE"},
    {ErrorCode::IdempotencyKeyReused, "IDEMPOTENCY_KEY_REUSED"},
    {ErrorCode::InternalError, "INTERNAL_ERROR"},
    {ErrorCode::DatabaseUnavailable, "DATABASE_UNAVAILABLE"},
    {ErrorCode::ServiceUnavailable, "SERVICE_UNAVAILABLE"},
    {ErrorCode::RecurringJobExists, "RECURRING_JOB_EXISTS"},
    {ErrorCode::RecurringJobNotFound, "RECURRING_JOB_NOT_FOUND"},
};
}  // namespace

const char* errorCodeName(ErrorCode code) {
  return nameIn(kCodeNames, code, "INTERNAL_ERROR");
}

const std::vector<ErrorCode>& allErrorCodes() {
  static const std::vector<ErrorCode> codes = [] {
    std::vector<ErrorCode> all;
    for (const auto& entry : kCodeNames) all.push_back(entry.value);
    return all;
  }();
  return codes;
}

HttpError::HttpError(int status, ErrorCode code, std::string message)
    : std::runtime_error(message),
      status_(status),
      code_(code),
      messages_{std::move(message)},
      isList_(false) {}

HttpError::HttpError(int status, ErrorCode code, std::vector<std::string> messages)
    : std::runtime_error(messages.empty() ? "" : messages.front()),
      status_(status),
      code_(code),
      messages_(std::move(messages)),
      isList_(true) {}

HttpError BadRequest(ErrorCode code, std::string message) {
  return HttpError(400, code, std::move(message));
}
HttpError ValidationFailed(std::vector<std::string> messages) {
  // A body of 90,000 unknown keys must not come back as a 3 MB answer.
  if (messages.size() > kMaxValidationMessages) {
    size_t more = messages.size() - kMaxValidationMessages;
    messages.resize(kMaxValidationMessages);
    messages.push_back("... and " + std::to_string(more) + " more");
  }
  for (auto& message : messages) {
    if (message.size() > kMaxValidationMessageLength) {
      message.resize(kMaxValidationMessageLength);
      message += "...";
    }
  }
  return HttpError(400, ErrorCode::ValidationFailed, std::move(messages));
}
HttpError Unauthorized(std::string message) {
  return HttpError(401, ErrorCode::Unauthorized, std::move(message));
}
HttpError Forbidden(ErrorCode code, std::string message) {
  return HttpError(403, code, std::move(message));
}
HttpError NotFound(ErrorCode code, std::string message) {
  return HttpError(404, code, std::move(message));
}
HttpError MethodNotAllowed(const std::string& allow) {
  HttpError error(405, ErrorCode::MethodNotAllowed, "Method Not Allowed");
  error.headers.emplace_back("Allow", allow);
  return error;
}
HttpError Conflict(ErrorCode code, std::string message) {
  return HttpError(409, code, std::move(message));
}
HttpError PayloadTooLarge(std::string message) {
  return HttpError(413, ErrorCode::PayloadTooLarge, std::move(message));
}
HttpError UnsupportedMediaType(std::string message) {
  return HttpError(415, ErrorCode::UnsupportedMediaType, std::move(message));
}
HttpError UnprocessableEntity(ErrorCode code, std::string message) {
  return HttpError(422, code, std::move(message));
}
HttpError InternalError(std::string message) {
  return HttpError(500, ErrorCode::InternalError, std::move(message));
}
HttpError ServiceUnavailable(std::string message, int retryAfterSeconds) {
  HttpError error(503, ErrorCode::DatabaseUnavailable, std::move(message));
  error.headers.emplace_back("Retry-After", std::to_string(retryAfterSeconds));
  return error;
}
HttpError HandlerUnavailable(std::string message, int retryAfterSeconds) {
  HttpError error(503, ErrorCode::ServiceUnavailable, std::move(message));
  error.headers.emplace_back("Retry-After", std::to_string(retryAfterSeconds));
  return error;
}

const char* reasonPhrase(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 204:
      return "No Content";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 409:
      return "Conflict";
    case 413:
      return "Payload Too Large";
    case 415:
      return "Unsupported Media Type";
    case 422:
      return "Unprocessable Entity";
    case 500:
      return "Internal Server Error";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    default:
      return "Error";
  }
}

}  // namespace rj
