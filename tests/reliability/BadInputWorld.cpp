// Building the bad-input suite's world, and reading what must not change.
#include "tests/reliability/BadInputWorld.hpp"

namespace yst::test::bad_input {

const char* who_name(Who w) {
  switch (w) {
    case Who::none: return "unjoined";
    case Who::host: return "host";
    case Who::member: return "member";
    case Who::department: return "department";
    case Who::clerk: return "clerk";
    case Who::audience: return "audience";
  }
  return "?";
}

std::string where_name(Where w) {
  switch (w) {
    case Where::main: return "main";
    case Where::scheduled: return "scheduled";
    case Where::ended: return "ended";
    case Where::novote: return "novote";
    case Where::scratch: return "scratch";
    case Where::other: return "other";
  }
  return "?";
}

namespace {

std::string all_events(World& w, Where where) {
  auto r = http(w.srv->port(), "GET", "/api/sessions/" + S(w, where) + "/events?limit=1000", "",
                bearer(w.token.at(where).at(Who::host)));
  EXPECT_EQ(r.status, 200) << r.body;
  return r.body;
}

}  // namespace

Stored stored(World& w) {
  Stored s;
  for (Where where : {Where::main, Where::scheduled, Where::ended, Where::novote, Where::other})
    s.events[where] = all_events(w, where);
  auto snap = http(w.srv->port(), "GET", "/api/sessions/" + S(w)).json_body();
  snap.erase("online");
  snap.erase("peak_audience");
  s.main_snapshot = snap.dump();
  s.main_participants =
      http(w.srv->port(), "GET", "/api/sessions/" + S(w) + "/participants", "", bearer(w.srv->admin_token())).body;
  s.sessions = http(w.srv->port(), "GET", "/api/sessions").json_body().size();
  return s;
}

void build_world(World& w) {
  w.srv = std::make_unique<ServerProcess>(std::vector<std::string>{"--header-timeout", "2"});
  auto& srv = *w.srv;
  auto make = [&](Where where, json body, std::vector<Who> staff) {
    auto c = create_session(srv, body);
    ASSERT_FALSE(c.id.empty());
    w.sid[where] = c.id;
    w.token[where][Who::host] = c.host_token;
    for (Who who : staff) {
      static const std::map<Who, std::pair<const char*, const char*>> names = {
          {Who::member, {"李委员", "member"}}, {Who::department, {"住建局王科长", "department"}}, {Who::clerk, {"记录员", "clerk"}}};
      w.token[where][who] = add_participant(srv, c.id, names.at(who).first, names.at(who).second);
    }
  };
  const std::vector<Who> all = {Who::member, Who::department, Who::clerk};
  make(Where::main, json{{"title", "有事来协商——加装电梯"}, {"topic", "老旧小区加装电梯"}}, all);
  make(Where::scheduled, json{{"title", "未开始的一期"}}, all);
  make(Where::ended, json{{"title", "已结束的一期"}}, all);
  make(Where::novote, json{{"title", "听众不投票"}, {"settings", {{"audience_can_vote", false}}}}, {});
  make(Where::scratch, json{{"title", "草稿"}}, all);
  make(Where::other, json{{"title", "另一期"}}, {Who::member});

  // main: live; q1 approved (upvoted once), q2 pending, pt1 open (a member agreed), pt2 closed.
  w.keeper = std::make_unique<WsClient>(srv.port());
  auto& host = *w.keeper;
  ASSERT_EQ(staff_join(host, S(w), w.token[Where::main][Who::host])["type"], "welcome");
  ASSERT_EQ(host.request({{"type", "start"}})["type"], "ack");
  WsClient a1(srv.port()), a2(srv.port()), member(srv.port());
  auto aw = audience_join(a1, S(w), "听众甲", w.setup_audience_client);
  w.setup_audience_participant = aw["you"]["participant"];
  ASSERT_EQ(audience_join(a2, S(w), "听众乙", "setup-audience-0002")["type"], "welcome");
  ASSERT_EQ(a1.request({{"type", "ask"}, {"text", "电梯加装费用如何分摊？"}})["question"], "q1");
  ASSERT_EQ(a2.request({{"type", "ask"}, {"text", "低层住户的意见怎么办？"}})["question"], "q2");
  ASSERT_EQ(host.request({{"type", "moderate"}, {"question", "q1"}, {"action", "approve"}})["type"], "ack");
  ASSERT_EQ(a1.request({{"type", "upvote"}, {"question", "q1"}})["count"], 1);
  ASSERT_EQ(staff_join(member, S(w), w.token[Where::main][Who::member])["type"], "welcome");
  ASSERT_EQ(member.request({{"type", "propose"}, {"text", "建议先征求全体住户意见"}})["point"], "pt1");
  ASSERT_EQ(member.request({{"type", "vote"}, {"point", "pt1"}, {"choice", "agree"}})["type"], "ack");
  ASSERT_EQ(member.request({{"type", "propose"}, {"text", "费用按楼层分摊"}})["point"], "pt2");
  ASSERT_EQ(host.request({{"type", "close_point"}, {"point", "pt2"}})["type"], "ack");

  // ended: started, one point, ended. novote and scratch: live.
  for (Where where : {Where::ended, Where::novote, Where::scratch}) {
    WsClient h(srv.port());
    ASSERT_EQ(staff_join(h, S(w, where), w.token[where][Who::host])["type"], "welcome");
    ASSERT_EQ(h.request({{"type", "start"}})["type"], "ack");
    ASSERT_EQ(h.request({{"type", "propose"}, {"text", "第一项"}})["point"], "pt1");
    if (where == Where::ended) {
      ASSERT_EQ(h.request({{"type", "end"}})["type"], "ack");
    }
  }
}

}  // namespace yst::test::bad_input
