#include "http/response.h"

namespace rj {

Response jsonText(std::string json, int status) {
  Response response;
  response.status = status;
  response.body = std::move(json);
  response.headers.emplace_back("Content-Type", "application/json; charset=utf-8");
  return response;
}

Response noContent() {
  Response response;
  response.status = 204;
  return response;
}

}  // namespace rj
