#include "json/json.h"

#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

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

// True when `text` has, outside strings, a number RapidJSON 1.1.0's full-precision strtod gets
// wrong, which its normal-precision path reads right. Found by the fuzzers (fuzz/new_job,
// fuzz/progress_line, fuzz/runner_requests):
//  - a zero significand: past its fast path it normalises it (__builtin_clzll(0), undefined) and
//    0e85 comes out as about -1e264: all digits zero with an exponent or more than 20 digits
//    (0e85, -0.00E300, 0.000000000000000000000000);
//  - first 20 significant digits 18446744073709551615 (2^64 - 1) and the 21st 5 or more: rounding
//    up wraps the significand to zero;
//  - a decimal magnitude of 290 or more either way (leading zeros of the fraction or integer
//    digits, plus the exponent): below -348 its DiyFp step indexes its power table out of range
//    (a signed overflow), so the whole edge of the double range goes the other way.
bool needsNormalPrecision(std::string_view text) {
  auto isDigit = [&](size_t at) { return at < text.size() && text[at] >= '0' && text[at] <= '9'; };
  bool inString = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (inString) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        inString = false;
      }
      continue;
    }
    if (c == '"') {
      inString = true;
      continue;
    }
    if (c != '-' && !isDigit(i)) continue;
    // A number as RapidJSON reads it, even where malformed text follows: -?digits(.digits)?
    // then an exponent only if e/E and an optional sign are followed by a digit.
    size_t at = c == '-' ? i + 1 : i;
    size_t digits = 0;
    bool allZero = true;
    long long integerDigits = 0;  // from the first non-zero digit of the integer part
    long long fractionZeros = 0;  // zeros after the point before the first non-zero digit
    std::string significant;      // the first 21 digits from the first non-zero one
    bool fraction = false;
    auto readDigits = [&] {
      for (; isDigit(at); ++at, ++digits) {
        if (allZero && text[at] == '0' && fraction) ++fractionZeros;
        allZero = allZero && text[at] == '0';
        if (!allZero && !fraction) ++integerDigits;
        if (!allZero && significant.size() < 21) significant += text[at];
      }
    };
    readDigits();
    if (at < text.size() && text[at] == '.') {
      ++at;
      fraction = true;
      readDigits();
    }
    bool exponent = false;
    long long exponentValue = 0;
    if (at < text.size() && (text[at] == 'e' || text[at] == 'E')) {
      bool negative = at + 1 < text.size() && text[at + 1] == '-';
      size_t sign = at + 1 < text.size() && (text[at + 1] == '+' || negative) ? 1 : 0;
      size_t end = at + 1 + sign;
      exponent = isDigit(end);
      for (; isDigit(end); ++end) {
        exponentValue = std::min(exponentValue * 10 + (text[end] - '0'), 1000000LL);
      }
      if (negative) exponentValue = -exponentValue;
      if (exponent) at = end;
    }
    if (digits > 0 && allZero && (exponent || digits > 20)) return true;
    if (significant.size() == 21 && significant.compare(0, 20, "18446744073709551615") == 0 &&
        significant[20] >= '5') {
      return true;
    }
    if (!allZero &&
        (integerDigits + exponentValue >= 290 || fractionZeros - exponentValue >= 290)) {
      return true;
    }
    if (at > i) i = at - 1;
  }
  return false;
}

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
  // kParseFullPrecisionFlag keeps numbers as sent (but see needsNormalPrecision);
  // kParseValidateEncodingFlag rejects bad UTF-8; kParseIterativeFlag keeps the parser's own
  // stack flat however deep the text nests.
  constexpr unsigned kFlags =
      rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag;
  bool tooDeep = false;
  document.SetNull();
  rapidjson::ParseResult result = needsNormalPrecision(text)
                                      ? parseInto<kFlags>(document, text, maxDepth, tooDeep)
                                      : parseInto<kFlags | rapidjson::kParseFullPrecisionFlag>(
                                            document, text, maxDepth, tooDeep);
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
