// The consultation flow against the real server: questions, moderation, upvotes, the
// floor, presence, blocked words.
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <thread>

#include "tests/support/Helpers.hpp"

using namespace yst::test;

namespace {

struct Live {
  Created s;
  std::unique_ptr<WsClient> host;
};

Live live_session(const ServerProcess& srv, json settings = json::object()) {
  Live l;
  l.s = create_session(srv, json{{"title", "议事厅"}, {"settings", settings}});
  l.host = std::make_unique<WsClient>(srv.port());
  staff_join(*l.host, l.s.id, l.s.host_token);
  EXPECT_EQ(l.host->request({{"type", "start"}})["type"], "ack");
  return l;
}

json snapshot(const ServerProcess& srv, const std::string& sid) {
  return http(srv.port(), "GET", "/api/sessions/" + sid).json_body();
}

}  // namespace

TEST(Flow, PreModerationHidesAPendingQuestionFromTheAudienceUntilApproved) {
  ServerProcess srv;
  auto l = live_session(srv);
  auto member_token = add_participant(srv, l.s.id, "李委员", "member");
  WsClient member(srv.port()), asker(srv.port()), other(srv.port());
  staff_join(member, l.s.id, member_token);
  audience_join(asker, l.s.id, "提问的听众", "asker-client-1");
  audience_join(other, l.s.id, "旁听", "other-client-1");
  drain(other);

  auto ack = asker.request({{"type", "ask"}, {"text", "加装电梯的费用谁来出？"}});
  ASSERT_EQ(ack["type"], "ack") << ack.dump();
  const std::string q = ack["question"];
  EXPECT_EQ(ack["status"], "pending");

  // Staff see question.asked; the audience sees nothing yet.
  auto asked = next_event(member, "question.asked");
  ASSERT_TRUE(asked);
  EXPECT_EQ((*asked)["data"]["text"], "加装电梯的费用谁来出？");
  EXPECT_EQ((*asked)["data"]["flagged"], false);
  EXPECT_FALSE(other.recv_until([](const json& j) { return j.value("kind", "").starts_with("question."); }, 500ms));
  EXPECT_TRUE(snapshot(srv, l.s.id)["questions"].empty());
  WsClient late(srv.port());
  EXPECT_TRUE(audience_join(late, l.s.id, "迟到", "late-client-1")["session"]["questions"].empty());
  EXPECT_EQ(staff_join(*std::make_unique<WsClient>(srv.port()), l.s.id, member_token)["session"]["questions"].size(), 1u);

  auto approved = l.host->request({{"type", "moderate"}, {"question", q}, {"action", "approve"}});
  ASSERT_EQ(approved["type"], "ack") << approved.dump();
  for (WsClient* c : {&member, &asker, &other, &late}) {
    auto e = next_event(*c, "question.approved");
    ASSERT_TRUE(e);
    EXPECT_EQ((*e)["data"]["question"], q);
    EXPECT_EQ((*e)["data"]["name"], "提问的听众");
  }
  auto snap = snapshot(srv, l.s.id);
  ASSERT_EQ(snap["questions"].size(), 1u);
  EXPECT_EQ(snap["questions"][0]["status"], "approved");

  // Rejection is staff-only news; the audience snapshot drops the question.
  l.host->request({{"type", "moderate"}, {"question", q}, {"action", "reject"}, {"reason", "重复"}});
  EXPECT_TRUE(snapshot(srv, l.s.id)["questions"].empty());
  // Refused transitions are conflict and change nothing.
  auto again = l.host->request({{"type", "moderate"}, {"question", q}, {"action", "feature"}});
  EXPECT_EQ(again["code"], "conflict");
}

TEST(Flow, WithoutPreModerationQuestionsAreApprovedAtOnce) {
  ServerProcess srv;
  auto l = live_session(srv, json{{"pre_moderation", false}});
  WsClient a(srv.port());
  audience_join(a, l.s.id, "听众", "auto-client-1");
  auto ack = a.request({{"type", "ask"}, {"text", "直接公开的问题"}});
  EXPECT_EQ(ack["status"], "approved");
  auto e = next_event(a, "question.approved");
  ASSERT_TRUE(e);
  EXPECT_TRUE((*e)["by"].is_null());
}

TEST(Flow, FiftyAudienceUpvotesCountExactlyFiftyAlsoAfterARestart) {
  std::string data = ServerProcess::make_temp_dir() + "/data";
  std::string sid, q;
  {
    ServerProcess srv({}, data);
    auto l = live_session(srv, json{{"pre_moderation", false}});
    sid = l.s.id;
    WsClient asker(srv.port());
    audience_join(asker, sid, "提问者", "upvote-asker");
    q = asker.request({{"type", "ask"}, {"text", "请问何时开工？"}})["question"];

    constexpr int kClients = 50;
    std::vector<std::unique_ptr<WsClient>> clients;
    for (int i = 0; i < kClients; ++i) {
      clients.push_back(std::make_unique<WsClient>(srv.port()));
      ASSERT_EQ(audience_join(*clients.back(), sid, "听众" + std::to_string(i), "upvoter-" + std::to_string(i))["type"],
                "welcome");
    }
    // All at once: each client on its own thread.
    std::vector<std::thread> threads;
    std::atomic<int> acks{0};
    for (auto& c : clients)
      threads.emplace_back([&, c = c.get()] {
        if (c->request({{"type", "upvote"}, {"question", q}})["type"] == "ack") ++acks;
      });
    for (auto& t : threads) t.join();
    EXPECT_EQ(acks.load(), kClients);
    // A second upvote from the same client_id, even on a new connection, is a no-op.
    WsClient second(srv.port());
    audience_join(second, sid, "换了昵称", "upvoter-7");
    auto dup = second.request({{"type", "upvote"}, {"question", q}});
    EXPECT_EQ(dup["type"], "ack");
    EXPECT_EQ(dup["count"], kClients);

    // The live figure arrives coalesced: far fewer upvotes frames than upvotes.
    int frames = 0;
    int last_count = 0;
    while (auto f = asker.recv_until([](const json& j) { return j.value("type", "") == "upvotes"; }, 1500ms)) {
      ++frames;
      last_count = (*f)["count"];
    }
    EXPECT_EQ(last_count, kClients);
    EXPECT_LT(frames, 10);
    EXPECT_EQ(snapshot(srv, sid)["questions"][0]["upvotes"], kClients);
    EXPECT_EQ(srv.stop(SIGTERM), 0);
  }
  ServerProcess again({}, data);
  auto snap = snapshot(again, sid);
  ASSERT_EQ(snap["questions"].size(), 1u);
  EXPECT_EQ(snap["questions"][0]["upvotes"], 50);
  std::filesystem::remove_all(std::filesystem::path(data).parent_path());
}

TEST(Flow, AskingTwiceWithinTheIntervalIsRateLimited) {
  ServerProcess srv;
  auto l = live_session(srv, json{{"ask_interval_s", 30}});
  WsClient a(srv.port());
  audience_join(a, l.s.id, "听众", "ask-twice-1");
  EXPECT_EQ(a.request({{"type", "ask"}, {"text", "第一个问题"}})["type"], "ack");
  auto second = a.request({{"type", "ask"}, {"text", "第二个问题"}});
  EXPECT_EQ(second["type"], "error");
  EXPECT_EQ(second["code"], "rate_limited");
  // Another tab of the same phone (same client_id) shares the interval.
  WsClient tab(srv.port());
  audience_join(tab, l.s.id, "听众", "ask-twice-1");
  EXPECT_EQ(tab.request({{"type", "ask"}, {"text", "换个标签页"}})["code"], "rate_limited");
  WsClient b(srv.port());
  audience_join(b, l.s.id, "别人", "ask-twice-2");
  EXPECT_EQ(b.request({{"type", "ask"}, {"text", "别人的问题"}})["type"], "ack");
}

TEST(Flow, ADepartmentAnswerLinksToTheFeaturedQuestion) {
  ServerProcess srv;
  auto l = live_session(srv, json{{"pre_moderation", false}});
  auto dept_token = add_participant(srv, l.s.id, "住建局", "department");
  WsClient dept(srv.port()), a(srv.port());
  staff_join(dept, l.s.id, dept_token);
  audience_join(a, l.s.id, "听众", "reply-client-1");
  std::string q = a.request({{"type", "ask"}, {"text", "补贴标准是多少？"}})["question"];
  ASSERT_EQ(l.host->request({{"type", "moderate"}, {"question", q}, {"action", "feature"}})["type"], "ack");
  auto featured = next_event(a, "question.featured");
  ASSERT_TRUE(featured);
  EXPECT_EQ(snapshot(srv, l.s.id)["featured"], q);
  auto ans = dept.request({{"type", "say"}, {"text", "每台补贴二十万元。"}, {"reply_to", q}});
  ASSERT_EQ(ans["type"], "ack") << ans.dump();
  auto st = next_event(a, "statement");
  ASSERT_TRUE(st);
  EXPECT_EQ((*st)["data"]["reply_to"], q);
  EXPECT_EQ((*st)["by"]["role"], "department");
  EXPECT_EQ(dept.request({{"type", "say"}, {"text", "x"}, {"reply_to", "q999"}})["code"], "not_found");
  ASSERT_EQ(l.host->request({{"type", "moderate"}, {"question", q}, {"action", "answered"}})["type"], "ack");
  EXPECT_EQ(snapshot(srv, l.s.id)["questions"][0]["status"], "answered");
}

TEST(Flow, TheHostGrantsAndReleasesTheFloor) {
  ServerProcess srv;
  auto l = live_session(srv);
  auto member = add_person(srv, l.s.id, "李委员", "member");
  WsClient a(srv.port());
  audience_join(a, l.s.id, "听众", "floor-client-1");
  ASSERT_EQ(l.host->request({{"type", "floor"}, {"participant", member.id}})["type"], "ack");
  auto g = next_event(a, "floor.granted");
  ASSERT_TRUE(g);
  EXPECT_EQ((*g)["data"]["name"], "李委员");
  EXPECT_EQ(snapshot(srv, l.s.id)["floor"]["participant"], member.id);
  EXPECT_EQ(l.host->request({{"type", "floor"}, {"participant", "p_nobody"}})["code"], "not_found");
  ASSERT_EQ(l.host->request({{"type", "floor"}, {"participant", nullptr}})["type"], "ack");
  EXPECT_TRUE(next_event(a, "floor.released"));
  EXPECT_TRUE(snapshot(srv, l.s.id)["floor"].is_null());
  EXPECT_EQ(a.request({{"type", "floor"}, {"participant", member.id}})["code"], "forbidden");
}

TEST(Flow, PresenceCountsRiseAndFall) {
  ServerProcess srv;
  auto l = live_session(srv);
  WsClient watcher(srv.port());
  audience_join(watcher, l.s.id, "观察者", "presence-watch");
  auto audience_count = [&](int expected) {
    auto p = watcher.recv_until(
        [&](const json& j) { return j.value("type", "") == "presence" && j["online"]["audience"] == expected; }, 4s);
    return p.has_value();
  };
  EXPECT_TRUE(audience_count(1));
  {
    std::vector<std::unique_ptr<WsClient>> more;
    for (int i = 0; i < 5; ++i) {
      more.push_back(std::make_unique<WsClient>(srv.port()));
      audience_join(*more.back(), l.s.id, "听众", "presence-" + std::to_string(i));
    }
    EXPECT_TRUE(audience_count(6));
    auto snap = snapshot(srv, l.s.id);
    EXPECT_EQ(snap["online"]["audience"], 6);
    EXPECT_EQ(snap["online"]["host"], 1);
  }  // five drop
  EXPECT_TRUE(audience_count(1));
  EXPECT_EQ(snapshot(srv, l.s.id)["peak_audience"], 6);
}

TEST(Flow, StaffSeeWhoOfThemIsConnected) {
  ServerProcess srv;
  auto l = live_session(srv);
  auto member = add_person(srv, l.s.id, "李委员", "member");
  auto dept = add_person(srv, l.s.id, "住建局", "department");
  auto listed = [&](const std::string& pid) {
    auto p = l.host->recv_until(
        [&](const json& j) {
          if (j.value("type", "") != "presence" || !j.contains("participants")) return false;
          const auto& ids = j["participants"];
          return std::find(ids.begin(), ids.end(), pid) != ids.end();
        },
        4s);
    return p.has_value();
  };
  {
    WsClient m(srv.port());
    staff_join(m, l.s.id, member.token);
    EXPECT_TRUE(listed(member.id));
    // A page opened later finds the member in its welcome (a page is not counted before
    // its own welcome, in the counts or here).
    WsClient clerk_page(srv.port());
    auto welcome = staff_join(clerk_page, l.s.id, add_person(srv, l.s.id, "记录员", "clerk").token);
    const auto& online = welcome["session"]["online_participants"];
    EXPECT_NE(std::find(online.begin(), online.end(), member.id), online.end()) << welcome["session"].dump();
    EXPECT_EQ(std::find(online.begin(), online.end(), dept.id), online.end()) << "the department never connected";
    // A phone gets the counts, never the ids.
    WsClient phone(srv.port());
    auto pw = audience_join(phone, l.s.id, "听众", "who-is-online");
    EXPECT_FALSE(pw["session"].contains("online_participants"));
    auto presence = phone.recv_until([](const json& j) { return j.value("type", "") == "presence"; }, 4s);
    ASSERT_TRUE(presence);
    EXPECT_FALSE(presence->contains("participants"));
  }
  // The member's page closed: gone from the list.
  auto gone = l.host->recv_until(
      [&](const json& j) {
        if (j.value("type", "") != "presence" || !j.contains("participants")) return false;
        const auto& ids = j["participants"];
        return std::find(ids.begin(), ids.end(), member.id) == ids.end();
      },
      4s);
  EXPECT_TRUE(gone);
}

TEST(Flow, ALostLinkIsReissuedOrRevokedAndTheOldOneStopsAtOnce) {
  const std::string data = ServerProcess::make_temp_dir() + "/data";
  auto server = std::make_unique<ServerProcess>(std::vector<std::string>{}, data);
  ServerProcess& srv = *server;
  auto l = live_session(srv);
  auto member = add_person(srv, l.s.id, "李委员", "member", "民盟界别");
  const std::string url = "/api/sessions/" + l.s.id + "/participants/" + member.id + "/token";
  WsClient old_page(srv.port());
  ASSERT_EQ(staff_join(old_page, l.s.id, member.token)["type"], "welcome");

  // Only the admin or the host may.
  EXPECT_EQ(http(srv.port(), "POST", url, "", bearer(member.token)).status, 403);
  EXPECT_EQ(http(srv.port(), "POST", url).status, 401);
  EXPECT_EQ(http(srv.port(), "POST", "/api/sessions/" + l.s.id + "/participants/p_nobody/token", "",
                 bearer(srv.admin_token())).status, 404);

  auto r = http(srv.port(), "POST", url, "", bearer(srv.admin_token()));
  ASSERT_EQ(r.status, 200) << r.body;
  const auto fresh = r.json_body();
  EXPECT_EQ(fresh["id"], member.id);
  EXPECT_EQ(fresh["name"], "李委员");
  const std::string new_token = fresh["token"];
  EXPECT_NE(new_token, member.token);
  EXPECT_NE(fresh["link"].get<std::string>().find("/p/" + l.s.id + "#token=" + new_token), std::string::npos);

  // The page holding the old link is closed, and the old link no longer joins.
  EXPECT_EQ(old_page.wait_close(4s), 1008);
  WsClient again(srv.port());
  EXPECT_EQ(staff_join(again, l.s.id, member.token)["code"], "unauthorized");
  WsClient with_new(srv.port());
  auto w = staff_join(with_new, l.s.id, new_token);
  ASSERT_EQ(w["type"], "welcome");
  EXPECT_EQ(w["you"]["participant"], member.id) << "the same person, with what they did";
  EXPECT_EQ(with_new.request({{"type", "say"}, {"text", "换了新链接"}})["type"], "ack");

  // The host revokes it: no link works, the participant stays on the list.
  auto revoked = http(srv.port(), "DELETE", url, "", bearer(l.s.host_token));
  ASSERT_EQ(revoked.status, 200) << revoked.body;
  EXPECT_EQ(revoked.json_body()["revoked"], true);
  EXPECT_EQ(with_new.wait_close(4s), 1008);
  WsClient after(srv.port());
  EXPECT_EQ(staff_join(after, l.s.id, new_token)["code"], "unauthorized");
  auto list = http(srv.port(), "GET", "/api/sessions/" + l.s.id + "/participants", "", bearer(l.s.host_token)).json_body();
  bool still_listed = false;
  for (const auto& p : list) still_listed = still_listed || p["id"] == member.id;
  EXPECT_TRUE(still_listed);

  // A restart keeps it so: revoked stays revoked; a link re-issued after it works.
  EXPECT_EQ(server->stop(SIGTERM), 0);
  server.reset();
  ServerProcess restarted({}, data);
  WsClient after_restart(restarted.port());
  EXPECT_EQ(staff_join(after_restart, l.s.id, new_token)["code"], "unauthorized");
  auto third = http(restarted.port(), "POST", url, "", bearer(restarted.admin_token())).json_body();
  WsClient third_page(restarted.port());
  EXPECT_EQ(staff_join(third_page, l.s.id, third["token"])["type"], "welcome");
  std::filesystem::remove_all(std::filesystem::path(data).parent_path());
}

TEST(Flow, TheAdminCorrectsASessionAndAParticipant) {
  ServerProcess srv;
  auto s = create_session(srv, json{{"title", "第12其 加装电梯"}, {"topic", "旧议题"}});
  auto member = add_person(srv, s.id, "李委貟", "member", "民盟");
  const auto admin = bearer(srv.admin_token());
  const std::string url = "/api/sessions/" + s.id;

  // Before the start: title, topic, schedule and a setting, merged onto the others.
  auto r = http(srv.port(), "PATCH", url,
                json{{"title", "第12期 加装电梯"}, {"scheduled_at", "2026-12-20T19:30:00+08:00"},
                     {"settings", {{"ask_interval_s", 30}}}}.dump(), admin);
  ASSERT_EQ(r.status, 200) << r.body;
  auto snap = http(srv.port(), "GET", url).json_body();
  EXPECT_EQ(snap["title"], "第12期 加装电梯");
  EXPECT_EQ(snap["topic"], "旧议题") << "a field not named stays";
  EXPECT_EQ(snap["settings"]["ask_interval_s"], 30);
  EXPECT_EQ(snap["settings"]["pre_moderation"], true) << "settings merge key by key";
  auto listed = http(srv.port(), "GET", "/api/sessions").json_body();
  EXPECT_EQ(listed[0]["title"], "第12期 加装电梯");
  EXPECT_EQ(listed[0]["scheduled_at"], "2026-12-20T19:30:00+08:00");

  // Bad edits are refused and change nothing.
  EXPECT_EQ(http(srv.port(), "PATCH", url, json{{"title", ""}}.dump(), admin).status, 400);
  EXPECT_EQ(http(srv.port(), "PATCH", url, json{{"stream_url", "ftp://x"}}.dump(), admin).status, 400);
  EXPECT_EQ(http(srv.port(), "PATCH", url, json{{"colour", "red"}}.dump(), admin).status, 400);
  EXPECT_EQ(http(srv.port(), "PATCH", url, json{{"title", "别人改的"}}.dump(), bearer(s.host_token)).status, 403);
  EXPECT_EQ(http(srv.port(), "PATCH", "/api/sessions/nosuch", json{{"title", "x"}}.dump(), admin).status, 404);
  EXPECT_EQ(http(srv.port(), "GET", url).json_body()["title"], "第12期 加装电梯");

  // A participant's name: the host may correct it too; the link keeps working under it.
  auto p = http(srv.port(), "PATCH", url + "/participants/" + member.id,
                json{{"name", "李委员"}, {"affiliation", "民盟界别"}}.dump(), bearer(s.host_token));
  ASSERT_EQ(p.status, 200) << p.body;
  EXPECT_EQ(p.json_body()["name"], "李委员");
  EXPECT_EQ(http(srv.port(), "PATCH", url + "/participants/" + member.id, json{{"role", "host"}}.dump(), admin).status,
            400);
  WsClient host(srv.port()), m(srv.port());
  staff_join(host, s.id, s.host_token);
  auto w = staff_join(m, s.id, member.token);
  ASSERT_EQ(w["type"], "welcome");
  EXPECT_EQ(w["you"]["name"], "李委员");
  ASSERT_EQ(host.request({{"type", "start"}})["type"], "ack");
  ASSERT_EQ(m.request({{"type", "say"}, {"text", "我先说两句"}})["type"], "ack");
  auto said = host.recv_until([](const json& j) { return is_event(j, "statement"); });
  ASSERT_TRUE(said);
  EXPECT_EQ((*said)["by"]["name"], "李委员");

  // Once live, the rules of the session no longer change; the words may.
  EXPECT_EQ(http(srv.port(), "PATCH", url, json{{"settings", {{"consensus_threshold", 0.5}}}}.dump(), admin).status,
            409);
  EXPECT_EQ(http(srv.port(), "PATCH", url, json{{"topic", "新议题"}}.dump(), admin).status, 200);

  // Edits are stored: a restart shows them.
  const std::string data = srv.data_dir();
  srv.keep_data();
  EXPECT_EQ(srv.stop(SIGTERM), 0);
  ServerProcess again({}, data);
  auto after = http(again.port(), "GET", url).json_body();
  EXPECT_EQ(after["title"], "第12期 加装电梯");
  EXPECT_EQ(after["topic"], "新议题");
  auto people = http(again.port(), "GET", url + "/participants", "", bearer(again.admin_token())).json_body();
  bool renamed = false;
  for (const auto& x : people) renamed = renamed || (x["id"] == member.id && x["name"] == "李委员" && x["affiliation"] == "民盟界别");
  EXPECT_TRUE(renamed) << people.dump();
}

TEST(Flow, BlockedWordsFlagQuestionsAndReloadOnSighup) {
  auto dir = ServerProcess::make_temp_dir();
  auto words = dir + "/words.txt";
  {
    std::ofstream o(words);
    o << "违禁词\n";
  }
  ServerProcess srv({"--blocked-words", words});
  auto l = live_session(srv, json{{"pre_moderation", false}, {"ask_interval_s", 0}});
  WsClient a(srv.port());
  audience_join(a, l.s.id, "听众", "blocked-client");
  auto flagged = a.request({{"type", "ask"}, {"text", "这里有违禁词吗"}});
  EXPECT_EQ(flagged["flagged"], true);
  EXPECT_EQ(flagged["status"], "pending");  // flagged ones always wait for the host
  EXPECT_EQ(a.request({{"type", "ask"}, {"text", "新词出现"}})["status"], "approved");
  {
    std::ofstream o(words, std::ios::trunc);
    o << "违禁词\n新词\n";
  }
  ::kill(srv.pid(), SIGHUP);
  // Bounded wait for the reload to be logged.
  for (int i = 0; i < 200 && srv.log().find("loaded 2 blocked words") == std::string::npos; ++i)
    std::this_thread::sleep_for(10ms);
  EXPECT_EQ(a.request({{"type", "ask"}, {"text", "新词又出现"}})["flagged"], true);
  std::filesystem::remove_all(dir);
}

TEST(Flow, EndingReleasesTheFloorForEveryPageOpenedAfterwards) {
  ServerProcess srv;
  auto l = live_session(srv);
  auto member = add_person(srv, l.s.id, "李委员", "member");
  WsClient phone(srv.port());
  audience_join(phone, l.s.id, "听众", "floor-end-client");
  ASSERT_EQ(l.host->request({{"type", "floor"}, {"participant", member.id}})["type"], "ack");
  ASSERT_EQ(l.host->request({{"type", "end"}})["type"], "ack");
  // The phone is told, in order: the floor is released, then the session ends.
  auto released = next_event(phone, "floor.released");
  ASSERT_TRUE(released);
  auto ended = next_event(phone, "session.ended");
  ASSERT_TRUE(ended);
  EXPECT_GT((*ended)["seq"], (*released)["seq"]);
  EXPECT_TRUE(snapshot(srv, l.s.id)["floor"].is_null());
  WsClient late(srv.port());
  auto welcome = audience_join(late, l.s.id, "迟到", "floor-late-client");
  EXPECT_TRUE(welcome["session"]["floor"].is_null()) << welcome.dump();
  EXPECT_TRUE(welcome["session"]["featured"].is_null());
}
