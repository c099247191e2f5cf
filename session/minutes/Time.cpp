#include "session/minutes/Time.hpp"

#include "session/Types.hpp"

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

std::string cst_date_cn(int64_t unix_ms) {
  const std::string d = cst_date(unix_ms);  // YYYY-MM-DD
  return d.substr(0, 4) + "年" + std::to_string(std::stoi(d.substr(5, 2))) + "月" + std::to_string(std::stoi(d.substr(8, 2))) +
         "日";
}

std::string cst_clock(int64_t unix_ms) { return cst_datetime(unix_ms).substr(11, 5); }

std::string utc_w3cdtf(int64_t unix_ms) {
  std::tm tm = utc_tm(unix_ms);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
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

std::string seconds_cn(int64_t ms) {
  const int64_t s = std::max<int64_t>(0, ms) / 1000;
  char buf[48];
  if (s >= 3600)
    std::snprintf(buf, sizeof buf, "%lld 小时 %lld 分 %02lld 秒", static_cast<long long>(s / 3600),
                  static_cast<long long>(s / 60 % 60), static_cast<long long>(s % 60));
  else
    std::snprintf(buf, sizeof buf, "%lld 分 %02lld 秒", static_cast<long long>(s / 60), static_cast<long long>(s % 60));
  return buf;
}

std::string timecode(int64_t offset_ms) {
  const int64_t s = std::max<int64_t>(0, offset_ms) / 1000;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", static_cast<long long>(s / 3600),
                static_cast<long long>(s / 60 % 60), static_cast<long long>(s % 60));
  return buf;
}

std::string vtt_timestamp(int64_t offset_ms) {
  const int64_t ms = std::max<int64_t>(0, offset_ms);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%02lld:%02lld:%02lld.%03lld", static_cast<long long>(ms / 3600000),
                static_cast<long long>(ms / 60000 % 60), static_cast<long long>(ms / 1000 % 60),
                static_cast<long long>(ms % 1000));
  return buf;
}

}  // namespace yst::minutes
