#include "json/validation.h"

#include "errors/errors.h"
#include "json/json.h"

namespace rj {

BodyValidator::BodyValidator(const rapidjson::Value& body) : body_(body) {
  if (!body.IsObject()) throw ValidationFailed({"request body must be a JSON object"});
}

size_t utf8Length(const std::string& text) {
  size_t count = 0;
  for (unsigned char c : text) count += (c & 0xC0) != 0x80;
  return count;
}

const rapidjson::Value* BodyValidator::lookup(const char* name, bool required) {
  known_.insert(name);
  auto member = body_.FindMember(name);
  if (member == body_.MemberEnd()) {
    if (required) fail(std::string(name) + " should not be empty");
    return nullptr;
  }
  return &member->value;
}

std::optional<std::string> BodyValidator::string(
    const char* name, bool required, size_t minLength, size_t maxLength,
    const std::function<bool(const std::string&)>& allowed, const char* rule) {
  const rapidjson::Value* value = lookup(name, required);
  if (!value) return std::nullopt;
  if (!value->IsString()) {
    fail(std::string(name) + " must be a string");
    return std::nullopt;
  }
  std::string text(value->GetString(), value->GetStringLength());
  size_t length = utf8Length(text);
  bool valid = true;
  if (length < minLength) {
    fail(std::string(name) + " must be longer than or equal to " + std::to_string(minLength) +
         " characters");
    valid = false;
  }
  if (length > maxLength) {
    fail(std::string(name) + " must be shorter than or equal to " + std::to_string(maxLength) +
         " characters");
    valid = false;
  }
  if (valid && allowed && !allowed(text)) {
    fail(std::string(name) + " must " + (rule ? rule : "be valid"));
    valid = false;
  }
  if (!valid) return std::nullopt;
  return text;
}

std::optional<int64_t> BodyValidator::integer(const char* name, bool required, int64_t min,
                                              int64_t max) {
  const rapidjson::Value* value = lookup(name, required);
  if (!value) return std::nullopt;
  if (!value->IsInt64()) {
    fail(std::string(name) + " must be an integer number");
    return std::nullopt;
  }
  int64_t number = value->GetInt64();
  if (number < min) {
    fail(std::string(name) + " must not be less than " + std::to_string(min));
    return std::nullopt;
  }
  if (number > max) {
    fail(std::string(name) + " must not be greater than " + std::to_string(max));
    return std::nullopt;
  }
  return number;
}

std::optional<bool> BodyValidator::boolean(const char* name, bool required) {
  const rapidjson::Value* value = lookup(name, required);
  if (!value) return std::nullopt;
  if (!value->IsBool()) {
    fail(std::string(name) + " must be a boolean value");
    return std::nullopt;
  }
  return value->GetBool();
}

std::optional<std::string> BodyValidator::object(const char* name, bool required, size_t maxBytes) {
  const rapidjson::Value* value = lookup(name, required);
  if (!value) return std::nullopt;
  if (!value->IsObject()) {
    fail(std::string(name) + " must be an object");
    return std::nullopt;
  }
  std::string json = toJson(*value);
  if (json.size() > maxBytes) {
    fail(std::string(name) + " must not be larger than " + std::to_string(maxBytes) + " bytes");
    return std::nullopt;
  }
  return json;
}

std::optional<std::string> BodyValidator::anyValue(const char* name, bool required,
                                                   size_t maxBytes) {
  const rapidjson::Value* value = lookup(name, required);
  if (!value) return std::nullopt;
  std::string json = toJson(*value);
  if (json.size() > maxBytes) {
    fail(std::string(name) + " must not be larger than " + std::to_string(maxBytes) + " bytes");
    return std::nullopt;
  }
  return json;
}

std::optional<std::vector<std::string>> BodyValidator::stringArray(
    const char* name, bool required, size_t maxItems, size_t maxLength,
    const std::function<bool(const std::string&)>& allowed, const char* rule) {
  const rapidjson::Value* value = lookup(name, required);
  if (!value) return std::nullopt;
  if (!value->IsArray()) {
    fail(std::string(name) + " must be an array");
    return std::nullopt;
  }
  if (value->Size() > maxItems) {
    fail(std::string(name) + " must contain no more than " + std::to_string(maxItems) +
         " elements");
    return std::nullopt;
  }
  std::vector<std::string> items;
  for (const auto& item : value->GetArray()) {
    if (!item.IsString()) {
      fail("each value in " + std::string(name) + " must be a string");
      return std::nullopt;
    }
    std::string text(item.GetString(), item.GetStringLength());
    if (text.empty() || utf8Length(text) > maxLength || (allowed && !allowed(text))) {
      fail("each value in " + std::string(name) + " must " + (rule ? rule : "be valid"));
      return std::nullopt;
    }
    items.push_back(std::move(text));
  }
  return items;
}

void BodyValidator::finish() {
  for (auto member = body_.MemberBegin(); member != body_.MemberEnd(); ++member) {
    std::string name(member->name.GetString(), member->name.GetStringLength());
    if (!known_.count(name)) fail("property " + name + " should not exist");
  }
  finishAllowingOtherFields();
}

void BodyValidator::finishAllowingOtherFields() {
  if (!messages_.empty()) throw ValidationFailed(messages_);
}

}  // namespace rj

namespace rj {
void requireNoFields(const std::string& body) {
  rapidjson::Document document = parseJsonBody(body);
  BodyValidator(document).finish();
}
}  // namespace rj
