#include "operations/prometheus_text.h"

namespace rj {

std::string escapeLabelValue(const std::string& value) {
  std::string escaped;
  for (char c : value) {
    if (c == '\\') {
      escaped += "\\\\";
    } else if (c == '"') {
      escaped += "\\\"";
    } else if (c == '\n') {
      escaped += "\\n";
    } else {
      escaped += c;
    }
  }
  return escaped;
}

PrometheusText& PrometheusText::metric(const std::string& name, const std::string& type,
                                       const std::string& help) {
  name_ = name;
  // Help texts are the code's own: no backslash or newline to escape.
  text_ += "# HELP " + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
  return *this;
}

PrometheusText& PrometheusText::sample(const Labels& labels, const std::string& value) {
  text_ += name_;
  if (!labels.empty()) {
    text_ += "{";
    for (size_t i = 0; i < labels.size(); ++i) {
      if (i > 0) text_ += ",";
      text_ += labels[i].first + "=\"" + escapeLabelValue(labels[i].second) + "\"";
    }
    text_ += "}";
  }
  text_ += " " + value + "\n";
  return *this;
}

}  // namespace rj
