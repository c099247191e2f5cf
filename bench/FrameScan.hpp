#pragma once
// Reading received frames without building a JSON DOM: the tool shares the machine with
// the server it measures, so its own CPU per message matters on the hot paths.
#include <charconv>
#include <cstdint>
#include <optional>
#include <string_view>

namespace ystbench {

inline bool contains(std::string_view s, std::string_view what) { return s.find(what) != std::string_view::npos; }

// The integer right after `key` (searched from the end when `last`), e.g. "\"seq\":".
inline std::optional<int64_t> int_after(std::string_view s, std::string_view key, bool last = false) {
  auto p = last ? s.rfind(key) : s.find(key);
  if (p == std::string_view::npos) return std::nullopt;
  p += key.size();
  int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data() + p, s.data() + s.size(), v);
  if (ec != std::errc()) return std::nullopt;
  return v;
}

// A frame of a client joined with batch may hold several messages (a JSON array of
// objects): calls `f` with each, found by scanning for the top-level objects.
template <class F>
void for_each_message(std::string_view frame, F&& f) {
  if (frame.empty() || frame.front() != '[') return f(frame);
  int depth = 0;
  bool in_string = false, escaped = false;
  size_t start = 0;
  for (size_t i = 1; i < frame.size(); ++i) {
    const char c = frame[i];
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (depth++ == 0) start = i;
    } else if ((c == '}' || c == ']') && depth > 0 && --depth == 0) {
      f(frame.substr(start, i - start + 1));
    }
  }
}

}  // namespace ystbench
