#include "session/minutes/Time.hpp"

#include <algorithm>
#include <cstdio>
#include <ctime>

namespace yst::minutes {

namespace {

constexpr int64_t kCstOffsetMs = 8LL * 3600 * 1000;

std::tm utc_tm(int64_t unix_ms) {
  int64_t secs = unix_ms / 1000;
  if (unix_ms % 1000 < 0) --secs;
  auto t = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return tm;
}

}  // namespace

std::string cst_datetime(int64_t unix_ms) {
  std::tm tm = utc_tm(unix_ms + kCstOffsetMs);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

std::string cst_date(int64_t unix_ms) { return cst_datetime(unix_ms).substr(0, 10); }

std::string utc_w3cdtf(int64_t unix_ms) {
  std::tm tm = utc_tm(unix_ms);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

std::optional<int64_t> parse_iso8601_ms(std::string_view s) {
  size_t i = 0;
  auto num = [&](size_t n, int& out) {
    if (i + n > s.size()) return false;
    out = 0;
    for (size_t k = 0; k < n; ++k) {
      char c = s[i + k];
      if (c < '0' || c > '9') return false;
      out = out * 10 + (c - '0');
    }
    i += n;
    return true;
  };
  auto lit = [&](char c) {
    if (i < s.size() && s[i] == c) {
      ++i;
      return true;
    }
    return false;
  };
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0, ms = 0;
  if (!num(4, y) || !lit('-') || !num(2, mo) || !lit('-') || !num(2, d)) return std::nullopt;
  if (!(lit('T') || lit('t') || lit(' '))) return std::nullopt;
  if (!num(2, h) || !lit(':') || !num(2, mi)) return std::nullopt;
  if (lit(':')) {
    if (!num(2, sec)) return std::nullopt;
    if (lit('.') || lit(',')) {
      int digits = 0;
      while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
        if (digits < 3) ms = ms * 10 + (s[i] - '0');
        ++digits;
        ++i;
      }
      if (digits == 0) return std::nullopt;
      for (int k = std::min(digits, 3); k < 3; ++k) ms *= 10;
    }
  }
  int offset_min = 0;
  if (lit('Z') || lit('z')) {
  } else if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    const int sign = s[i] == '-' ? -1 : 1;
    ++i;
    int oh = 0, om = 0;
    if (!num(2, oh)) return std::nullopt;
    lit(':');
    if (i < s.size() && !num(2, om)) return std::nullopt;
    offset_min = sign * (oh * 60 + om);
  } else {
    return std::nullopt;
  }
  if (i != s.size() || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) return std::nullopt;
  int64_t secs = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400 + h * 3600 +
                 mi * 60 + sec - int64_t{offset_min} * 60;
  return secs * 1000 + ms;
}

std::string display_time_as_given(const std::string& s) {
  auto ms = parse_iso8601_ms(s);
  return ms ? cst_datetime(*ms) : s;
}

std::string duration_cn(int64_t ms) {
  int64_t minutes = std::max<int64_t>(0, ms) / 60000;
  if (minutes < 60) return std::to_string(minutes) + " 分钟";
  return std::to_string(minutes / 60) + " 小时 " + std::to_string(minutes % 60) + " 分钟";
}

}  // namespace yst::minutes
