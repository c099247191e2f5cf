// The HTTP API's permission rules (session/Access), for every kind of viewer.
#include <gtest/gtest.h>

#include "session/Access.hpp"

using namespace yst;

namespace {

const Viewer kNobody{Viewer::Kind::nobody};
const Viewer kStranger{Viewer::Kind::stranger};
const Viewer kAdmin{Viewer::Kind::admin};
Viewer participant(Role r) { return Viewer{Viewer::Kind::participant, r}; }

// "allowed", or the refusal's code.
std::string verdict(const std::optional<Error>& refusal) {
  return refusal ? std::string(to_string(refusal->code)) : "allowed";
}

}  // namespace

TEST(Access, OnlyTheAdminCreatesSessions) {
  EXPECT_EQ(verdict(may_create_session(kAdmin)), "allowed");
  EXPECT_EQ(verdict(may_create_session(kNobody)), "unauthorized");
  EXPECT_EQ(may_create_session(kNobody)->message, "the admin token is required");
  EXPECT_EQ(verdict(may_create_session(kStranger)), "forbidden");
  EXPECT_EQ(may_create_session(kStranger)->message, "only the admin may create sessions");
  EXPECT_EQ(verdict(may_create_session(participant(Role::host))), "forbidden");
}

TEST(Access, TheAdminAndTheHostAddParticipants) {
  EXPECT_EQ(verdict(may_add_participant(kAdmin)), "allowed");
  EXPECT_EQ(verdict(may_add_participant(participant(Role::host))), "allowed");
  for (Role r : {Role::member, Role::department, Role::clerk})
    EXPECT_EQ(verdict(may_add_participant(participant(r))), "forbidden") << to_string(r);
  EXPECT_EQ(verdict(may_add_participant(kStranger)), "forbidden");
  EXPECT_EQ(may_add_participant(kStranger)->message, "only the admin or the host may add participants");
  EXPECT_EQ(verdict(may_add_participant(kNobody)), "unauthorized");
  EXPECT_EQ(may_add_participant(kNobody)->message, "a token is required");
}

TEST(Access, StaffListParticipants) {
  EXPECT_EQ(verdict(may_list_participants(kAdmin)), "allowed");
  for (Role r : {Role::host, Role::member, Role::department, Role::clerk})
    EXPECT_EQ(verdict(may_list_participants(participant(r))), "allowed") << to_string(r);
  EXPECT_EQ(verdict(may_list_participants(kStranger)), "forbidden");
  EXPECT_EQ(verdict(may_list_participants(kNobody)), "unauthorized");
  EXPECT_EQ(may_list_participants(kNobody)->message, "staff of this session only");
}

TEST(Access, MinutesAreForStaffUntilTheEndThenForAnyone) {
  for (Status s : {Status::scheduled, Status::live}) {
    EXPECT_EQ(verdict(may_read_minutes(kAdmin, s)), "allowed");
    EXPECT_EQ(verdict(may_read_minutes(participant(Role::clerk), s)), "allowed");
    EXPECT_EQ(verdict(may_read_minutes(kStranger, s)), "forbidden");
    EXPECT_EQ(verdict(may_read_minutes(kNobody, s)), "unauthorized");
    EXPECT_EQ(may_read_minutes(kNobody, s)->message, "the minutes are open to staff until the session ends");
  }
  for (const Viewer& v : {kNobody, kStranger, kAdmin, participant(Role::member)})
    EXPECT_EQ(verdict(may_read_minutes(v, Status::ended)), "allowed");
}

TEST(Access, TheAdminActsAsHostAndOutsidersAsAudience) {
  EXPECT_EQ(acting_role(kAdmin), Role::host);
  EXPECT_EQ(acting_role(kNobody), Role::audience);
  EXPECT_EQ(acting_role(kStranger), Role::audience);
  for (Role r : kAllRoles) EXPECT_EQ(acting_role(participant(r)), r);
  EXPECT_TRUE(is_staff(kAdmin));
  EXPECT_FALSE(is_staff(kStranger));
  EXPECT_FALSE(is_staff(kNobody));
}
