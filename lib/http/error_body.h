#pragma once
// The answer body of an HttpError.
#include <string>

#include "errors/errors.h"

namespace rj {

// {"statusCode":..,"message":..,"error":..,"code":..}: the NestJS shape plus the machine code.
std::string errorBody(const HttpError& error);

}  // namespace rj
