#pragma once
// A keep-alive HTTP/1.1 connection to the stack's web server, as a runner's HTTP library would
// hold one: requests one after another on the same socket, a new socket only when the server
// closes it (lighttpd does after its keep-alive request limit). Bodies with Content-Length or
// chunked.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace rj::bench {

// The port of a stack's URL (dev.env's RJ_URL, http://127.0.0.1:PORT).
inline int portOf(const std::string& url) {
  return std::atoi(url.c_str() + url.rfind(':') + 1);
}

struct HttpAnswer {
  int status = 0;  // 0: no answer (the connection failed)
  std::string body;
};

class HttpConnection {
 public:
  explicit HttpConnection(int port) : port_(port) {}
  ~HttpConnection() { disconnect(); }
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  // POSTs a JSON body (empty: Content-Length 0) with the given header lines.
  HttpAnswer post(const std::string& path, const std::vector<std::string>& headers,
                  const std::string& body) {
    std::string request = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    for (const auto& header : headers) request += header + "\r\n";
    request += "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
               "\r\n\r\n" + body;
    return send(request);
  }

  // GETs `path` with the given header lines.
  HttpAnswer get(const std::string& path, const std::vector<std::string>& headers) {
    std::string request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    for (const auto& header : headers) request += header + "\r\n";
    return send(request + "\r\n");
  }

 private:
  HttpAnswer send(const std::string& request) {
    // A kept-alive socket the server has just closed fails before any byte of the answer: the
    // server never read the request, so it is sent once more on a new socket.
    for (int attempt = 0; attempt < 2; ++attempt) {
      if (fd_ < 0 && !connectSocket()) return {};
      bool answered = false;
      HttpAnswer answer = exchange(request, answered);
      if (answer.status || answered) return answer;
      disconnect();
    }
    return {};
  }

  bool connectSocket() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port_));
    ::inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
      std::perror("connect");
      disconnect();
      return false;
    }
    buffer_.clear();
    return true;
  }

  void disconnect() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

  // Reads more bytes into buffer_; false at the end of the connection.
  bool fill() {
    char chunk[16384];
    ssize_t got = ::recv(fd_, chunk, sizeof chunk, 0);
    if (got <= 0) return false;
    buffer_.append(chunk, static_cast<size_t>(got));
    return true;
  }

  // Sends the request and reads one answer; `answered` is set once any byte of it arrived.
  HttpAnswer exchange(const std::string& request, bool& answered) {
    if (::send(fd_, request.data(), request.size(), MSG_NOSIGNAL) !=
        static_cast<ssize_t>(request.size())) {
      return {};
    }
    size_t headerEnd;
    while ((headerEnd = buffer_.find("\r\n\r\n")) == std::string::npos) {
      if (!fill()) {
        answered = !buffer_.empty();
        return {};
      }
    }
    answered = true;
    std::string head = buffer_.substr(0, headerEnd);
    buffer_.erase(0, headerEnd + 4);
    HttpAnswer answer;
    answer.status = std::atoi(head.c_str() + head.find(' ') + 1);
    std::string lower = head;
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    bool close = lower.find("\r\nconnection: close") != std::string::npos;
    size_t length = lower.find("\r\ncontent-length:");
    if (length != std::string::npos) {
      size_t size = std::strtoul(lower.c_str() + length + 17, nullptr, 10);
      while (buffer_.size() < size && fill()) {
      }
      answer.body = buffer_.substr(0, size);
      buffer_.erase(0, std::min(size, buffer_.size()));
    } else if (lower.find("\r\ntransfer-encoding: chunked") != std::string::npos) {
      answer.body = readChunked();
    }
    if (close) disconnect();
    return answer;
  }

  std::string readChunked() {
    std::string body;
    for (;;) {
      size_t lineEnd;
      while ((lineEnd = buffer_.find("\r\n")) == std::string::npos) {
        if (!fill()) return body;
      }
      size_t size = std::strtoul(buffer_.c_str(), nullptr, 16);
      buffer_.erase(0, lineEnd + 2);
      while (buffer_.size() < size + 2 && fill()) {
      }
      body += buffer_.substr(0, size);
      buffer_.erase(0, std::min(size + 2, buffer_.size()));
      if (size == 0) return body;  // no trailers are sent
    }
  }

  int port_;
  int fd_ = -1;
  std::string buffer_;  // bytes read past the previous answer
};

}  // namespace rj::bench
