#pragma once
// Whitelist validation of a JSON request body, collecting NestJS-style messages
// ("priority must not be greater than 100", "property foo should not exist").
#include <rapidjson/document.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace rj {

class BodyValidator {
 public:
  // Throws ValidationFailed at once when the body is not a JSON object.
  explicit BodyValidator(const rapidjson::Value& body);

  // A string field of minLength..maxLength characters (UTF-8 code points) that satisfies
  // `allowed` (described by `rule` in the message); absent -> nullopt, or a message if required.
  std::optional<std::string> string(const char* name, bool required, size_t minLength,
                                    size_t maxLength,
                                    const std::function<bool(const std::string&)>& allowed = {},
                                    const char* rule = nullptr);
  // An integer field within [min, max]; "5" or 5.5 are rejected, not converted.
  std::optional<int64_t> integer(const char* name, bool required, int64_t min, int64_t max);
  std::optional<bool> boolean(const char* name, bool required);
  // A JSON object field, returned serialised, at most maxBytes once serialised.
  std::optional<std::string> object(const char* name, bool required, size_t maxBytes);
  // Any JSON value, returned serialised.
  std::optional<std::string> anyValue(const char* name, bool required, size_t maxBytes);
  // An array of strings, each checked like string().
  std::optional<std::vector<std::string>> stringArray(
      const char* name, bool required, size_t maxItems, size_t maxLength,
      const std::function<bool(const std::string&)>& allowed = {}, const char* rule = nullptr);

  void fail(std::string message) { messages_.push_back(std::move(message)); }
  // Adds "property X should not exist" for every undeclared field, then throws if any message.
  void finish();
  // Throws if any declared field failed; undeclared fields are the caller's own (free-form
  // payloads).
  void finishAllowingOtherFields();

 private:
  const rapidjson::Value* lookup(const char* name, bool required);
  const rapidjson::Value& body_;
  std::set<std::string> known_;
  std::vector<std::string> messages_;
};

// Number of Unicode code points in valid UTF-8.
size_t utf8Length(const std::string& text);

}  // namespace rj

namespace rj {
// For endpoints that take no body: an empty body or {} passes; any field is 400.
void requireNoFields(const std::string& body);
}  // namespace rj
