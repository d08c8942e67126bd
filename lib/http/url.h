#pragma once
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace rj {

// Decodes %XX and, in query strings, '+' as space. Malformed escapes are kept as they are.
std::string percentDecode(std::string_view text, bool plusIsSpace);
// "a=1&b=x%20y" -> {a: "1", b: "x y"}; the first of repeated names wins.
std::map<std::string, std::string> parseQueryString(std::string_view query);
// "a=1; rj_session=xyz" -> {a: "1", rj_session: "xyz"}.
std::map<std::string, std::string> parseCookies(std::string_view header);

}  // namespace rj
