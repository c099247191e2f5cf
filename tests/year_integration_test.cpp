// The year around the broadcast against the real server: the plan and its calendar, the
// commitments of every session, the participation statistics computed from sessions this
// test drives, compared figure by figure.
#include <gtest/gtest.h>

#include <algorithm>

#include "tests/support/Helpers.hpp"

using namespace yst;
using namespace yst::test;

namespace {

json post_item(const ServerProcess& srv, const json& body, int expect = 201) {
  auto r = http(srv.port(), "POST", "/api/plan", body.dump(), bearer(srv.admin_token()));
  EXPECT_EQ(r.status, expect) << r.body;
  return r.json_body();
}

json get_json(const ServerProcess& srv, const std::string& target, const std::string& token = "") {
  auto r = http(srv.port(), "GET", target, "", token.empty() ? std::map<std::string, std::string>{} : bearer(token));
  EXPECT_EQ(r.status, 200) << target << ": " << r.body;
  return r.json_body();
}

json ok(const json& r) {
  EXPECT_EQ(r["type"], "ack") << r.dump();
  return r;
}

}  // namespace

TEST(Plan, ItemsFollowTheirSessionsAndTheCalendarOffersThem) {
  ServerProcess srv;
  // Refusals: the admin only, the contract's fields only.
  EXPECT_EQ(http(srv.port(), "POST", "/api/plan", json{{"year", 2027}, {"topic", "x"}, {"form", "micro"}}.dump()).status, 401);
  post_item(srv, json{{"year", 2027}, {"topic", "x"}}, 400);
  post_item(srv, json{{"year", 2027}, {"topic", "x"}, {"form", "party"}}, 400);
  post_item(srv, json{{"year", 2027}, {"topic", "x"}, {"form", "micro"}, {"planned_date", "2027-02-30"}}, 400);
  post_item(srv, json{{"year", 2027}, {"topic", "x"}, {"form", "micro"}, {"colour", "red"}}, 400);
  post_item(srv, json{{"year", 2027}, {"topic", "x"}, {"form", "micro"}, {"planned_date", "2026-12-01"}}, 400);

  auto lift = post_item(srv, json{{"year", 2027},
                                  {"topic", "老旧小区加装电梯"},
                                  {"form", "micro"},
                                  {"venue", "东街道议事厅"},
                                  {"planned_date", "2027-03-15"},
                                  {"lead", "区住建局"},
                                  {"departments", {"区住建局", "区财政局"}}});
  EXPECT_EQ(lift["status"], "planned");
  auto meals = post_item(srv, json{{"year", 2027}, {"topic", "社区助餐"}, {"form", "thematic"}, {"planned_date", "2027-01"}});
  auto later = post_item(srv, json{{"year", 2027}, {"topic", "背街小巷停车"}, {"form", "supervision"}});
  post_item(srv, json{{"year", 2026}, {"topic", "去年的议题"}, {"form", "forum"}, {"planned_date", "2026-05-01"}});

  auto plan = get_json(srv, "/api/plan?year=2027");
  ASSERT_EQ(plan.size(), 3u);
  EXPECT_EQ(plan[0]["topic"], "社区助餐") << "by planned date: 2027-01 first";
  EXPECT_EQ(plan[1]["topic"], "老旧小区加装电梯");
  EXPECT_EQ(plan[2]["topic"], "背街小巷停车") << "undated last";
  EXPECT_EQ(plan[1]["departments"], json({"区住建局", "区财政局"}));
  EXPECT_EQ(get_json(srv, "/api/plan").size(), 4u);

  // A session held for the item: the item's form and venue win, its topic is the default.
  auto s = create_session(srv, json{{"title", "第12期 加装电梯怎么装"}, {"plan_item", lift["id"]}, {"form", "forum"},
                                    {"venue", "别处"}, {"scheduled_at", "2027-03-15T19:30:00+08:00"}});
  auto snap = get_json(srv, "/api/sessions/" + s.id);
  EXPECT_EQ(snap["form"], "micro");
  EXPECT_EQ(snap["venue"], "东街道议事厅");
  EXPECT_EQ(snap["topic"], "老旧小区加装电梯");
  EXPECT_EQ(snap["plan_item"], lift["id"]);
  EXPECT_EQ(http(srv.port(), "POST", "/api/sessions", json{{"title", "x"}, {"plan_item", "pl_nothing"}}.dump(),
                 bearer(srv.admin_token())).status,
            404);
  auto item = [&](const json& which) {
    for (const auto& i : get_json(srv, "/api/plan?year=2027"))
      if (i["id"] == which["id"]) return i;
    return json();
  };
  EXPECT_EQ(item(lift)["status"], "scheduled");
  EXPECT_EQ(item(lift)["sessions"], json({s.id}));

  // The calendar: the dated item all day, the scheduled session at its hour; a month is
  // no day; lines folded at 75 octets and ended with CRLF.
  auto ics = http(srv.port(), "GET", "/api/plan.ics?year=2027");
  ASSERT_EQ(ics.status, 200);
  EXPECT_EQ(ics.headers["content-type"], "text/calendar; charset=utf-8");
  const std::string& cal = ics.body;
  EXPECT_EQ(cal.rfind("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n", 0), 0u);
  EXPECT_NE(cal.find("UID:plan-" + lift["id"].get<std::string>() + "@"), std::string::npos);
  EXPECT_NE(cal.find("DTSTART;VALUE=DATE:20270315\r\nDTEND;VALUE=DATE:20270316\r\n"), std::string::npos);
  EXPECT_NE(cal.find("SUMMARY:小微协商：老旧小区加装电梯"), std::string::npos);
  EXPECT_NE(cal.find("UID:session-" + s.id + "@"), std::string::npos);
  EXPECT_NE(cal.find("DTSTART:20270315T113000Z"), std::string::npos) << "19:30 in Beijing";
  EXPECT_EQ(cal.find("社区助餐"), std::string::npos) << "2027-01 is a month, not a day";
  EXPECT_EQ(cal.find("去年的议题"), std::string::npos) << "another year";
  size_t line_start = 0;
  for (size_t at = cal.find("\r\n"); at != std::string::npos; at = cal.find("\r\n", line_start)) {
    EXPECT_LE(at - line_start, 75u) << cal.substr(line_start, at - line_start);
    line_start = at + 2;
  }
  EXPECT_EQ(cal.find('\n'), cal.find("\r\n") + 1) << "CRLF";
  EXPECT_EQ(cal.substr(cal.size() - 15), "END:VCALENDAR\r\n");

  // Held once its session has ended; cancelled by the admin; a cancelled item holds nothing.
  WsClient host(srv.port());
  staff_join(host, s.id, s.host_token);
  ok(host.request({{"type", "start"}}));
  EXPECT_EQ(item(lift)["status"], "scheduled");
  ok(host.request({{"type", "end"}}));
  EXPECT_EQ(item(lift)["status"], "held");
  auto patched = http(srv.port(), "PATCH", "/api/plan/" + later["id"].get<std::string>(),
                      json{{"status", "cancelled"}, {"venue", "北街道议事厅"}}.dump(), bearer(srv.admin_token()));
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(patched.json_body()["status"], "cancelled");
  EXPECT_EQ(patched.json_body()["venue"], "北街道议事厅");
  EXPECT_EQ(http(srv.port(), "POST", "/api/sessions", json{{"title", "x"}, {"plan_item", later["id"]}}.dump(),
                 bearer(srv.admin_token())).status,
            409);
  EXPECT_EQ(http(srv.port(), "PATCH", "/api/plan/pl_nothing", json{{"topic", "x"}}.dump(), bearer(srv.admin_token())).status,
            404);
  EXPECT_EQ(http(srv.port(), "PATCH", "/api/plan/" + meals["id"].get<std::string>(), json{{"status", "held"}}.dump(),
                 bearer(srv.admin_token())).status,
            400) << "held follows the sessions";

  // The plan survives a restart.
  const std::string data = srv.data_dir();
  srv.keep_data();
  srv.stop();
  ServerProcess again({}, data);
  auto reloaded = get_json(again, "/api/plan?year=2027");
  ASSERT_EQ(reloaded.size(), 3u);
  EXPECT_EQ(reloaded[1]["status"], "held");
  EXPECT_EQ(reloaded[2]["status"], "cancelled");
}

TEST(Commitments, EverySessionsCommitmentsAreListedAndFilteredForTheFollowUpPage) {
  ServerProcess srv;
  auto a = create_session(srv, json{{"title", "加装电梯"}});
  auto b = create_session(srv, json{{"title", "社区助餐"}});
  auto dept_a = add_person(srv, a.id, "陈科长", "department", "区住建局");
  auto dept_b = add_person(srv, b.id, "李主任", "department", "区民政局");
  WsClient ha(srv.port()), hb(srv.port()), da(srv.port()), db(srv.port());
  staff_join(ha, a.id, a.host_token);
  staff_join(hb, b.id, b.host_token);
  staff_join(da, a.id, dept_a.token);
  staff_join(db, b.id, dept_b.token);
  ok(ha.request({{"type", "start"}}));
  ok(hb.request({{"type", "start"}}));
  // Overdue: a due date already past (the clock of a test cannot wait a day).
  ok(ha.request({{"type", "commit"}, {"text", "上半年完成设计"}, {"department", dept_a.id}, {"due", "2020-06-30"}}));
  ok(da.request({{"type", "commit"}, {"text", "年底前完成加装"}, {"due", "2099-12-31"}}));
  ok(db.request({{"type", "commit"}, {"text", "新增助餐点十个"}}));
  ok(ha.request({{"type", "end"}}));
  // Reported after the programme, from the department's own link.
  ok(da.request({{"type", "update_commitment"}, {"commitment", "c2"}, {"status", "done"}, {"text", "已全部完工"}}));

  auto all = get_json(srv, "/api/commitments");
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0]["session"], a.id);
  EXPECT_EQ(all[0]["session_title"], "加装电梯");
  EXPECT_EQ(all[0]["overdue"], true);
  EXPECT_EQ(all[1]["status"], "done");
  EXPECT_EQ(all[1]["progress"], "已全部完工");
  EXPECT_EQ(all[2]["session"], b.id);
  EXPECT_EQ(get_json(srv, "/api/commitments?status=done").size(), 1u);
  auto overdue = get_json(srv, "/api/commitments?overdue=true");
  ASSERT_EQ(overdue.size(), 1u);
  EXPECT_EQ(overdue[0]["text"], "上半年完成设计");
  EXPECT_EQ(get_json(srv, "/api/commitments?department=" + std::string("%E5%8C%BA%E6%B0%91%E6%94%BF%E5%B1%80")).size(), 1u)
      << "by the department's unit (区民政局)";
  EXPECT_EQ(get_json(srv, "/api/commitments?department=" + std::string("%E9%99%88%E7%A7%91%E9%95%BF")).size(), 2u)
      << "or by its representative's name (陈科长)";
  EXPECT_EQ(http(srv.port(), "GET", "/api/commitments?status=late").status, 400);
}

TEST(Stats, EveryFigureIsComputedFromTheSessionsAsTheContractDefinesIt) {
  ServerProcess srv;
  auto item = post_item(srv, json{{"year", 2027}, {"topic", "加装电梯"}, {"form", "micro"}, {"venue", "东街道议事厅"}});
  auto a = create_session(srv, json{{"title", "加装电梯"}, {"plan_item", item["id"]}, {"settings", {{"ask_interval_s", 0}}}});
  auto b = create_session(srv, json{{"title", "社区助餐"}, {"form", "thematic"}, {"venue", "线上演播室"}});
  auto c = create_session(srv, json{{"title", "未开始"}});
  auto member = add_person(srv, a.id, "李委员", "member");
  auto dept = add_person(srv, a.id, "陈科长", "department", "区住建局");
  WsClient host(srv.port()), m(srv.port()), d(srv.port()), p1(srv.port()), p2(srv.port()), p3(srv.port());
  staff_join(host, a.id, a.host_token);
  staff_join(m, a.id, member.token);
  staff_join(d, a.id, dept.token);
  audience_join(p1, a.id, "王阿姨", "stats-phone-1");
  audience_join(p2, a.id, "小刘", "stats-phone-2");
  audience_join(p3, a.id, "老陈", "stats-phone-3");  // only watches
  ok(host.request({{"type", "start"}}));
  // Questions: q1 public and answered by moderation, q2 public and replied to, q3 public
  // and left, q4 rejected, q5 pending: 5 asked, 3 public, 2 answered.
  std::vector<std::string> q;
  for (const char* text : {"补贴多少？", "一楼怎么办？", "多久能装好？", "广告", "还没审"})
    q.push_back(ok(p1.request({{"type", "ask"}, {"text", text}}))["question"]);
  for (int i : {0, 1, 2}) ok(host.request({{"type", "moderate"}, {"question", q[i]}, {"action", "approve"}}));
  ok(host.request({{"type", "moderate"}, {"question", q[3]}, {"action", "reject"}}));
  ok(host.request({{"type", "moderate"}, {"question", q[0]}, {"action", "answered"}}));
  ok(d.request({{"type", "say"}, {"text", "一楼给予补偿。"}, {"reply_to", q[1]}}));
  ok(m.request({{"type", "say"}, {"text", "我建议先试点。"}}));
  // Upvotes: p2 and the member on q3: 2 upvotes; p2 becomes active by upvoting alone.
  ok(p2.request({{"type", "upvote"}, {"question", q[2]}}));
  ok(m.request({{"type", "upvote"}, {"question", q[2]}}));
  // Points: one adopted, one not.
  auto pt1 = ok(m.request({{"type", "propose"}, {"text", "先行试点"}}))["point"];
  ok(m.request({{"type", "vote"}, {"point", pt1}, {"choice", "agree"}}));
  ok(p3.request({{"type", "vote"}, {"point", pt1}, {"choice", "agree"}}));  // the watcher votes: active
  ok(host.request({{"type", "close_point"}, {"point", pt1}}));
  auto pt2 = ok(host.request({{"type", "propose"}, {"text", "全部加装"}}))["point"];
  ok(d.request({{"type", "vote"}, {"point", pt2}, {"choice", "disagree"}}));
  ok(host.request({{"type", "close_point"}, {"point", pt2}}));
  // Commitments: two made, one done, one overdue.
  ok(d.request({{"type", "commit"}, {"text", "年内试点"}, {"due", "2020-01-01"}}));
  ok(d.request({{"type", "commit"}, {"text", "公示方案"}}));
  ok(d.request({{"type", "update_commitment"}, {"commitment", "c2"}, {"status", "done"}, {"text", "已公示"}}));
  ok(host.request({{"type", "end"}}));
  // Session b: started and ended, nothing else.
  WsClient hb(srv.port());
  staff_join(hb, b.id, b.host_token);
  ok(hb.request({{"type", "start"}}));
  ok(hb.request({{"type", "end"}}));

  EXPECT_EQ(http(srv.port(), "GET", "/api/stats").status, 401);
  EXPECT_EQ(http(srv.port(), "GET", "/api/stats", "", bearer(a.host_token)).status, 403);
  EXPECT_EQ(http(srv.port(), "GET", "/api/stats?from=2027-13-01", "", bearer(srv.admin_token())).status, 400);
  auto stats = get_json(srv, "/api/stats", srv.admin_token());
  ASSERT_EQ(stats["sessions"].size(), 2u) << "a session never started is not counted";
  const json& ra = stats["sessions"][0];
  EXPECT_EQ(ra["id"], a.id);
  EXPECT_EQ(ra["form"], "micro") << "from the plan item";
  EXPECT_EQ(ra["venue"], "东街道议事厅");
  EXPECT_FALSE(ra["started_at"].is_null());
  EXPECT_FALSE(ra["ended_at"].is_null());
  EXPECT_EQ(ra["peak_audience"], 3);
  EXPECT_EQ(ra["audience_active"], 3) << "p1 asked, p2 upvoted, p3 voted";
  EXPECT_EQ(ra["questions_asked"], 5);
  EXPECT_EQ(ra["questions_public"], 3);
  EXPECT_EQ(ra["questions_answered"], 2);
  EXPECT_EQ(ra["upvotes"], 2);
  EXPECT_EQ(ra["statements"], 2);
  EXPECT_EQ(ra["points_proposed"], 2);
  EXPECT_EQ(ra["points_adopted"], 1);
  EXPECT_EQ(ra["commitments_made"], 2);
  EXPECT_EQ(ra["commitments_done"], 1);
  EXPECT_EQ(ra["commitments_overdue"], 1);
  const json& rb = stats["sessions"][1];
  EXPECT_EQ(rb["form"], "thematic");
  EXPECT_EQ(rb["questions_asked"], 0);
  const json& totals = stats["totals"];
  EXPECT_EQ(totals["sessions"], 2);
  EXPECT_EQ(totals["questions_public"], 3);
  EXPECT_DOUBLE_EQ(totals["answer_rate"].get<double>(), 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(totals["adoption_rate"].get<double>(), 0.5);
  EXPECT_DOUBLE_EQ(totals["completion_rate"].get<double>(), 0.5);
  EXPECT_EQ(stats["by_form"]["micro"]["sessions"], 1);
  EXPECT_EQ(stats["by_form"]["thematic"]["sessions"], 1);
  EXPECT_FALSE(stats["by_form"].contains("none"));
  EXPECT_DOUBLE_EQ(stats["by_form"]["thematic"]["answer_rate"].get<double>(), 0.0) << "0 when nothing was public";
  EXPECT_EQ(stats["by_venue"]["线上演播室"]["sessions"], 1);

  // A range keeps the sessions started in it: none started in 2020, all today's.
  EXPECT_EQ(get_json(srv, "/api/stats?from=2020-01-01&to=2020-12-31", srv.admin_token())["sessions"].size(), 0u);
  auto csv = http(srv.port(), "GET", "/api/stats.csv", "", bearer(srv.admin_token()));
  ASSERT_EQ(csv.status, 200);
  EXPECT_EQ(csv.headers["content-type"], "text/csv; charset=utf-8");
  EXPECT_EQ(csv.body.rfind("\xEF\xBB\xBFid,title,form,venue,started_at,ended_at,peak_audience,audience_active,", 0), 0u);
  EXPECT_EQ(std::count(csv.body.begin(), csv.body.end(), '\n'), 3) << "a header and a row per session held";
  EXPECT_NE(csv.body.find(a.id + ",加装电梯,micro,东街道议事厅,"), std::string::npos);
  EXPECT_NE(csv.body.find(",3,3,5,3,2,2,2,2,1,2,1,1\r\n"), std::string::npos) << csv.body;
  (void)c;
}
