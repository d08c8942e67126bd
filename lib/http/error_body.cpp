#include "http/error_body.h"

#include "json/json.h"

namespace rj {

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
  out.key("code").string(errorCodeName(error.code()));
  for (const auto& [name, value] : error.fields) out.key(name).string(value);
  out.endObject();
  return out.take();
}

Response errorResponse(const HttpError& error) {
  Response response = jsonText(errorBody(error), error.status());
  for (const auto& header : error.headers) response.headers.push_back(header);
  response.cause = error.cause;
  if (response.cause.empty() && error.status() >= 500) response.cause = error.what();
  return response;
}

}  // namespace rj
