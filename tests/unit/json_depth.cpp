// Nesting of JSON from outside is bounded (kMaxJsonDepth) and parsed without recursion, so a deep
// document is a 400, never a stack overflow; and numbers RapidJSON used to misread.
#include <gtest/gtest.h>

#include "errors/errors.h"
#include "jobs/new_job.h"
#include "json/json.h"
#include "runners/progress_line.h"
#include "runners/runner_requests.h"

namespace rj {
namespace {

// `levels` arrays inside each other: "[[[]]]" is three levels.
std::string nestedArrays(size_t levels) {
  return std::string(levels, '[') + std::string(levels, ']');
}

// The message of the 400 that `parse` throws.
std::string badRequestMessage(const std::function<void()>& parse) {
  try {
    parse();
  } catch (const HttpError& error) {
    EXPECT_EQ(error.status(), 400);
    return error.what();
  }
  ADD_FAILURE() << "no error";
  return "";
}

const std::string kTooDeep = "JSON nesting exceeds 64 levels";

TEST(JsonDepth, SixtyFourLevelsAreAccepted) {
  auto document = parseJsonBody(nestedArrays(64));
  EXPECT_TRUE(document.IsArray());
  EXPECT_EQ(toJson(document), nestedArrays(64));
  // The object around the arrays counts as a level.
  EXPECT_NO_THROW(parseJsonBody(R"({"x":)" + nestedArrays(63) + "}"));
}

TEST(JsonDepth, SixtyFiveLevelsAre400) {
  EXPECT_EQ(badRequestMessage([] { parseJsonBody(nestedArrays(65)); }), kTooDeep);
  EXPECT_EQ(badRequestMessage([] { parseJsonBody(R"({"x":)" + nestedArrays(64) + "}"); }),
            kTooDeep);
  std::string objects;
  for (int i = 0; i < 65; ++i) objects += R"({"a":)";
  objects += "1" + std::string(65, '}');
  EXPECT_EQ(badRequestMessage([&] { parseJsonBody(objects); }), kTooDeep);
}

TEST(JsonDepth, DeepNestingInABodyIs400NotACrash) {
  std::string body = R"({"x":)" + nestedArrays(200000) + "}";
  EXPECT_EQ(badRequestMessage([&] { parseJsonBody(body); }), kTooDeep);
  // Unclosed is as deep while it lasts.
  EXPECT_EQ(badRequestMessage([] { parseJsonBody(std::string(200000, '[')); }), kTooDeep);
  std::string job = R"({"type":"demo","data":{"x":)" + nestedArrays(200000) + "}}";
  EXPECT_EQ(badRequestMessage([&] { parseNewJob(job); }), kTooDeep);
}

TEST(JsonDepth, DeepRunnerEventPayloadIs400NotACrash) {
  std::string body = R"({"type":"step.output","payload":{"x":)" + nestedArrays(200000) + "}}";
  EXPECT_EQ(badRequestMessage([&] { parseRunnerEvent(body); }), kTooDeep);
  std::string atLimit = R"({"type":"step.output","payload":{"x":)" + nestedArrays(62) + "}}";
  EXPECT_EQ(parseRunnerEvent(atLimit).payload, R"({"x":)" + nestedArrays(62) + "}");
  for (const char* action : {"complete", "fail", "release", "claim"}) {
    std::string deep = R"({"result":)" + nestedArrays(200000) + "}";
    EXPECT_EQ(badRequestMessage([&] {
                if (std::string(action) == "complete") parseCompletion(deep);
                if (std::string(action) == "fail") parseFailure(deep);
                if (std::string(action) == "release") parseRelease(deep);
                if (std::string(action) == "claim") parseClaimRequest(deep);
              }),
              kTooDeep)
        << action;
  }
}

TEST(JsonDepth, MalformedJsonKeepsItsMessage) {
  EXPECT_EQ(badRequestMessage([] { parseJsonBody("[1,"); }),
            "Malformed JSON body: Invalid value. at offset 3");
  EXPECT_EQ(badRequestMessage([] { parseJsonBody("{} {}"); }),
            "Malformed JSON body: The document root must not be followed by other values. at "
            "offset 3");
}

TEST(JsonDepth, DeepProgressLineIsOrdinaryOutput) {
  std::string line = R"({"progressPercent":)" + nestedArrays(200000) + "}";
  EXPECT_EQ(progressLinePercent(line), std::nullopt);
  EXPECT_EQ(progressLinePercent(R"({"progressPercent":40})"), 40);
}

TEST(JsonDepth, ParseJsonReportsTheLimitThatApplied) {
  rapidjson::Document document;
  auto failure = parseJson(document, nestedArrays(11), 10);
  ASSERT_TRUE(failure);
  EXPECT_TRUE(failure->tooDeep);
  EXPECT_EQ(failure->message(), "JSON nesting exceeds 10 levels");
  EXPECT_TRUE(document.IsNull());
  EXPECT_FALSE(parseJson(document, nestedArrays(10), 10));
  EXPECT_TRUE(document.IsArray());
  failure = parseJson(document, "\"\xff\"");
  ASSERT_TRUE(failure);
  EXPECT_FALSE(failure->tooDeep);
  EXPECT_EQ(failure->code, rapidjson::kParseErrorStringInvalidEncoding);
}

TEST(JsonNumbers, ZeroWithALargeExponentOrManyDigitsIsZero) {
  // RapidJSON's full-precision strtod once read 0e85 as about -1e264 (found by fuzz/new_job).
  for (const char* zero :
       {"0e85", "0E111", "0.0e233", "-0.000e300", "0.00000000000000000000000000000000000"}) {
    auto document = parseJsonBody(zero);
    ASSERT_TRUE(document.IsNumber()) << zero;
    EXPECT_EQ(document.GetDouble(), 0.0) << zero;
  }
  auto document = parseJsonBody(R"({"s":"a00e1\"0e9","z":0e85,"x":0.1,"n":10e2,"f":1.0e1})");
  EXPECT_EQ(document["z"].GetDouble(), 0.0);
  EXPECT_EQ(document["x"].GetDouble(), 0.1);
  EXPECT_EQ(document["n"].GetDouble(), 1000.0);
  EXPECT_EQ(document["f"].GetDouble(), 10.0);
  // 2^64 - 1 as the first digits, rounded up: RapidJSON's significand wrapped to zero.
  EXPECT_EQ(parseJsonBody("0.0001844674407370955161599").GetDouble(), 0.0001844674407370955161599);
  EXPECT_EQ(parseJsonBody("184467440737095516159").GetDouble(), 184467440737095516159.0);
  // Many digits and a tiny exponent once overflowed RapidJSON's power table (fuzz/new_job).
  auto tiny = parseJsonBody("3.3330172000000019587469E-0333");
  ASSERT_TRUE(tiny.IsNumber());
  EXPECT_EQ(tiny.GetDouble(), 0.0);
  auto tinyAgain = parseJsonBody("[1234567890123456789012345e-370, 1.5]");
  ASSERT_TRUE(tinyAgain.IsArray());
  EXPECT_EQ(tinyAgain[1].GetDouble(), 1.5);
  auto longZeros = parseJsonBody("0." + std::string(400, '0') + "66408282349773631820");
  ASSERT_TRUE(longZeros.IsNumber());
  EXPECT_EQ(longZeros.GetDouble(), 0.0);
  // Integers stay exact integers; past 2^64 they become doubles; past the largest double, 400.
  auto integers = parseJsonBody("[-9223372036854775808, 18446744073709551615, 5]");
  EXPECT_TRUE(integers[0].IsInt64());
  EXPECT_EQ(integers[0].GetInt64(), INT64_MIN);
  EXPECT_TRUE(integers[1].IsUint64());
  EXPECT_EQ(integers[1].GetUint64(), UINT64_MAX);
  EXPECT_TRUE(integers[2].IsInt());
  EXPECT_TRUE(parseJsonBody("18446744073709551616").IsDouble());
  EXPECT_THROW(parseJsonBody("1e400"), HttpError);
  // What the service writes it reads back to the same text.
  auto tinyNumber = parseJsonBody("75000019575875375887419575875375887469E-0333");
  std::string once = toJson(tinyNumber);
  EXPECT_EQ(toJson(parseJsonBody(once)), once);
  // The nearest double, not one a few units off.
  EXPECT_EQ(parseJsonBody("0.30000000000000004").GetDouble(), 0.30000000000000004);
  EXPECT_EQ(parseJsonBody("2.2250738585072011e-288").GetDouble(), 2.2250738585072011e-288);
}

}  // namespace
}  // namespace rj
