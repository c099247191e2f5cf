#include "session/Access.hpp"

namespace yst {

namespace {
Error refuse(const Viewer& v, std::string message) {
  return Error{v.kind == Viewer::Kind::nobody ? ErrorCode::unauthorized : ErrorCode::forbidden, std::move(message)};
}
}  // namespace

bool is_staff(const Viewer& v) {
  return v.kind == Viewer::Kind::admin || (v.kind == Viewer::Kind::participant && is_staff(v.role));
}

Role acting_role(const Viewer& v) {
  switch (v.kind) {
    case Viewer::Kind::admin: return Role::host;
    case Viewer::Kind::participant: return v.role;
    case Viewer::Kind::nobody:
    case Viewer::Kind::stranger: return Role::audience;
  }
  return Role::audience;
}

std::optional<Error> may_create_session(const Viewer& v) {
  if (v.kind == Viewer::Kind::admin) return std::nullopt;
  return refuse(v, v.kind == Viewer::Kind::nobody ? "the admin token is required" : "only the admin may create sessions");
}

namespace {
// The session's participants are the admin's and the host's to manage.
std::optional<Error> admin_or_host(const Viewer& v, const char* refusal) {
  if (v.kind == Viewer::Kind::admin || (v.kind == Viewer::Kind::participant && v.role == Role::host))
    return std::nullopt;
  return refuse(v, v.kind == Viewer::Kind::nobody ? "a token is required" : refusal);
}
}  // namespace

std::optional<Error> may_add_participant(const Viewer& v) {
  return admin_or_host(v, "only the admin or the host may add participants");
}

std::optional<Error> may_manage_participant(const Viewer& v) {
  return admin_or_host(v, "only the admin or the host may change a participant or their link");
}

std::optional<Error> may_list_participants(const Viewer& v) {
  if (is_staff(v)) return std::nullopt;
  return refuse(v, "staff of this session only");
}

std::optional<Error> may_read_minutes(const Viewer& v, Status status) {
  if (status == Status::ended || is_staff(v)) return std::nullopt;
  return refuse(v, "the minutes are open to staff until the session ends");
}

}  // namespace yst
