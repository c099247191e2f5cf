#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "session/Types.hpp"

namespace yst {

enum class RequestType {
  join,
  start,
  end,
  say,
  ask,
  upvote,
  moderate,
  merge,
  raise_hand,
  lower_hand,
  floor,
  on_air,
  propose,
  vote,
  close_point,
  note,
  submit_minutes,
  approve_minutes,
  commit,
  update_commitment,
  case_text,
  ping,
};
inline constexpr RequestType kAllRequestTypes[] = {
    RequestType::join,       RequestType::start,          RequestType::end,        RequestType::say,
    RequestType::ask,        RequestType::upvote,         RequestType::moderate,   RequestType::merge,
    RequestType::raise_hand, RequestType::lower_hand,     RequestType::floor,      RequestType::on_air,
    RequestType::propose,    RequestType::vote,           RequestType::close_point, RequestType::note,
    RequestType::submit_minutes, RequestType::approve_minutes, RequestType::commit,
    RequestType::update_commitment, RequestType::case_text, RequestType::ping};
std::string_view to_string(RequestType t);
std::optional<RequestType> request_type_from_string(std::string_view s);

enum class Choice { agree, disagree, abstain };
std::string_view to_string(Choice c);

enum class ModerateAction { approve, reject, feature, unfeature, answered };

// A client request, validated for shape (types, lengths, characters) but not yet for
// permission or state: that is Session's job.
struct Request {
  RequestType type = RequestType::ping;
  // join
  std::string session;
  std::string token;                 // staff
  std::optional<Role> claimed_role;  // audience and overlay joins name their role
  std::string name;
  std::string client_id;
  std::optional<int64_t> after;
  bool batch = false;  // extension: several messages per frame
  // say / ask / propose / note; raise_hand's note
  std::string text;
  std::string reply_to;
  // upvote / moderate
  std::string question;
  std::string into;  // merge
  ModerateAction action = ModerateAction::approve;
  std::string reason;
  // floor: empty optional releases it; lower_hand: empty is the caller's own hand
  std::optional<std::string> participant;
  std::optional<int> seconds;  // floor: a time budget
  std::optional<int64_t> at_ms;  // on_air: when the picture went live (default: now)
  // vote / close_point
  std::string point;
  Choice choice = Choice::agree;
  // commit / update_commitment / case_text (text is the commitment's, the report's or the section's)
  std::string department;  // commit: a department participant's id (empty: the caller)
  std::string due;         // commit: YYYY-MM-DD, or empty
  std::string commitment;  // update_commitment
  std::string progress_status;  // update_commitment: in_progress or done
  std::string section;          // case_text: background or lessons
};

struct ParsedRequest {
  json id;             // echoed in the reply: null, string or integer
  std::string type;    // as sent, so that the caller can apply not_joined before bad_request
  std::optional<Request> request;
  std::optional<Error> error;
};

inline constexpr int kMaxJsonDepth = 32;
inline constexpr int kMinFloorSeconds = 10;    // a floor's time budget, in seconds
inline constexpr int kMaxFloorSeconds = 3600;

// Field limits of a request, in characters (code points). The pages' maxlength
// attributes (web/*.html) repeat the ones a person types.
inline constexpr size_t kMaxIdChars = 64;         // session, question, point, participant, reply_to
inline constexpr size_t kMaxTokenChars = 256;
inline constexpr size_t kMaxKeywordChars = 16;    // role, action, choice
inline constexpr size_t kMinClientIdChars = 8;
inline constexpr size_t kMaxClientIdChars = 64;
inline constexpr size_t kMaxSayChars = 2000;
inline constexpr size_t kMaxAskChars = 500;
inline constexpr size_t kMaxProposeChars = 500;
inline constexpr size_t kMaxReasonChars = 500;    // moderate
inline constexpr size_t kMaxNoteChars = 5000;
inline constexpr size_t kMaxHandNoteChars = 200;  // raise_hand
inline constexpr size_t kMaxTimeChars = 40;       // on_air's ISO 8601 `at`
inline constexpr size_t kMaxCommitChars = 500;
inline constexpr size_t kMaxProgressChars = 1000;  // update_commitment
inline constexpr size_t kMaxCaseTextChars = 5000;
// The request's own "id", echoed in its reply: bytes, not characters.
inline constexpr size_t kMaxRequestIdBytes = 128;

// Parses one text frame (already known to be valid UTF-8).
ParsedRequest parse_request(std::string_view frame);

}  // namespace yst
