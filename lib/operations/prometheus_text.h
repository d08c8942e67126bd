#pragma once
// The Prometheus text exposition format (version 0.0.4): HELP and TYPE lines before each
// metric's samples, label values escaped.
#include <string>
#include <utility>
#include <vector>

namespace rj {

constexpr const char* kPrometheusContentType = "text/plain; version=0.0.4; charset=utf-8";

// A label value with \, " and newline escaped as the format requires.
std::string escapeLabelValue(const std::string& value);

class PrometheusText {
 public:
  using Labels = std::vector<std::pair<std::string, std::string>>;
  // Starts a metric: "# HELP name help" and "# TYPE name type" (gauge, counter).
  PrometheusText& metric(const std::string& name, const std::string& type, const std::string& help);
  // One sample of the current metric; `value` is already a number's text.
  PrometheusText& sample(const Labels& labels, const std::string& value);
  const std::string& text() const { return text_; }

 private:
  std::string name_;
  std::string text_;
};

}  // namespace rj
