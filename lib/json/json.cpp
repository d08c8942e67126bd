#include "json/json.h"

#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include "http/errors.h"

namespace rj {

namespace {

// Passes SAX events on to the document being built, refusing to open a container past maxDepth:
// the reader then stops with kParseErrorTermination before the document grows any deeper.
class DepthLimitedHandler {
 public:
  using Ch = char;
  DepthLimitedHandler(rapidjson::Document& document, unsigned maxDepth)
      : document_(document), maxDepth_(maxDepth) {}

  bool Null() { return document_.Null(); }
  bool Bool(bool value) { return document_.Bool(value); }
  bool Int(int value) { return document_.Int(value); }
  bool Uint(unsigned value) { return document_.Uint(value); }
  bool Int64(int64_t value) { return document_.Int64(value); }
  bool Uint64(uint64_t value) { return document_.Uint64(value); }
  bool Double(double value) { return document_.Double(value); }
  bool RawNumber(const Ch* text, rapidjson::SizeType length, bool copy) {
    return document_.RawNumber(text, length, copy);
  }
  bool String(const Ch* text, rapidjson::SizeType length, bool copy) {
    return document_.String(text, length, copy);
  }
  bool Key(const Ch* text, rapidjson::SizeType length, bool copy) {
    return document_.Key(text, length, copy);
  }
  bool StartObject() { return open() && document_.StartObject(); }
  bool EndObject(rapidjson::SizeType members) {
    --depth_;
    return document_.EndObject(members);
  }
  bool StartArray() { return open() && document_.StartArray(); }
  bool EndArray(rapidjson::SizeType elements) {
    --depth_;
    return document_.EndArray(elements);
  }

  bool tooDeep() const { return tooDeep_; }

 private:
  bool open() {
    if (depth_ == maxDepth_) {
      tooDeep_ = true;
      return false;
    }
    ++depth_;
    return true;
  }

  rapidjson::Document& document_;
  unsigned maxDepth_;
  unsigned depth_ = 0;
  bool tooDeep_ = false;
};

}  // namespace

std::string JsonParseFailure::message() const {
  if (tooDeep) return "JSON nesting exceeds " + std::to_string(maxDepth) + " levels";
  return std::string(rapidjson::GetParseError_En(code)) + " at offset " + std::to_string(offset);
}

std::optional<JsonParseFailure> parseJson(rapidjson::Document& document, std::string_view text,
                                          unsigned maxDepth) {
  // kParseFullPrecisionFlag keeps numbers as sent; kParseValidateEncodingFlag rejects bad UTF-8;
  // kParseIterativeFlag keeps the parser's own stack flat however deep the text nests.
  constexpr unsigned kFlags = rapidjson::kParseIterativeFlag |
                              rapidjson::kParseValidateEncodingFlag |
                              rapidjson::kParseFullPrecisionFlag;
  rapidjson::ParseResult result;
  bool tooDeep = false;
  auto generate = [&](rapidjson::Document& target) {
    rapidjson::MemoryStream stream(text.data(), text.size());
    rapidjson::Reader reader;
    DepthLimitedHandler handler(target, maxDepth);
    result = reader.Parse<kFlags>(stream, handler);
    tooDeep = handler.tooDeep();
    return !result.IsError();
  };
  document.SetNull();
  document.Populate(generate);
  if (!result.IsError()) return std::nullopt;
  document.SetNull();
  JsonParseFailure failure;
  failure.tooDeep = tooDeep;
  failure.maxDepth = maxDepth;
  failure.code = result.Code();
  failure.offset = result.Offset();
  return failure;
}

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
  if (auto failure = parseJson(document, body)) {
    if (failure->tooDeep) throw BadRequest(failure->message());
    throw BadRequest("Malformed JSON body: " + failure->message());
  }
  return document;
}

std::string toJson(const rapidjson::Value& value) {
  JsonWriter writer;
  writer.value(value);
  return writer.take();
}

}  // namespace rj
