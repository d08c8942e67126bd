#pragma once
// The runner's side of the runner API over libcurl: one connection kept alive between calls.
#include <string>

namespace rj::runner {

struct ApiResponse {
  long status = 0;  // 0: no answer (unreachable, timed out)
  std::string body;
  std::string failure;  // what went wrong when status is 0

  // Not worth a retry: the server refused the request itself.
  bool refused() const { return status >= 400 && status < 500; }
  // Unreachable or a server error (503 while the database is away): retry later.
  bool retryable() const { return status == 0 || status >= 500; }
  // The machine-readable `code` of an error answer ("JOB_CANCELLED"); empty when there is none.
  std::string errorCode() const;
};

class ApiClient {
 public:
  ApiClient(std::string baseUrl, const std::string& token);
  ~ApiClient();
  ApiClient(const ApiClient&) = delete;
  ApiClient& operator=(const ApiClient&) = delete;

  // POSTs a JSON body to baseUrl + path.
  ApiResponse post(const std::string& path, const std::string& body, long timeoutSeconds);

 private:
  std::string baseUrl_;
  std::string authorization_;
  void* curl_;
};

}  // namespace rj::runner
