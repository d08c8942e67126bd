// A request as a web server hands it over: CGI variables (headers, cookies, query string, URI,
// Content-Length) and a body, through Request, readBody, the media type and the UUID parameter.
#include "http/request.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "errors/errors.h"
#include "http/channel.h"
#include "http/media_type.h"

namespace {

// The input is "NAME=value" lines, then an empty line, then the body.
class FuzzChannel : public rj::Channel {
 public:
  FuzzChannel(const std::string& input) {
    size_t start = 0;
    while (start < input.size()) {
      size_t end = input.find('\n', start);
      if (end == std::string::npos) end = input.size();
      if (end == start) {
        body_ = input.substr(end + 1 <= input.size() ? end + 1 : input.size());
        break;
      }
      variables_.push_back(input.substr(start, end - start));
      start = end + 1;
    }
    for (auto& variable : variables_) pointers_.push_back(variable.data());
    pointers_.push_back(nullptr);
  }
  const char* env(const char* name) override {
    std::string prefix = std::string(name) + "=";
    for (const auto& variable : variables_) {
      if (variable.rfind(prefix, 0) == 0) return variable.c_str() + prefix.size();
    }
    return nullptr;
  }
  char** environment() override { return pointers_.data(); }
  size_t read(char* buffer, size_t size) override {
    size_t count = std::min(size, body_.size() - offset_);
    body_.copy(buffer, count, offset_);
    offset_ += count;
    return count;
  }
  bool write(std::string_view) override { return true; }
  bool flush() override { return true; }
  bool bodyEndsAtEof() const override { return true; }
  int connectionFd() const override { return -1; }

 private:
  std::vector<std::string> variables_;
  std::vector<char*> pointers_;
  std::string body_;
  size_t offset_ = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzChannel channel(std::string(reinterpret_cast<const char*>(data), size));
  rj::Request request(channel);
  request.params["id"] = request.path.substr(request.path.rfind('/') + 1);
  try {
    request.readBody(channel);
    if (request.body.size() > rj::kMaxBodyBytes) __builtin_trap();
  } catch (const rj::HttpError& error) {
    if (error.status() != 400 && error.status() != 413) __builtin_trap();
  }
  rj::mediaType(request.header("Content-Type").value_or(""));
  // Any bytes as a header's name, shorter and longer than the lookup's buffer on the stack.
  request.header(request.path);
  request.header(std::string_view(request.body).substr(0, 200));
  request.cookie("rj_session");
  request.queryValue("workspaceId");
  try {
    std::string id = request.uuidParam("id");
    if (id.size() != 36) __builtin_trap();
  } catch (const rj::HttpError& error) {
    if (error.status() != 400) __builtin_trap();
  }
  return 0;
}
