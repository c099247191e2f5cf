#pragma once
// The query string of a request target (application/x-www-form-urlencoded).
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace yst {

using QueryParams = std::map<std::string, std::string>;

// Nothing when an escape is malformed (a stray or truncated %). A repeated key keeps the
// last value.
std::optional<QueryParams> parse_query(std::string_view query);

}  // namespace yst
