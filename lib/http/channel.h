#pragma once
// Where a request comes from and its answer goes: a FastCGI request or, as a fallback, plain CGI
// (environment, stdin, stdout).
#include <fcgiapp.h>

#include <string_view>

namespace rj {

class Channel {
 public:
  virtual ~Channel() = default;
  virtual const char* env(const char* name) = 0;
  virtual char** environment() = 0;
  // Reads up to `size` body bytes; 0 at the end.
  virtual size_t read(char* buffer, size_t size) = 0;
  virtual bool write(std::string_view bytes) = 0;
  virtual bool flush() = 0;
  // FastCGI marks the end of the body; a CGI stdin without CONTENT_LENGTH may never end.
  virtual bool bodyEndsAtEof() const = 0;
  // The descriptor the answer goes out on, for noticing that the peer hung up.
  virtual int connectionFd() const = 0;
  // Reads and drops what is left of the request body, for servers that fail when a program
  // answers before taking its input.
  virtual void discardUnreadBody() {}
};

class FcgiChannel : public Channel {
 public:
  explicit FcgiChannel(FCGX_Request& request) : request_(request) {}
  const char* env(const char* name) override { return FCGX_GetParam(name, request_.envp); }
  char** environment() override { return request_.envp; }
  size_t read(char* buffer, size_t size) override;
  bool write(std::string_view bytes) override;
  bool flush() override;
  bool bodyEndsAtEof() const override { return true; }
  int connectionFd() const override { return request_.ipcFd; }

 private:
  FCGX_Request& request_;
};

class CgiChannel : public Channel {
 public:
  const char* env(const char* name) override;
  char** environment() override;
  size_t read(char* buffer, size_t size) override;
  bool write(std::string_view bytes) override;
  bool flush() override;
  bool bodyEndsAtEof() const override { return false; }
  int connectionFd() const override { return 1; }  // stdout
  // A CGI server writes the whole body to stdin; one that is refused unread (401, 413, ...) would
  // make that write fail and the answer get lost.
  void discardUnreadBody() override;

 private:
  size_t bytesRead_ = 0;
};

}  // namespace rj
