#pragma once
// Test doubles for driving the request pipeline in-process, without a web server:
// FakeChannel feeds answer() a CGI environment and a body and records the answer it writes;
// RecordingStreamWriter records what a streamed response body writes and where it flushed.
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/channel.h"
#include "http/response.h"

namespace rj::test {

class FakeChannel : public Channel {
 public:
  // A request as a FastCGI server passes it: REQUEST_METHOD, REQUEST_URI, QUERY_STRING and, with a
  // body, CONTENT_LENGTH; `headers` are CGI names (HTTP_AUTHORIZATION, CONTENT_TYPE) or any other
  // variable, and win over the defaults.
  FakeChannel(const std::string& method, const std::string& uri,
              std::map<std::string, std::string> headers = {}, std::string body = {})
      : body_(std::move(body)) {
    variables_["REQUEST_METHOD"] = method;
    variables_["REQUEST_URI"] = uri;
    size_t question = uri.find('?');
    variables_["QUERY_STRING"] = question == std::string::npos ? "" : uri.substr(question + 1);
    if (!body_.empty()) variables_["CONTENT_LENGTH"] = std::to_string(body_.size());
    for (auto& [name, value] : headers) variables_[name] = std::move(value);
    for (const auto& [name, value] : variables_) environmentText_.push_back(name + "=" + value);
    for (auto& text : environmentText_) environment_.push_back(text.data());
    environment_.push_back(nullptr);
  }

  const char* env(const char* name) override {
    auto found = variables_.find(name);
    return found == variables_.end() ? nullptr : found->second.c_str();
  }
  char** environment() override { return environment_.data(); }
  size_t read(char* buffer, size_t size) override {
    size_t count = body_.copy(buffer, size, bodyRead_);
    bodyRead_ += count;
    return count;
  }
  bool write(std::string_view bytes) override {
    written_.append(bytes);
    return true;
  }
  bool flush() override {
    flushedAt_.push_back(written_.size());
    return true;
  }
  bool bodyEndsAtEof() const override { return true; }
  int connectionFd() const override { return -1; }
  void discardUnreadBody() override { discardedUnreadBody_ = true; }

  // Body bytes the request pipeline read (not counting what it discarded after answering).
  size_t bodyBytesRead() const { return bodyRead_; }
  bool discardedUnreadBody() const { return discardedUnreadBody_; }
  // Everything written: "Status: ..." and header lines, a blank line, the body.
  const std::string& written() const { return written_; }
  // Byte offsets of `written()` at each flush.
  const std::vector<size_t>& flushedAt() const { return flushedAt_; }

  // The answer's status code (0 when nothing was written).
  int status() const {
    if (written_.rfind("Status: ", 0) != 0) return 0;
    return std::stoi(written_.substr(8, 3));
  }
  // An answer header by its exact name, e.g. "Allow".
  std::optional<std::string> header(const std::string& name) const {
    std::string head = written_.substr(0, written_.find("\r\n\r\n"));
    std::string prefix = "\r\n" + name + ": ";
    size_t start = head.find(prefix);
    if (start == std::string::npos) return std::nullopt;
    start += prefix.size();
    return head.substr(start, head.find("\r\n", start) - start);
  }
  // The answer's body (everything after the blank line).
  std::string body() const {
    size_t end = written_.find("\r\n\r\n");
    return end == std::string::npos ? "" : written_.substr(end + 4);
  }

 private:
  std::map<std::string, std::string> variables_;
  std::vector<std::string> environmentText_;
  std::vector<char*> environment_;
  std::string body_;
  size_t bodyRead_ = 0;
  std::string written_;
  std::vector<size_t> flushedAt_;
  bool discardedUnreadBody_ = false;
};

class RecordingStreamWriter : public StreamWriter {
 public:
  bool write(std::string_view bytes) override {
    if (gone_) return false;
    written_.append(bytes);
    return true;
  }
  bool flush() override {
    flushedAt_.push_back(written_.size());
    if (flushesLeft_ == 0) gone_ = true;
    if (flushesLeft_ > 0) --flushesLeft_;
    return !gone_;
  }
  // The client goes away after `flushes` more successful flushes: later writes and flushes fail.
  void hangUpAfterFlushes(int flushes) { flushesLeft_ = flushes; }
  const std::string& written() const { return written_; }
  // Byte offsets of `written()` at each flush.
  const std::vector<size_t>& flushedAt() const { return flushedAt_; }

 private:
  std::string written_;
  std::vector<size_t> flushedAt_;
  int flushesLeft_ = -1;  // -1: never goes away
  bool gone_ = false;
};

}  // namespace rj::test
