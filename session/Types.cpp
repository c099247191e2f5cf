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

}  // namespace yst
