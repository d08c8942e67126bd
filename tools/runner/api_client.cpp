#include "api_client.h"

#include <curl/curl.h>

#include <stdexcept>

#include "json/json.h"

namespace rj::runner {

std::string ApiResponse::errorCode() const {
  if (status < 400) return "";
  try {
    rapidjson::Document document = parseJsonBody(body);
    if (!document.IsObject()) return "";
    auto code = document.FindMember("code");
    if (code != document.MemberEnd() && code->value.IsString()) return code->value.GetString();
  } catch (const std::exception&) {
    // Not our JSON (a proxy's HTML page, say): no code.
  }
  return "";
}

namespace {
size_t appendBody(char* data, size_t size, size_t count, void* target) {
  static_cast<std::string*>(target)->append(data, size * count);
  return size * count;
}
}  // namespace

ApiClient::ApiClient(std::string baseUrl, const std::string& token)
    : baseUrl_(std::move(baseUrl)), authorization_("Authorization: Bearer " + token) {
  while (!baseUrl_.empty() && baseUrl_.back() == '/') baseUrl_.pop_back();
  curl_ = curl_easy_init();
  if (!curl_) throw std::runtime_error("curl_easy_init failed");
}

ApiClient::~ApiClient() {
  curl_easy_cleanup(static_cast<CURL*>(curl_));
}

ApiResponse ApiClient::post(const std::string& path, const std::string& body, long timeoutSeconds) {
  CURL* curl = static_cast<CURL*>(curl_);
  curl_easy_reset(curl);
  ApiResponse response;
  std::string url = baseUrl_ + path;
  curl_slist* headers = nullptr;
  headers = curl_slist_append(headers, authorization_.c_str());
  headers = curl_slist_append(headers, "Content-Type: application/json");
  headers = curl_slist_append(headers, "Accept: application/json");
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_POST, 1L);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, appendBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response.body);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, timeoutSeconds);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 5L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_USERAGENT, "rj-runner");
  CURLcode code = curl_easy_perform(curl);
  if (code == CURLE_OK) {
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
  } else {
    response.failure = curl_easy_strerror(code);
  }
  curl_slist_free_all(headers);
  return response;
}

}  // namespace rj::runner
