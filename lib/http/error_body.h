#pragma once
// The answer of an HttpError.
#include <string>

#include "errors/errors.h"
#include "http/response.h"

namespace rj {

// {"statusCode":..,"message":..,"error":..,"code":..}: the NestJS shape plus the machine code.
std::string errorBody(const HttpError& error);
// Its status, body and headers; its cause (or, for a 5xx without one, its message) for the log.
Response errorResponse(const HttpError& error);

}  // namespace rj
