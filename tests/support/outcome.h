#pragma once
// What a service call answered, for tests: the HTTP status and error code of the HttpError it
// threw (200 and "none" when it returned).
#include <functional>
#include <string>

#include "errors/errors.h"

namespace rj::test {

inline int statusOf(const std::function<void()>& action) {
  try {
    action();
    return 200;
  } catch (const HttpError& error) {
    return error.status();
  }
}

inline std::string codeOf(const std::function<void()>& action) {
  try {
    action();
    return "none";
  } catch (const HttpError& error) {
    return errorCodeName(error.code());
  }
}

}  // namespace rj::test
