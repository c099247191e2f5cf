#pragma once
#include <cstddef>
#include <string_view>

namespace yst {

bool is_valid_utf8(std::string_view s);
// Unicode code points in a valid UTF-8 string.
size_t utf8_length(std::string_view s);
// Control characters other than tab, newline and carriage return (C0, DEL and C1).
bool has_forbidden_control(std::string_view s);

}  // namespace yst
