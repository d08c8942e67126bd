#pragma once
// The media type of a Content-Type header, as RFC 9110 reads it.
#include <string>
#include <string_view>

namespace rj {

// "Application/JSON; charset=UTF-8" -> "application/json": the type/subtype before any
// parameters, without surrounding blanks, in lower case.
std::string mediaType(std::string_view contentType);

}  // namespace rj
