#include "server/HttpRouter.hpp"

namespace yst {

namespace {

// "/a/b/" is {"a", "b", ""}: a trailing slash is a segment of its own, so "/x" and "/x/"
// are different paths.
std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> segments;
  if (path.empty() || path.front() != '/') return segments;
  path.remove_prefix(1);
  for (;;) {
    auto slash = path.find('/');
    segments.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) return segments;
    path.remove_prefix(slash + 1);
  }
}

bool is_parameter(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

}  // namespace

void PathParams::set(std::string_view name, std::string value) { values_.emplace_back(name, std::move(value)); }

const std::string& PathParams::operator[](std::string_view name) const {
  static const std::string kNone;
  for (const auto& [key, value] : values_)
    if (key == name) return value;
  return kNone;
}

RoutePattern::RoutePattern(std::string_view pattern) {
  for (auto segment : split_path(pattern)) segments_.emplace_back(segment);
}

std::optional<PathParams> RoutePattern::match(std::string_view path) const {
  auto segments = split_path(path);
  if (segments.size() != segments_.size()) return std::nullopt;
  PathParams params;
  for (size_t i = 0; i < segments.size(); ++i) {
    const std::string& want = segments_[i];
    if (is_parameter(want))
      params.set(std::string_view(want).substr(1, want.size() - 2), std::string(segments[i]));
    else if (segments[i] != want)
      return std::nullopt;
  }
  return params;
}

}  // namespace yst
