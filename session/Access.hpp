#pragma once
// Who may do what through the HTTP API (the contract's "who" column): pure functions of
// who is asking and the session's status, so that handlers only ask, and the rules are
// tested without a server. A refusal says 401 when no token was presented (log in and
// try again) and 403 when the token presented does not allow it.
#include <optional>

#include "session/Types.hpp"

namespace yst {

// Who is asking, for one session.
struct Viewer {
  enum class Kind {
    nobody,       // no token
    stranger,     // a token that is neither the admin's nor one of this session's
    admin,
    participant,  // a token of this session, in `role`
  };
  Kind kind = Kind::nobody;
  Role role = Role::audience;  // meaningful for a participant only
};

// The admin counts as staff of every session, and acts as its host.
bool is_staff(const Viewer& v);
// Whose view of the events a viewer gets: the participant's role, the host's for the
// admin, the audience's for everyone else.
Role acting_role(const Viewer& v);

// Each returns the refusal, or nothing when the viewer may.
std::optional<Error> may_create_session(const Viewer& v);
std::optional<Error> may_add_participant(const Viewer& v);
// Correcting a participant, re-issuing or revoking their join link: the same people who
// add participants.
std::optional<Error> may_manage_participant(const Viewer& v);
std::optional<Error> may_list_participants(const Viewer& v);
// Staff while the session is scheduled or live; anyone once it has ended.
std::optional<Error> may_read_minutes(const Viewer& v, Status status);

}  // namespace yst
