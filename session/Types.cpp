#include "session/Types.hpp"

#include <cmath>
#include <ctime>

namespace yst {

std::string_view to_string(Role r) {
  switch (r) {
    case Role::host: return "host";
    case Role::member: return "member";
    case Role::department: return "department";
    case Role::clerk: return "clerk";
    case Role::audience: return "audience";
    case Role::overlay: return "overlay";
  }
  return "audience";
}

std::optional<Role> role_from_string(std::string_view s) {
  for (Role r : kAllRoles)
    if (to_string(r) == s) return r;
  return std::nullopt;
}

std::string_view to_string(ErrorCode c) {
  switch (c) {
    case ErrorCode::bad_request: return "bad_request";
    case ErrorCode::unauthorized: return "unauthorized";
    case ErrorCode::forbidden: return "forbidden";
    case ErrorCode::not_found: return "not_found";
    case ErrorCode::not_joined: return "not_joined";
    case ErrorCode::conflict: return "conflict";
    case ErrorCode::not_live: return "not_live";
    case ErrorCode::too_large: return "too_large";
    case ErrorCode::rate_limited: return "rate_limited";
    case ErrorCode::resume_too_far: return "resume_too_far";
    case ErrorCode::internal: return "internal";
    case ErrorCode::unavailable: return "unavailable";
  }
  return "internal";
}

int http_status(ErrorCode c) {
  switch (c) {
    case ErrorCode::bad_request: return 400;
    case ErrorCode::unauthorized: return 401;
    case ErrorCode::forbidden: return 403;
    case ErrorCode::not_found: return 404;
    case ErrorCode::conflict: return 409;
    case ErrorCode::too_large: return 413;
    case ErrorCode::rate_limited: return 429;
    case ErrorCode::not_live: return 409;
    case ErrorCode::not_joined: return 401;
    case ErrorCode::resume_too_far: return 409;
    case ErrorCode::internal: return 500;
    case ErrorCode::unavailable: return 503;
  }
  return 500;
}

std::string_view to_string(Status s) {
  switch (s) {
    case Status::scheduled: return "scheduled";
    case Status::live: return "live";
    case Status::ended: return "ended";
  }
  return "scheduled";
}

json to_json(const Actor& a) {
  return json{{"participant", a.participant}, {"role", to_string(a.role)}, {"name", a.name}};
}

std::optional<Settings> Settings::from_json(const json& j, std::string& why) {
  Settings s;
  if (j.is_null()) return s;
  if (!j.is_object()) {
    why = "settings must be an object";
    return std::nullopt;
  }
  for (const auto& [key, value] : j.items()) {
    if (key == "pre_moderation" || key == "audience_can_vote") {
      if (!value.is_boolean()) {
        why = key + " must be a boolean";
        return std::nullopt;
      }
      (key == "pre_moderation" ? s.pre_moderation : s.audience_can_vote) = value.get<bool>();
    } else if (key == "consensus_threshold") {
      if (!value.is_number() || !(value.get<double>() > 0.0) || value.get<double>() > 1.0) {
        why = "consensus_threshold must be a number in (0, 1]";
        return std::nullopt;
      }
      s.consensus_threshold = value.get<double>();
    } else if (key == "ask_interval_s") {
      if (!value.is_number_integer() || value.get<int64_t>() < 0 || value.get<int64_t>() > 86400) {
        why = "ask_interval_s must be an integer from 0 to 86400";
        return std::nullopt;
      }
      s.ask_interval_s = value.get<int>();
    } else if (key == "counted_roles") {
      if (!value.is_array() || value.empty()) {
        why = "counted_roles must be a non-empty array of staff roles";
        return std::nullopt;
      }
      s.counted_roles.clear();
      for (const auto& r : value) {
        auto role = r.is_string() ? role_from_string(r.get<std::string>()) : std::nullopt;
        if (!role || *role == Role::audience) {
          why = "counted_roles may list host, member, department, clerk";
          return std::nullopt;
        }
        s.counted_roles.push_back(*role);
      }
    } else {
      why = "unknown setting: " + key;
      return std::nullopt;
    }
  }
  return s;
}

json Settings::to_json() const {
  json roles = json::array();
  for (Role r : counted_roles) roles.push_back(to_string(r));
  return json{{"pre_moderation", pre_moderation},
              {"audience_can_vote", audience_can_vote},
              {"consensus_threshold", consensus_threshold},
              {"counted_roles", roles},
              {"ask_interval_s", ask_interval_s}};
}

int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

bool is_calendar_date(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  int parts[3] = {0, 0, 0};
  const size_t starts[3] = {0, 5, 8}, lengths[3] = {4, 2, 2};
  for (int k = 0; k < 3; ++k)
    for (size_t i = starts[k]; i < starts[k] + lengths[k]; ++i) {
      if (s[i] < '0' || s[i] > '9') return false;
      parts[k] = parts[k] * 10 + (s[i] - '0');
    }
  const int y = parts[0], m = parts[1], d = parts[2];
  if (m < 1 || m > 12 || d < 1) return false;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return d <= kDays[m - 1] + (m == 2 && leap ? 1 : 0);
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

std::string format_time_ms(int64_t unix_ms) {
  std::time_t secs = static_cast<std::time_t>(unix_ms / 1000);
  int ms = static_cast<int>(unix_ms % 1000);
  if (ms < 0) {
    ms += 1000;
    --secs;
  }
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
  return buf;
}

std::string local_date(int64_t unix_ms) {
  std::time_t secs = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  localtime_r(&secs, &tm);
  char buf[32];  // room for any int the format could be given, so nothing is cut
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
  return buf;
}

json to_json_time(const std::optional<int64_t>& unix_ms) {
  return unix_ms ? json(format_time_ms(*unix_ms)) : json(nullptr);
}

json to_json_nonempty(const std::string& text) { return text.empty() ? json(nullptr) : json(text); }

}  // namespace yst
