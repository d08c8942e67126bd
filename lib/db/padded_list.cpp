#include "db/padded_list.h"

namespace rj {

size_t paddedSlots(size_t count, size_t minimum) {
  size_t slots = minimum < 1 ? 1 : minimum;
  while (slots < count) slots *= 2;
  return slots;
}

std::string placeholderList(size_t slots, const std::string& item, const std::string& separator) {
  std::string text;
  for (size_t i = 0; i < slots; ++i) text += (i == 0 ? "" : separator) + item;
  return text;
}

}  // namespace rj
