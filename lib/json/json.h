#pragma once
// RapidJSON helpers: a small fluent writer and strict parsing.
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace rj {

class JsonWriter {
 public:
  JsonWriter() : writer_(buffer_) {}
  JsonWriter& startObject() {
    writer_.StartObject();
    return *this;
  }
  JsonWriter& endObject() {
    writer_.EndObject();
    return *this;
  }
  JsonWriter& startArray() {
    writer_.StartArray();
    return *this;
  }
  JsonWriter& endArray() {
    writer_.EndArray();
    return *this;
  }
  JsonWriter& key(std::string_view name) {
    writer_.Key(name.data(), static_cast<rapidjson::SizeType>(name.size()));
    return *this;
  }
  JsonWriter& string(std::string_view value) {
    writer_.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
    return *this;
  }
  JsonWriter& integer(int64_t value) {
    writer_.Int64(value);
    return *this;
  }
  JsonWriter& boolean(bool value) {
    writer_.Bool(value);
    return *this;
  }
  JsonWriter& null() {
    writer_.Null();
    return *this;
  }
  // A string, or null when absent.
  JsonWriter& optionalString(const std::optional<std::string>& value) {
    return value ? string(*value) : null();
  }
  // Inserts already serialised JSON (a stored document) as it is; null when absent.
  JsonWriter& raw(const std::optional<std::string>& json);
  JsonWriter& value(const rapidjson::Value& value) {
    value.Accept(writer_);
    return *this;
  }
  std::string take() { return std::string(buffer_.GetString(), buffer_.GetSize()); }

 private:
  rapidjson::StringBuffer buffer_;
  rapidjson::Writer<rapidjson::StringBuffer> writer_;
};

// Parses a request body; an empty body is an empty object. Throws BadRequest on malformed JSON.
rapidjson::Document parseJsonBody(std::string_view body);

// Compact one-line serialisation of a value.
std::string toJson(const rapidjson::Value& value);

}  // namespace rj
