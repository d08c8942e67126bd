#pragma once
// A table of an enum's values and their one spelling, read both ways.
#include <cstddef>
#include <optional>
#include <string_view>

namespace rj {

template <typename Enum>
struct EnumName {
  Enum value;
  const char* name;
};

// The spelling of `value`; `fallback` for a value the table lacks.
template <typename Enum, size_t N>
const char* nameIn(const EnumName<Enum> (&table)[N], Enum value, const char* fallback) {
  for (const auto& entry : table) {
    if (entry.value == value) return entry.name;
  }
  return fallback;
}

// The value spelled exactly `name`; nullopt for anything else.
template <typename Enum, size_t N>
std::optional<Enum> valueIn(const EnumName<Enum> (&table)[N], std::string_view name) {
  for (const auto& entry : table) {
    if (name == entry.name) return entry.value;
  }
  return std::nullopt;
}

}  // namespace rj
