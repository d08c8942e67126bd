#pragma once
// Helpers for statements that put parts of different shapes in one UNION ALL: each part pads the
// others' columns with NULL.
#include <cstddef>
#include <string>

namespace rj {

// The number of expressions in an SQL select list: its commas outside parentheses, plus one.
size_t selectListLength(const std::string& columns);
// "NULL, NULL, ..." of `count` (at least one) expressions.
std::string nullColumns(size_t count);

}  // namespace rj
