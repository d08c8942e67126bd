#pragma once
// Lists of values in one statement (IN (...), OR'd keys) padded to a power of two by repeating
// the last value, so that a handful of statement shapes, each prepared once per connection, serve
// every count. Repeats change nothing for IN, OR, or a COUNT of matching rows.
#include <cstddef>
#include <string>

#include "db/connection.h"

namespace rj {

// How many slots `count` values take: the smallest power of two at least `count` and `minimum`.
size_t paddedSlots(size_t count, size_t minimum = 1);

// `slots` copies of `item`, separated by `separator`: placeholderList(3, "?", ", ") is "?, ?, ?".
std::string placeholderList(size_t slots, const std::string& item = "?",
                            const std::string& separator = ", ");

// The value that slot `slot` binds: the last one for the padding.
template <typename Values>
const auto& paddedValue(const Values& values, size_t slot) {
  return values[slot < values.size() ? slot : values.size() - 1];
}

// Binds `values` into `slots` parameters of `query`, padded with the last one.
template <typename Values>
Query& bindPadded(Query& query, const Values& values, size_t slots) {
  for (size_t slot = 0; slot < slots; ++slot) query.bind(paddedValue(values, slot));
  return query;
}

}  // namespace rj
