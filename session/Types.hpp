#pragma once
// Vocabulary of the consultation domain, shared by session/, storage/ and server/.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace yst {

using json = nlohmann::json;

// `overlay` is a broadcast overlay or preview screen: it sees what the audience sees,
// sends nothing and is never counted as audience.
enum class Role { host, member, department, clerk, audience, overlay };
inline constexpr int kRoleCount = 6;
inline constexpr Role kAllRoles[kRoleCount] = {Role::host,  Role::member,   Role::department,
                                              Role::clerk, Role::audience, Role::overlay};

std::string_view to_string(Role r);
std::optional<Role> role_from_string(std::string_view s);
inline bool is_staff(Role r) { return r != Role::audience && r != Role::overlay; }

enum class ErrorCode {
  bad_request,
  unauthorized,
  forbidden,
  not_found,
  not_joined,
  conflict,
  not_live,
  too_large,
  rate_limited,
  resume_too_far,
  internal,
  // Extension: the server could not store the request (its disk is full or failing, its
  // database is away) or cannot decide it right now; nothing was stored; try again.
  unavailable,
};
std::string_view to_string(ErrorCode c);
int http_status(ErrorCode c);

struct Error {
  ErrorCode code;
  std::string message;
};

enum class Status { scheduled, live, ended };
std::string_view to_string(Status s);

// Who did something: the `by` of an event.
struct Actor {
  std::string participant;
  Role role;
  std::string name;
};
json to_json(const Actor& a);

struct Settings {
  bool pre_moderation = true;
  bool audience_can_vote = true;
  double consensus_threshold = 2.0 / 3.0;
  std::vector<Role> counted_roles{Role::member, Role::department};
  int ask_interval_s = 10;

  // Fills from a client-supplied object; unknown keys are refused so that typos do not
  // silently fall back to defaults.
  static std::optional<Settings> from_json(const json& j, std::string& why);
  json to_json() const;
};

struct SessionInfo {
  std::string id;
  std::string title;
  std::string topic;
  std::string stream_url;
  std::string scheduled_at;  // ISO 8601 as given, empty when not scheduled
  Settings settings;
  int64_t created_ms = 0;
  std::string venue;         // free text: a street's 议事厅, the online studio
  std::string form;          // a consultation form (Vocabulary's is_consultation_form), or empty
  int episode = 0;           // extension: the programme's issue number (第X期), 0 when not given
  std::string plan_item;     // the year's plan item it holds, or empty
};

// A person's name, in characters: a participant's, a host's, an audience member's.
inline constexpr size_t kMaxNameChars = 32;

struct Participant {
  std::string id;
  std::string session_id;
  Role role = Role::audience;
  std::string name;
  std::string affiliation;
  std::string person = {};  // the roster's person this participant is, or empty
};

// A real date written YYYY-MM-DD (no 2026-02-30).
bool is_calendar_date(std::string_view s);

// The server's local date of a moment, YYYY-MM-DD (what "overdue" is judged against).
std::string local_date(int64_t unix_ms);

// ISO 8601 UTC with milliseconds, e.g. 2026-11-26T21:30:00.123Z.
std::string format_time_ms(int64_t unix_ms);
// Days since 1970-01-01 of a proleptic Gregorian date.
int64_t days_from_civil(int64_t y, unsigned m, unsigned d);
// An ISO 8601 timestamp with a zone (Z or ±hh:mm): only such a string names an instant;
// anything else is nullopt rather than a guess.
std::optional<int64_t> parse_iso8601_ms(std::string_view s);
// The contract's nullable fields: a time that has not happened yet, or text that was
// never given, is null rather than absent, 0 or "".
json to_json_time(const std::optional<int64_t>& unix_ms);
json to_json_nonempty(const std::string& text);

}  // namespace yst
