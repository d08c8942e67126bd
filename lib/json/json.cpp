#include "json/json.h"

#include <rapidjson/error/en.h>

#include "errors/errors.h"

namespace rj {

JsonWriter& JsonWriter::raw(const std::optional<std::string>& json) {
  if (!json) return null();
  writer_.RawValue(json->data(), json->size(), rapidjson::kObjectType);
  return *this;
}

rapidjson::Document parseJsonBody(std::string_view body) {
  rapidjson::Document document;
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    document.SetObject();
    return document;
  }
  // kParseFullPrecisionFlag keeps numbers as sent; kParseValidateEncodingFlag rejects bad UTF-8.
  document.Parse<rapidjson::kParseValidateEncodingFlag | rapidjson::kParseFullPrecisionFlag>(
      body.data(), body.size());
  if (document.HasParseError()) {
    throw BadRequest(ErrorCode::InvalidJson, std::string("Malformed JSON body: ") +
                     rapidjson::GetParseError_En(document.GetParseError()) + " at offset " +
                     std::to_string(document.GetErrorOffset()));
  }
  return document;
}

std::string toJson(const rapidjson::Value& value) {
  JsonWriter writer;
  writer.value(value);
  return writer.take();
}

}  // namespace rj
