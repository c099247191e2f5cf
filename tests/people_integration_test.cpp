// The people against the real server: the roster, each person's record computed from
// sessions this test drives (figure by figure), and the topics the public proposes.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "tests/support/Helpers.hpp"

using namespace yst;
using namespace yst::test;

namespace {

json ok(const json& r) {
  EXPECT_EQ(r["type"], "ack") << r.dump();
  return r;
}

HttpResult admin_call(const ServerProcess& srv, const std::string& method, const std::string& target, const json& body) {
  return http(srv.port(), method, target, body.dump(), bearer(srv.admin_token()));
}

}  // namespace

TEST(People, TheRosterNamesEachPersonOnceAndARecordCountsTheirWork) {
  ServerProcess srv;
  // The roster, and its bad inputs.
  EXPECT_EQ(http(srv.port(), "POST", "/api/people", json{{"name", "李华"}, {"kind", "member"}}.dump()).status, 401);
  for (const json& bad : {json{{"kind", "member"}}, json{{"name", "李华"}}, json{{"name", "李华"}, {"kind", "audience"}},
                          json{{"name", std::string(33, 'x')}, {"kind", "member"}},
                          json{{"name", "李华"}, {"kind", "member"}, {"age", 50}},
                          json{{"name", "李\u0001华"}, {"kind", "member"}}})
    EXPECT_EQ(admin_call(srv, "POST", "/api/people", bad).status, 400) << bad.dump();
  auto li = admin_call(srv, "POST", "/api/people",
                       json{{"name", "李华"}, {"kind", "member"}, {"affiliation", "区政协委员"}, {"sector", "民建"}});
  ASSERT_EQ(li.status, 201) << li.body;
  const std::string person = li.json_body()["id"];
  auto zhao = admin_call(srv, "POST", "/api/people", json{{"name", "赵强"}, {"kind", "department"}, {"affiliation", "区住建局"}});
  const std::string dept_person = zhao.json_body()["id"];
  EXPECT_EQ(http(srv.port(), "GET", "/api/people?kind=member").json_body().size(), 1u);
  EXPECT_EQ(http(srv.port(), "GET", "/api/people").json_body().size(), 2u);
  auto renamed = admin_call(srv, "PATCH", "/api/people/" + person, json{{"sector", "民建界"}});
  EXPECT_EQ(renamed.json_body()["sector"], "民建界");
  EXPECT_EQ(admin_call(srv, "PATCH", "/api/people/pe_nobody", json{{"name", "x"}}).status, 404);

  // Two sessions: the member attends and works in the first, is absent from the second.
  auto s1 = create_session(srv, json{{"title", "加装电梯"}});
  auto s2 = create_session(srv, json{{"title", "社区助餐"}});
  auto add = [&](const std::string& sid, const json& body) {
    auto r = admin_call(srv, "POST", "/api/sessions/" + sid + "/participants", body);
    EXPECT_EQ(r.status, 201) << r.body;
    return Added{r.json_body().value("id", ""), r.json_body().value("token", "")};
  };
  EXPECT_EQ(admin_call(srv, "POST", "/api/sessions/" + s1.id + "/participants",
                       json{{"person", person}, {"role", "department"}}).status,
            400)
      << "a role that does not match the person";
  EXPECT_EQ(admin_call(srv, "POST", "/api/sessions/" + s1.id + "/participants", json{{"person", "pe_nobody"}}).status, 404);
  auto m1 = add(s1.id, json{{"person", person}});
  auto d1 = add(s1.id, json{{"person", dept_person}});
  auto other = add(s1.id, json{{"name", "张委员"}, {"role", "member"}});  // not on the roster: still fine
  add(s2.id, json{{"person", person}});
  auto staff = http(srv.port(), "GET", "/api/sessions/" + s1.id + "/participants", "", bearer(s1.host_token)).json_body();
  auto me = std::find_if(staff.begin(), staff.end(), [&](const json& p) { return p["id"] == m1.id; });
  ASSERT_NE(me, staff.end());
  EXPECT_EQ((*me)["name"], "李华") << "the name comes from the roster";
  EXPECT_EQ((*me)["affiliation"], "区政协委员");
  EXPECT_EQ((*me)["person"], person);

  WsClient host(srv.port()), member(srv.port()), dept(srv.port()), phone(srv.port());
  staff_join(host, s1.id, s1.host_token);
  auto welcome = staff_join(member, s1.id, m1.token);
  EXPECT_EQ(welcome["you"]["person"], person) << "the member's page can link the record";
  staff_join(dept, s1.id, d1.token);
  audience_join(phone, s1.id, "王阿姨", "people-phone-1");
  ok(host.request({{"type", "start"}}));
  ok(member.request({{"type", "say"}, {"text", "先征求一楼意见。"}}));
  ok(member.request({{"type", "say"}, {"text", "费用按楼层分摊。"}}));
  std::string q = ok(phone.request({{"type", "ask"}, {"text", "补贴多少？"}}))["question"];
  ok(host.request({{"type", "moderate"}, {"question", q}, {"action", "approve"}}));
  ok(member.request({{"type", "say"}, {"text", "我来回答：每台二十万。"}, {"reply_to", q}}));
  ok(host.request({{"type", "floor"}, {"participant", m1.id}}));
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  ok(host.request({{"type", "floor"}, {"participant", nullptr}}));
  auto p1 = ok(member.request({{"type", "propose"}, {"text", "先行试点"}}))["point"];
  auto p2 = ok(member.request({{"type", "propose"}, {"text", "全部加装"}}))["point"];
  ok(member.request({{"type", "vote"}, {"point", p1}, {"choice", "agree"}}));
  ok(member.request({{"type", "vote"}, {"point", p1}, {"choice", "abstain"}}));  // a changed vote is one vote
  ok(member.request({{"type", "vote"}, {"point", p2}, {"choice", "disagree"}}));
  ok(dept.request({{"type", "vote"}, {"point", p1}, {"choice", "agree"}}));
  ok(host.request({{"type", "close_point"}, {"point", p1}}));
  ok(host.request({{"type", "close_point"}, {"point", p2}}));
  ok(dept.request({{"type", "commit"}, {"text", "年内试点"}}));
  ok(dept.request({{"type", "update_commitment"}, {"commitment", "c1"}, {"status", "done"}, {"text", "已完成"}}));
  ok(host.request({{"type", "end"}}));
  // The second session runs without the member connected.
  WsClient host2(srv.port());
  staff_join(host2, s2.id, s2.host_token);
  ok(host2.request({{"type", "start"}}));
  ok(host2.request({{"type", "end"}}));
  (void)other;

  auto record = http(srv.port(), "GET", "/api/people/" + person + "/record");
  ASSERT_EQ(record.status, 200) << record.body;
  auto r = record.json_body();
  EXPECT_EQ(r["person"]["name"], "李华");
  EXPECT_EQ(r["person"]["sector"], "民建界");
  ASSERT_EQ(r["sessions"].size(), 2u);
  const json& first = r["sessions"][0];
  EXPECT_EQ(first["session"], s1.id);
  EXPECT_EQ(first["role"], "member");
  EXPECT_EQ(first["attended"], true);
  EXPECT_EQ(first["statements"], 3);
  EXPECT_EQ(first["questions_answered"], 1);
  EXPECT_EQ(first["points_proposed"], 2);
  EXPECT_EQ(first["points_adopted"], 1) << "先行试点: member abstains, department agrees: 1 of 1";
  EXPECT_EQ(first["votes"], 2);
  EXPECT_GE(first["floor_seconds"].get<int>(), 2);
  EXPECT_LE(first["floor_seconds"].get<int>(), 4);
  EXPECT_EQ(first["commitments_made"], 0);
  const json& second = r["sessions"][1];
  EXPECT_EQ(second["attended"], false) << "never connected while it was live";
  EXPECT_EQ(second["statements"], 0);
  EXPECT_EQ(r["totals"]["sessions"], 2);
  EXPECT_EQ(r["totals"]["attended"], 1);
  EXPECT_EQ(r["totals"]["statements"], 3);
  auto dept_record = http(srv.port(), "GET", "/api/people/" + dept_person + "/record").json_body();
  EXPECT_EQ(dept_record["totals"]["commitments_made"], 1);
  EXPECT_EQ(dept_record["totals"]["commitments_done"], 1);
  EXPECT_EQ(http(srv.port(), "GET", "/api/people/" + person + "/record?year=1999").status, 400);
  EXPECT_EQ(http(srv.port(), "GET", "/api/people/" + person + "/record?year=2030").json_body()["sessions"].size(), 0u);
  EXPECT_EQ(http(srv.port(), "GET", "/api/people/pe_nobody/record").status, 404);

  auto csv = http(srv.port(), "GET", "/api/people/records.csv", "", bearer(srv.admin_token()));
  ASSERT_EQ(csv.status, 200);
  EXPECT_EQ(csv.body.rfind("\xEF\xBB\xBFid,name,kind,affiliation,sector,sessions,attended,statements,", 0), 0u);
  EXPECT_NE(csv.body.find(person + ",李华,member,区政协委员,民建界,2,1,3,1,2,1,2,"), std::string::npos) << csv.body;
  EXPECT_EQ(http(srv.port(), "GET", "/api/people/records.csv").status, 401);
}

TEST(Topics, ThePublicProposesAndSupportsTheAdminModeratesAndAdopts) {
  ServerProcess srv({"--blocked-words", YST_SOURCE_DIR "/tests/fixtures/blocked-words.txt"});
  const json good{{"title", "背街小巷停车难"}, {"text", "晚上停车位不够，希望协商解决。"}, {"name", "王阿姨"},
                  {"client_id", "topic-phone-1"}};
  for (const char* field : {"title", "text", "name", "client_id"}) {
    json bad = good;
    bad.erase(field);
    EXPECT_EQ(http(srv.port(), "POST", "/api/topics", bad.dump()).status, 400) << field;
  }
  json long_title = good;
  long_title["title"] = std::string(61 * 3, 'x').substr(0, 61);
  EXPECT_EQ(http(srv.port(), "POST", "/api/topics", long_title.dump()).status, 400);
  json bad_client = good;
  bad_client["client_id"] = "short";
  EXPECT_EQ(http(srv.port(), "POST", "/api/topics", bad_client.dump()).status, 400);
  EXPECT_EQ(http(srv.port(), "POST", "/api/topics", "[1,2]").status, 400);

  auto proposed = http(srv.port(), "POST", "/api/topics", good.dump());
  ASSERT_EQ(proposed.status, 201) << proposed.body;
  const std::string id = proposed.json_body()["id"];
  EXPECT_EQ(proposed.json_body()["status"], "pending");
  // The same device again within ten minutes.
  json again = good;
  again["title"] = "另一个议题";
  auto limited = http(srv.port(), "POST", "/api/topics", again.dump());
  EXPECT_EQ(limited.status, 429);
  EXPECT_GT(limited.json_body()["retry_after_s"].get<int>(), 590);
  // A blocked word flags it for the admin.
  json rude = good;
  rude["client_id"] = "topic-phone-2";
  rude["text"] = "主持人是骗子";
  const std::string flagged_id = http(srv.port(), "POST", "/api/topics", rude.dump()).json_body()["id"];

  // Pending topics are the admin's alone.
  EXPECT_EQ(http(srv.port(), "GET", "/api/topics").json_body().size(), 0u);
  auto all = http(srv.port(), "GET", "/api/topics", "", bearer(srv.admin_token())).json_body();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(std::count_if(all.begin(), all.end(), [](const json& t) { return t["flagged"] == true; }), 1);
  EXPECT_EQ(http(srv.port(), "POST", "/api/topics/" + id + "/support", json{{"client_id", "topic-phone-3"}}.dump()).status,
            409)
      << "only open topics take support";

  ASSERT_EQ(admin_call(srv, "PATCH", "/api/topics/" + id, json{{"status", "open"}}).status, 200);
  ASSERT_EQ(admin_call(srv, "PATCH", "/api/topics/" + flagged_id, json{{"status", "rejected"}}).status, 200);
  EXPECT_EQ(admin_call(srv, "PATCH", "/api/topics/" + id, json{{"status", "adopted"}}).status, 400) << "needs a plan item";
  EXPECT_EQ(admin_call(srv, "PATCH", "/api/topics/" + id, json{{"status", "adopted"}, {"plan_item", "pl_none"}}).status, 404);
  EXPECT_EQ(http(srv.port(), "PATCH", "/api/topics/" + id, json{{"status", "open"}}.dump()).status, 401);

  // Support: once per device, exact while many devices support at once.
  constexpr int kDevices = 24;
  std::vector<std::thread> phones;
  std::atomic<int> accepted{0};
  for (int i = 0; i < kDevices; ++i)
    phones.emplace_back([&, i] {
      for (int twice = 0; twice < 2; ++twice) {
        auto r = http(srv.port(), "POST", "/api/topics/" + id + "/support",
                      json{{"client_id", "support-device-" + std::to_string(i)}}.dump());
        if (r.status == 200) accepted.fetch_add(1);
      }
    });
  for (auto& t : phones) t.join();
  EXPECT_EQ(accepted.load(), kDevices * 2) << "again is the same count, not an error";
  auto open = http(srv.port(), "GET", "/api/topics").json_body();
  ASSERT_EQ(open.size(), 1u) << "the rejected one is not public";
  EXPECT_EQ(open[0]["support"], kDevices);
  EXPECT_EQ(http(srv.port(), "POST", "/api/topics/" + id + "/support", json{{"client_id", "support-device-0"}}.dump())
                .json_body()["support"],
            kDevices);

  // Adopted into the plan: the item lists where its topic came from.
  auto item = admin_call(srv, "POST", "/api/plan", json{{"year", 2027}, {"topic", "背街小巷停车"}, {"form", "micro"}});
  const std::string item_id = item.json_body()["id"];
  auto adopted = admin_call(srv, "PATCH", "/api/topics/" + id, json{{"status", "adopted"}, {"plan_item", item_id}});
  ASSERT_EQ(adopted.status, 200) << adopted.body;
  EXPECT_EQ(adopted.json_body()["plan_item"], item_id);
  auto plan = http(srv.port(), "GET", "/api/plan?year=2027").json_body();
  EXPECT_EQ(plan[0]["topics"], json({id}));
  auto declined = admin_call(srv, "PATCH", "/api/topics/" + flagged_id,
                             json{{"status", "declined"}, {"reply", "该问题已转交相关部门办理。"}});
  EXPECT_EQ(declined.json_body()["reply"], "该问题已转交相关部门办理。");

  // Everything, support included, survives a restart.
  const std::string data = srv.data_dir();
  srv.keep_data();
  srv.stop();
  ServerProcess again_srv({}, data);
  auto after = http(again_srv.port(), "GET", "/api/topics").json_body();
  ASSERT_EQ(after.size(), 2u);
  EXPECT_EQ(after[0]["support"], kDevices);
  EXPECT_EQ(after[0]["status"], "adopted");
  EXPECT_EQ(after[1]["status"], "declined");
}
