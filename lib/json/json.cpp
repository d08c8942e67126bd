#include "json/json.h"

#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <string>

#include "errors/errors.h"

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
  // Numbers arrive as their text (kParseNumbersAsStringsFlag) and are converted here: integers
  // exactly, the others by strtod, which rounds correctly. RapidJSON 1.1.0's own full-precision
  // conversion misreads zero significands and significands near 2^64 and overflows its power
  // table below 1e-348 (all found by the fuzzers); its normal one is off by a few units.
  bool RawNumber(const Ch* text, rapidjson::SizeType length, bool) {
    std::string number(text, length);
    if (number.find_first_of(".eE") == std::string::npos) {
      errno = 0;
      if (number[0] == '-') {
        long long value = std::strtoll(number.c_str(), nullptr, 10);
        if (errno == 0) return document_.Int64(value);
      } else {
        unsigned long long value = std::strtoull(number.c_str(), nullptr, 10);
        if (errno == 0) return document_.Uint64(value);
      }
    }
    double value = std::strtod(number.c_str(), nullptr);
    // Past the largest double: refused, as RapidJSON refuses it (a number too big).
    if (!std::isfinite(value)) return false;
    return document_.Double(value);
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

template <unsigned kFlags>
rapidjson::ParseResult parseInto(rapidjson::Document& document, std::string_view text,
                                 unsigned maxDepth, bool& tooDeep) {
  rapidjson::ParseResult result;
  auto generate = [&](rapidjson::Document& target) {
    rapidjson::MemoryStream stream(text.data(), text.size());
    rapidjson::Reader reader;
    DepthLimitedHandler handler(target, maxDepth);
    result = reader.Parse<kFlags>(stream, handler);
    tooDeep = handler.tooDeep();
    return !result.IsError();
  };
  document.Populate(generate);
  return result;
}

}  // namespace

std::string JsonParseFailure::message() const {
  if (tooDeep) return "JSON nesting exceeds " + std::to_string(maxDepth) + " levels";
  return std::string(rapidjson::GetParseError_En(code)) + " at offset " + std::to_string(offset);
}

std::optional<JsonParseFailure> parseJson(rapidjson::Document& document, std::string_view text,
                                          unsigned maxDepth) {
  // kParseNumbersAsStringsFlag hands numbers to the handler's own conversion (see RawNumber);
  // kParseValidateEncodingFlag rejects bad UTF-8; kParseIterativeFlag keeps the parser's own
  // stack flat however deep the text nests.
  constexpr unsigned kFlags = rapidjson::kParseIterativeFlag |
                              rapidjson::kParseValidateEncodingFlag |
                              rapidjson::kParseNumbersAsStringsFlag;
  bool tooDeep = false;
  document.SetNull();
  rapidjson::ParseResult result = parseInto<kFlags>(document, text, maxDepth, tooDeep);
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
    if (failure->tooDeep) throw BadRequest(ErrorCode::InvalidJson, failure->message());
    throw BadRequest(ErrorCode::InvalidJson, "Malformed JSON body: " + failure->message());
  }
  return document;
}

std::string toJson(const rapidjson::Value& value) {
  JsonWriter writer;
  writer.value(value);
  return writer.take();
}

}  // namespace rj
