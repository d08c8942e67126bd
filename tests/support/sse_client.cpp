#include "support/sse_client.h"

#include <curl/curl.h>

#include <memory>

#include "support/http_client.h"

namespace rj::test {

namespace {

struct Reader {
  SseSession session;
  const SseListener* listener = nullptr;
  std::string pending;  // bytes of an unfinished line
  SseEvent current;
  bool hasField = false;
  bool hungUp = false;
  bool started = false;

  // Applies one line of the stream; false when the listener hangs up.
  bool line(const std::string& text) {
    if (text.empty()) {
      if (!hasField) return true;
      if (!current.data.empty() && current.data.back() == '\n') current.data.pop_back();
      session.events.push_back(current);
      current = SseEvent();
      hasField = false;
      return (*listener)(session);
    }
    if (text[0] == ':') {
      ++session.comments;
      return (*listener)(session);
    }
    size_t colon = text.find(':');
    std::string field = text.substr(0, colon);
    std::string value = colon == std::string::npos ? "" : text.substr(colon + 1);
    if (!value.empty() && value[0] == ' ') value.erase(0, 1);
    if (field == "retry") {
      session.retryMilliseconds = std::stol(value);
      return true;
    }
    hasField = true;
    if (field == "id") current.id = value;
    if (field == "event") current.type = value;
    if (field == "data") current.data += value + "\n";
    return true;
  }

  bool feed(const char* data, size_t size) {
    session.raw.append(data, size);
    if (session.status != 200) return true;  // an error answer is JSON, not a stream
    if (!started) {
      started = true;
      if (!(*listener)(session)) return false;
    }
    pending.append(data, size);
    size_t start = 0;
    for (;;) {
      size_t end = pending.find('\n', start);
      if (end == std::string::npos) break;
      std::string text = pending.substr(start, end - start);
      if (!text.empty() && text.back() == '\r') text.pop_back();
      start = end + 1;
      if (!line(text)) {
        pending.erase(0, start);
        return false;
      }
    }
    pending.erase(0, start);
    return true;
  }
};

size_t onBody(char* data, size_t size, size_t count, void* target) {
  auto* reader = static_cast<Reader*>(target);
  if (!reader->feed(data, size * count)) {
    reader->hungUp = true;
    return 0;  // makes libcurl close the connection
  }
  return size * count;
}

size_t onHeader(char* data, size_t size, size_t count, void* target) {
  auto* reader = static_cast<Reader*>(target);
  std::string line(data, size * count);
  if (line.rfind("HTTP/", 0) == 0) {
    size_t space = line.find(' ');
    if (space != std::string::npos) reader->session.status = std::stol(line.substr(space + 1));
    return size * count;
  }
  addHeaderLine(line, reader->session.headers);
  return size * count;
}

}  // namespace

SseSession readSse(const std::string& url, const std::vector<std::string>& headers,
                   const SseListener& listener, std::chrono::milliseconds timeout) {
  Reader reader;
  reader.listener = &listener;
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
  curl_slist* list = nullptr;
  for (const auto& header : headers) list = curl_slist_append(list, header.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, onBody);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &reader);
  curl_easy_setopt(curl.get(), CURLOPT_HEADERFUNCTION, onHeader);
  curl_easy_setopt(curl.get(), CURLOPT_HEADERDATA, &reader);
  curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
  CURLcode result = curl_easy_perform(curl.get());
  curl_slist_free_all(list);
  reader.session.ended = result == CURLE_OK;
  return reader.session;
}

}  // namespace rj::test
