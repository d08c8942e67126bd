#include "http/errors.h"

#include "json/json.h"

namespace rj {

HttpError::HttpError(int status, std::string message)
    : std::runtime_error(message), status_(status), messages_{std::move(message)}, isList_(false) {}

HttpError::HttpError(int status, std::vector<std::string> messages)
    : std::runtime_error(messages.empty() ? "" : messages.front()),
      status_(status),
      messages_(std::move(messages)),
      isList_(true) {}

HttpError BadRequest(std::string message) {
  return HttpError(400, std::move(message));
}
HttpError ValidationFailed(std::vector<std::string> messages) {
  return HttpError(400, std::move(messages));
}
HttpError Unauthorized(std::string message) {
  return HttpError(401, std::move(message));
}
HttpError Forbidden(std::string message) {
  return HttpError(403, std::move(message));
}
HttpError NotFound(std::string message) {
  return HttpError(404, std::move(message));
}
HttpError MethodNotAllowed(const std::string& allow) {
  HttpError error(405, "Method Not Allowed");
  error.headers.emplace_back("Allow", allow);
  return error;
}
HttpError Conflict(std::string message) {
  return HttpError(409, std::move(message));
}
HttpError PayloadTooLarge(std::string message) {
  return HttpError(413, std::move(message));
}
HttpError UnprocessableEntity(std::string message) {
  return HttpError(422, std::move(message));
}
HttpError ServiceUnavailable(std::string message, int retryAfterSeconds) {
  HttpError error(503, std::move(message));
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
    case 503:
      return "Service Unavailable";
    default:
      return "Error";
  }
}

std::string errorBody(const HttpError& error) {
  JsonWriter out;
  out.startObject();
  out.key("statusCode").integer(error.status());
  out.key("message");
  if (error.isList()) {
    out.startArray();
    for (const auto& message : error.messages()) out.string(message);
    out.endArray();
  } else {
    out.string(error.messages().front());
  }
  out.key("error").string(reasonPhrase(error.status()));
  out.endObject();
  return out.take();
}

}  // namespace rj
