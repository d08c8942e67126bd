#include "db/select_list.h"

namespace rj {

size_t selectListLength(const std::string& columns) {
  size_t length = 1;
  int depth = 0;
  for (char c : columns) {
    if (c == '(') ++depth;
    if (c == ')') --depth;
    if (c == ',' && depth == 0) ++length;
  }
  return length;
}

std::string nullColumns(size_t count) {
  std::string text = "NULL";
  for (size_t i = 1; i < count; ++i) text += ", NULL";
  return text;
}

}  // namespace rj
