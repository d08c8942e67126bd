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
  // An integer, or null when absent.
  JsonWriter& optionalInteger(const std::optional<int64_t>& value) {
    return value ? integer(*value) : null();
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

// The deepest nesting of arrays and objects accepted from outside: the top-level value is level 1.
// Parsing is iterative, and everything that walks a parsed document later (Accept, toJson, the
// destructor) recurses once per level, so this bounds the stack use of all of them.
constexpr unsigned kMaxJsonDepth = 64;

// Why a bounded parse failed; empty when it did not.
struct JsonParseFailure {
  bool tooDeep = false;                                         // nesting beyond the limit
  unsigned maxDepth = kMaxJsonDepth;                            // the limit that applied
  rapidjson::ParseErrorCode code = rapidjson::kParseErrorNone;  // else RapidJSON's reason
  size_t offset = 0;                                            // where in the text
  std::string message() const;
};

// Parses `text` without recursion (kParseIterativeFlag), validating UTF-8 and keeping numbers at
// full precision, and refuses nesting deeper than maxDepth. On failure `document` is null.
std::optional<JsonParseFailure> parseJson(rapidjson::Document& document, std::string_view text,
                                          unsigned maxDepth = kMaxJsonDepth);

// Parses a request body; an empty body is an empty object. Throws BadRequest on malformed JSON
// and on nesting deeper than kMaxJsonDepth.
rapidjson::Document parseJsonBody(std::string_view body);

// Compact one-line serialisation of a value.
std::string toJson(const rapidjson::Value& value);

}  // namespace rj
