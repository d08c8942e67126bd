#pragma once
// Typed HTTP errors: thrown where the decision is made, written as the NestJS error shape in one
// place (the serve loop).
#include <stdexcept>
#include <string>
#include <vector>

namespace rj {

class HttpError : public std::runtime_error {
 public:
  HttpError(int status, std::string message);
  // A validation failure carries a list of messages (NestJS puts an array in "message").
  HttpError(int status, std::vector<std::string> messages);

  int status() const { return status_; }
  const std::vector<std::string>& messages() const { return messages_; }
  bool isList() const { return isList_; }
  // Extra response headers such as Allow or Retry-After.
  std::vector<std::pair<std::string, std::string>> headers;

 private:
  int status_;
  std::vector<std::string> messages_;
  bool isList_;
};

HttpError BadRequest(std::string message);
HttpError ValidationFailed(std::vector<std::string> messages);
HttpError Unauthorized(std::string message = "Unauthorized");
HttpError Forbidden(std::string message = "Forbidden resource");
HttpError NotFound(std::string message);
HttpError MethodNotAllowed(const std::string& allow);
HttpError Conflict(std::string message);
HttpError PayloadTooLarge(std::string message = "Request body exceeds 1 MiB");
HttpError UnprocessableEntity(std::string message);
HttpError ServiceUnavailable(std::string message, int retryAfterSeconds = 1);

// The HTTP reason phrase for a status code ("Not Found").
const char* reasonPhrase(int status);

// {"statusCode":..,"message":..,"error":..}
std::string errorBody(const HttpError& error);

}  // namespace rj
