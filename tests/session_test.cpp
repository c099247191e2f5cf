// The consultation domain driven directly: no sockets, no storage, a fixed clock.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "session/Session.hpp"
#include "session/WordFilter.hpp"

using namespace yst;

namespace {

constexpr int64_t kT0 = 1'790'000'000'000;

struct Fixture {
  Session s{SessionInfo{"s1", "标题", "议题", "", "", Settings{}, kT0, "", "", 0, ""}};
  Caller host{"p_host", Role::host, "主持人"};
  Caller member{"p_mem", Role::member, "李委员"};
  Caller member2{"p_mem2", Role::member, "张委员"};
  Caller dept{"p_dept", Role::department, "住建局"};
  Caller clerk{"p_clerk", Role::clerk, "记录员"};
  Caller aud{Session::audience_participant_id("s1", "client-aaaa"), Role::audience, "听众甲"};
  Caller aud2{Session::audience_participant_id("s1", "client-bbbb"), Role::audience, "听众乙"};
  Caller overlay{"overlay", Role::overlay, "直播画面"};
  int64_t now = kT0;

  Fixture(Settings settings = {}) : s(SessionInfo{"s1", "标题", "议题", "", "", settings, kT0, "", "", 0, ""}) {
    for (const Caller* c : {&host, &member, &member2, &dept, &clerk})
      s.add_participant(Participant{c->participant, "s1", c->role, c->name, ""});
  }

  Outcome run(const Caller& c, Request r) {
    now += 1000;
    Outcome o = s.handle(r, c, now);
    log.insert(log.end(), o.changes.events.begin(), o.changes.events.end());
    return o;
  }
  std::vector<Event> log;  // every event decided, in order
  static Request req(RequestType t) {
    Request r;
    r.type = t;
    return r;
  }
  Outcome say(const Caller& c, std::string text, std::string reply_to = "") {
    Request r = req(RequestType::say);
    r.text = std::move(text);
    r.reply_to = std::move(reply_to);
    return run(c, r);
  }
  Outcome ask(const Caller& c, std::string text) {
    Request r = req(RequestType::ask);
    r.text = std::move(text);
    return run(c, r);
  }
  Outcome moderate(std::string q, ModerateAction a) {
    Request r = req(RequestType::moderate);
    r.question = std::move(q);
    r.action = a;
    return run(host, r);
  }
  Outcome upvote(const Caller& c, std::string q) {
    Request r = req(RequestType::upvote);
    r.question = std::move(q);
    return run(c, r);
  }
  Outcome propose(const Caller& c, std::string text) {
    Request r = req(RequestType::propose);
    r.text = std::move(text);
    return run(c, r);
  }
  Outcome vote(const Caller& c, std::string p, Choice choice) {
    Request r = req(RequestType::vote);
    r.point = std::move(p);
    r.choice = choice;
    return run(c, r);
  }
  Outcome close_point(std::string p) {
    Request r = req(RequestType::close_point);
    r.point = std::move(p);
    return run(host, r);
  }
  void start() { ASSERT_FALSE(run(host, req(RequestType::start)).error); }
};

ErrorCode code_of(const Outcome& o) { return o.error ? o.error->code : ErrorCode::internal; }

}  // namespace

TEST(Permissions, EveryRoleAndRequestMatchesTheContractTable) {
  // The contract's "who" column; vote by the audience depends on audience_can_vote.
  const std::map<RequestType, std::set<Role>> allowed = {
      {RequestType::join, {Role::host, Role::member, Role::department, Role::clerk, Role::audience, Role::overlay}},
      {RequestType::ping, {Role::host, Role::member, Role::department, Role::clerk, Role::audience, Role::overlay}},
      {RequestType::start, {Role::host}},
      {RequestType::end, {Role::host}},
      {RequestType::say, {Role::host, Role::member, Role::department}},
      {RequestType::ask, {Role::host, Role::member, Role::department, Role::clerk, Role::audience}},
      {RequestType::upvote, {Role::host, Role::member, Role::department, Role::clerk, Role::audience}},
      {RequestType::moderate, {Role::host}},
      {RequestType::floor, {Role::host}},
      {RequestType::merge, {Role::host}},
      {RequestType::raise_hand, {Role::member, Role::department}},
      {RequestType::lower_hand, {Role::host, Role::member, Role::department}},
      {RequestType::on_air, {Role::host}},
      {RequestType::submit_minutes, {Role::clerk}},
      {RequestType::approve_minutes, {Role::host}},
      {RequestType::propose, {Role::host, Role::member, Role::clerk}},
      {RequestType::vote, {Role::host, Role::member, Role::department, Role::audience}},
      {RequestType::close_point, {Role::host}},
      {RequestType::note, {Role::clerk}},
      {RequestType::commit, {Role::host, Role::clerk, Role::department}},
      {RequestType::update_commitment, {Role::host, Role::clerk, Role::department}},
      {RequestType::case_text, {Role::host, Role::clerk}},
  };
  Settings open;
  Settings closed;
  closed.audience_can_vote = false;
  for (RequestType t : kAllRequestTypes) {
    for (Role r : kAllRoles) {
      bool expected = allowed.at(t).count(r) > 0;
      EXPECT_EQ(role_may(r, t, open), expected) << to_string(r) << " " << to_string(t);
      bool expected_closed = expected && !(t == RequestType::vote && r == Role::audience);
      EXPECT_EQ(role_may(r, t, closed), expected_closed) << to_string(r) << " " << to_string(t);
    }
  }
}

TEST(Permissions, ForbiddenComesBeforeNotLive) {
  Fixture f;  // scheduled, not live
  auto o = f.say(f.aud, "听众不能发言");
  EXPECT_EQ(code_of(o), ErrorCode::forbidden);
  o = f.say(f.member, "还没开始");
  EXPECT_EQ(code_of(o), ErrorCode::not_live);
}

TEST(Permissions, EveryForbiddenPairIsRefusedByTheSessionWithoutChange) {
  for (RequestType t : kAllRequestTypes) {
    for (Role role : kAllRoles) {
      if (role_may(role, t, Settings{})) continue;
      Fixture f;
      f.start();
      const Caller& c = role == Role::host ? f.host : role == Role::member ? f.member : role == Role::department ? f.dept
                        : role == Role::clerk ? f.clerk : role == Role::overlay ? f.overlay : f.aud;
      Request r = Fixture::req(t);
      r.text = "x";
      r.question = "q1";
      r.point = "pt1";
      int64_t before = f.s.last_seq();
      auto o = f.run(c, r);
      EXPECT_EQ(code_of(o), ErrorCode::forbidden) << to_string(role) << " " << to_string(t);
      EXPECT_EQ(f.s.last_seq(), before);
    }
  }
}

TEST(Sequence, SeqStartsAtOneAndRisesByOneAcrossEventsAndChains) {
  Fixture f;
  f.start();
  auto a = f.say(f.member, "第一条");
  auto b = f.say(f.dept, "第二条");
  ASSERT_FALSE(a.error);
  ASSERT_FALSE(b.error);
  EXPECT_EQ(a.changes.events.at(0).seq, 2);
  EXPECT_EQ(b.changes.events.at(0).seq, 3);
  EXPECT_EQ(f.s.last_seq(), 3);
  EXPECT_EQ(b.changes.events[0].hash, chain_hash(a.changes.events[0].hash, b.changes.events[0]));
  EXPECT_EQ(a.changes.events[0].by->participant, "p_mem");
  EXPECT_EQ(a.changes.events[0].data["text"], "第一条");
}

TEST(Sequence, ReplayingEventsReproducesTheState) {
  Fixture f;
  std::vector<Event> all;
  auto keep = [&](const Outcome& o) { all.insert(all.end(), o.changes.events.begin(), o.changes.events.end()); };
  keep(f.run(f.host, Fixture::req(RequestType::start)));
  keep(f.ask(f.aud, "电梯什么时候装？"));
  keep(f.moderate("q1", ModerateAction::approve));
  keep(f.moderate("q1", ModerateAction::feature));
  keep(f.propose(f.member, "先试点两栋楼"));
  Session replay(SessionInfo{"s1", "标题", "议题", "", "", Settings{}, kT0, "", "", 0, ""});
  for (const auto& e : all) replay.apply(e);
  EXPECT_EQ(replay.last_seq(), f.s.last_seq());
  EXPECT_EQ(replay.last_hash(), f.s.last_hash());
  EXPECT_EQ(replay.status(), Status::live);
  EXPECT_EQ(replay.question("q1")->status, QuestionStatus::featured);
  EXPECT_EQ(*replay.featured(), "q1");
  EXPECT_TRUE(replay.point("pt1")->open);
  EXPECT_EQ(replay.snapshot(Role::host), f.s.snapshot(Role::host));
}

TEST(Visibility, StaffOnlyKindsAreHiddenFromTheAudience) {
  for (const char* k : {"question.asked", "question.rejected", "note"}) {
    Event e;
    e.kind = k;
    EXPECT_FALSE(visible_to(e, Role::audience)) << k;
    for (Role r : {Role::host, Role::member, Role::department, Role::clerk}) EXPECT_TRUE(visible_to(e, r)) << k;
  }
  for (const char* k : {"session.started", "session.ended", "statement", "question.approved", "question.featured",
                        "question.answered", "floor.granted", "floor.released", "point.proposed", "point.closed"}) {
    Event e;
    e.kind = k;
    for (Role r : kAllRoles) EXPECT_TRUE(visible_to(e, r)) << k;
  }
}

TEST(Lifecycle, StartAndEnd) {
  Fixture f;
  EXPECT_EQ(code_of(f.run(f.host, Fixture::req(RequestType::end))), ErrorCode::not_live);
  f.start();
  EXPECT_EQ(f.s.status(), Status::live);
  EXPECT_EQ(code_of(f.run(f.host, Fixture::req(RequestType::start))), ErrorCode::conflict);
  auto o = f.run(f.host, Fixture::req(RequestType::end));
  ASSERT_FALSE(o.error);
  EXPECT_EQ(o.changes.events.back().kind, "session.ended");
  EXPECT_EQ(f.s.status(), Status::ended);
  EXPECT_EQ(code_of(f.run(f.host, Fixture::req(RequestType::start))), ErrorCode::conflict);
  EXPECT_EQ(code_of(f.say(f.member, "结束后")), ErrorCode::not_live);
}

TEST(Notes, AllowedBeforeDuringAndAfter) {
  Fixture f;
  Request n = Fixture::req(RequestType::note);
  n.text = "会前记录";
  EXPECT_FALSE(f.run(f.clerk, n).error);
  f.start();
  EXPECT_FALSE(f.run(f.clerk, n).error);
  f.run(f.host, Fixture::req(RequestType::end));
  auto o = f.run(f.clerk, n);
  ASSERT_FALSE(o.error);
  EXPECT_EQ(o.changes.events[0].kind, "note");
}

TEST(Questions, EveryTransitionAllowedAndRefused) {
  using A = ModerateAction;
  using S = QuestionStatus;
  // From each status, which actions are allowed, and where they lead.
  const std::map<S, std::map<A, S>> allowed = {
      {S::pending, {{A::approve, S::approved}, {A::reject, S::rejected}}},
      {S::approved, {{A::feature, S::featured}, {A::answered, S::answered}, {A::reject, S::rejected}}},
      {S::featured, {{A::answered, S::answered}, {A::unfeature, S::approved}, {A::reject, S::rejected}}},
      {S::answered, {}},
      {S::rejected, {}},
  };
  auto reach = [](Fixture& f, S target) {
    f.ask(f.aud, "问题");
    if (target == S::pending) return;
    if (target == S::rejected) {
      f.moderate("q1", A::reject);
      return;
    }
    f.moderate("q1", A::approve);
    if (target == S::featured) f.moderate("q1", A::feature);
    if (target == S::answered) f.moderate("q1", A::answered);
  };
  for (const auto& [from, moves] : allowed) {
    for (A action : {A::approve, A::reject, A::feature, A::unfeature, A::answered}) {
      Fixture f;
      f.start();
      reach(f, from);
      ASSERT_EQ(f.s.question("q1")->status, from);
      int64_t before = f.s.last_seq();
      auto o = f.moderate("q1", action);
      auto it = moves.find(action);
      if (it == moves.end()) {
        EXPECT_EQ(code_of(o), ErrorCode::conflict) << to_string(from) << " action " << static_cast<int>(action);
        EXPECT_EQ(f.s.question("q1")->status, from);
        EXPECT_EQ(f.s.last_seq(), before);
      } else {
        EXPECT_FALSE(o.error) << to_string(from) << " action " << static_cast<int>(action);
        EXPECT_EQ(f.s.question("q1")->status, it->second);
        // Rejecting a question the audience saw also withdraws it from them.
        const bool withdrawn = action == A::reject && from != S::pending;
        EXPECT_EQ(f.s.last_seq(), before + (withdrawn ? 2 : 1));
      }
    }
  }
}

TEST(Questions, UnknownQuestionIsNotFound) {
  Fixture f;
  f.start();
  EXPECT_EQ(code_of(f.moderate("q9", ModerateAction::approve)), ErrorCode::not_found);
  EXPECT_EQ(code_of(f.upvote(f.aud, "q9")), ErrorCode::not_found);
  EXPECT_EQ(code_of(f.say(f.dept, "答复", "q9")), ErrorCode::not_found);
}

TEST(Questions, PreModerationHidesUntilApproved) {
  Fixture f;
  f.start();
  auto o = f.ask(f.aud, "待审核的问题");
  ASSERT_FALSE(o.error);
  ASSERT_EQ(o.changes.events.size(), 1u);
  EXPECT_EQ(o.changes.events[0].kind, "question.asked");
  EXPECT_EQ(o.ack["question"], "q1");
  EXPECT_TRUE(f.s.snapshot(Role::audience)["questions"].empty());
  EXPECT_EQ(f.s.snapshot(Role::host)["questions"].size(), 1u);
  f.moderate("q1", ModerateAction::approve);
  EXPECT_EQ(f.s.snapshot(Role::audience)["questions"].size(), 1u);
}

TEST(Questions, WithoutPreModerationUnflaggedAreApprovedAtOnceFlaggedWait) {
  Settings s;
  s.pre_moderation = false;
  Fixture f(s);
  f.start();
  WordFilter filter({"违禁词"});
  f.now += 20000;
  auto o = f.s.handle([&] { Request r = Fixture::req(RequestType::ask); r.text = "正常的问题"; return r; }(), f.aud, f.now,
                      &filter);
  ASSERT_EQ(o.changes.events.size(), 2u);
  EXPECT_EQ(o.changes.events[1].kind, "question.approved");
  EXPECT_FALSE(o.changes.events[1].by.has_value());
  f.now += 20000;
  o = f.s.handle([&] { Request r = Fixture::req(RequestType::ask); r.text = "含有违禁词的问题"; return r; }(), f.aud2,
                 f.now, &filter);
  ASSERT_EQ(o.changes.events.size(), 1u);
  EXPECT_TRUE(o.changes.events[0].data["flagged"].get<bool>());
  EXPECT_EQ(f.s.question("q2")->status, QuestionStatus::pending);
}

TEST(Questions, AudienceAskIsRateLimitedByInterval) {
  Fixture f;
  f.start();
  EXPECT_FALSE(f.ask(f.aud, "一").error);
  auto o = f.ask(f.aud, "二");  // one second later; interval is 10 s
  EXPECT_EQ(code_of(o), ErrorCode::rate_limited);
  EXPECT_FALSE(f.ask(f.aud2, "别人的问题").error);
  f.now += 10000;
  EXPECT_FALSE(f.ask(f.aud, "三").error);
  EXPECT_FALSE(f.ask(f.member, "委员不受限").error);
  EXPECT_FALSE(f.ask(f.member, "委员不受限2").error);
}

TEST(Upvotes, OncePerParticipantAndClientId) {
  Fixture f;
  f.start();
  f.ask(f.aud, "问题");
  EXPECT_EQ(code_of(f.upvote(f.aud2, "q1")), ErrorCode::not_found);  // not public yet
  f.moderate("q1", ModerateAction::approve);
  auto a = f.upvote(f.aud2, "q1");
  ASSERT_FALSE(a.error);
  EXPECT_EQ(a.ack["count"], 1);
  EXPECT_EQ(a.changes.upvotes.size(), 1u);
  // The same client_id (a reconnect, a second tab) derives the same participant.
  Caller again{Session::audience_participant_id("s1", "client-bbbb"), Role::audience, "另一个昵称"};
  auto b = f.upvote(again, "q1");
  ASSERT_FALSE(b.error);
  EXPECT_EQ(b.ack["count"], 1);
  EXPECT_TRUE(b.changes.empty());
  EXPECT_EQ(f.upvote(f.member, "q1").ack["count"], 2);
  f.moderate("q1", ModerateAction::answered);
  EXPECT_EQ(code_of(f.upvote(f.aud, "q1")), ErrorCode::conflict);
}

TEST(Floor, GrantAndRelease) {
  Fixture f;
  f.start();
  Request g = Fixture::req(RequestType::floor);
  g.participant = "p_mem";
  auto o = f.run(f.host, g);
  ASSERT_FALSE(o.error);
  EXPECT_EQ(o.changes.events[0].kind, "floor.granted");
  EXPECT_EQ(f.s.floor()->participant, "p_mem");
  EXPECT_EQ(f.s.snapshot(Role::audience)["floor"]["name"], "李委员");
  g.participant = "p_nobody";
  EXPECT_EQ(code_of(f.run(f.host, g)), ErrorCode::not_found);
  g.participant = std::nullopt;
  o = f.run(f.host, g);
  EXPECT_EQ(o.changes.events.at(0).kind, "floor.released");
  EXPECT_FALSE(f.s.floor().has_value());
}

TEST(Points, OutcomeAtAndAroundTheThreshold) {
  struct Case {
    int agree, disagree, abstain;
    bool adopted;
  };
  // Default threshold two thirds: 2 of 3 adopts, 1 of 2 does not, abstentions do not count.
  for (const Case& c : {Case{2, 1, 0, true}, Case{1, 1, 0, false}, Case{3, 2, 0, false}, Case{4, 2, 5, true},
                        Case{0, 0, 3, false}, Case{0, 0, 0, false}, Case{1, 0, 0, true}, Case{5, 3, 0, false},
                        Case{6, 3, 0, true}}) {
    Tally t;
    for (int i = 0; i < c.agree; ++i) t.add(Role::member, Choice::agree);
    for (int i = 0; i < c.disagree; ++i) t.add(Role::department, Choice::disagree);
    for (int i = 0; i < c.abstain; ++i) t.add(Role::member, Choice::abstain);
    EXPECT_EQ(t.adopted(Settings{}), c.adopted) << c.agree << "/" << c.disagree << "/" << c.abstain;
  }
  Settings half;
  half.consensus_threshold = 0.5;
  Tally t;
  t.add(Role::member, Choice::agree);
  t.add(Role::member, Choice::disagree);
  EXPECT_TRUE(t.adopted(half));
  Settings seventy;
  seventy.consensus_threshold = 0.7;
  Tally t7;
  for (int i = 0; i < 7; ++i) t7.add(Role::member, Choice::agree);
  for (int i = 0; i < 3; ++i) t7.add(Role::member, Choice::disagree);
  EXPECT_TRUE(t7.adopted(seventy));
  t7.add(Role::member, Choice::disagree);
  EXPECT_FALSE(t7.adopted(seventy));
}

TEST(Points, AudienceVotesAreTalliedButNeverDecide) {
  Tally t;
  for (int i = 0; i < 100; ++i) t.add(Role::audience, Choice::agree);
  EXPECT_FALSE(t.adopted(Settings{}));
  t.add(Role::member, Choice::disagree);
  EXPECT_FALSE(t.adopted(Settings{}));
  auto j = t.to_json(Settings{});
  EXPECT_EQ(j["agree"], 100);
  EXPECT_EQ(j["by_role"]["audience"]["agree"], 100);
  EXPECT_EQ(j["by_role"]["member"]["disagree"], 1);
  // What decides and what advises, apart: never one sum as the result.
  EXPECT_EQ(j["counted"], json({{"agree", 0}, {"disagree", 1}, {"abstain", 0}}));
  EXPECT_EQ(j["audience"], json({{"agree", 100}, {"disagree", 0}, {"abstain", 0}}));
  // Host votes count only when the settings say so.
  Tally h;
  h.add(Role::host, Choice::agree);
  EXPECT_FALSE(h.adopted(Settings{}));
  Settings with_host;
  with_host.counted_roles = {Role::host, Role::member};
  EXPECT_TRUE(h.adopted(with_host));
}

TEST(Points, ChangedVoteMovesTheTallyAndCloseRecordsOutcome) {
  Fixture f;
  f.start();
  auto p = f.propose(f.member, "同意试点");
  ASSERT_EQ(p.ack["point"], "pt1");
  EXPECT_FALSE(f.vote(f.member, "pt1", Choice::disagree).error);
  EXPECT_FALSE(f.vote(f.member2, "pt1", Choice::agree).error);
  EXPECT_FALSE(f.vote(f.dept, "pt1", Choice::agree).error);
  EXPECT_TRUE(f.s.point("pt1")->tally.adopted(Settings{}));  // 2 of 3
  EXPECT_FALSE(f.vote(f.member2, "pt1", Choice::disagree).error);     // changes her mind
  const Tally& t = f.s.point("pt1")->tally;
  EXPECT_EQ(t.count(Role::member, Choice::disagree), 2);
  EXPECT_EQ(t.count(Role::member, Choice::agree), 0);
  EXPECT_EQ(t.total(Choice::agree), 1);
  auto same = f.vote(f.member2, "pt1", Choice::disagree);
  EXPECT_TRUE(same.changes.empty());
  EXPECT_FALSE(f.vote(f.aud, "pt1", Choice::agree).error);
  auto c = f.close_point("pt1");
  ASSERT_FALSE(c.error);
  EXPECT_EQ(c.changes.events[0].data["outcome"], "not_adopted");
  EXPECT_EQ(c.changes.events[0].data["tally"]["by_role"]["audience"]["agree"], 1);
  EXPECT_EQ(code_of(f.vote(f.member, "pt1", Choice::agree)), ErrorCode::conflict);
  EXPECT_EQ(code_of(f.close_point("pt1")), ErrorCode::conflict);
  EXPECT_EQ(code_of(f.close_point("pt7")), ErrorCode::not_found);
}

TEST(Points, AudienceMayNotVoteWhenSettingsSayNo) {
  Settings s;
  s.audience_can_vote = false;
  Fixture f(s);
  f.start();
  f.propose(f.member, "要点");
  EXPECT_EQ(code_of(f.vote(f.aud, "pt1", Choice::agree)), ErrorCode::forbidden);
}

TEST(Points, EndClosesOpenPointsBeforeSessionEnded) {
  Fixture f;
  f.start();
  f.propose(f.member, "一");
  f.propose(f.clerk, "二");
  f.vote(f.member, "pt1", Choice::agree);
  f.close_point("pt2");
  auto o = f.run(f.host, Fixture::req(RequestType::end));
  ASSERT_EQ(o.changes.events.size(), 2u);
  EXPECT_EQ(o.changes.events[0].kind, "point.closed");
  EXPECT_EQ(o.changes.events[0].data["point"], "pt1");
  EXPECT_EQ(o.changes.events[0].data["outcome"], "adopted");
  EXPECT_EQ(o.changes.events[1].kind, "session.ended");
  EXPECT_EQ(o.changes.events[1].seq, o.changes.events[0].seq + 1);
}

TEST(Statements, ReplyToLinksAnAnswer) {
  Fixture f;
  f.start();
  f.ask(f.aud, "问题");
  auto o = f.say(f.dept, "这是答复", "q1");
  ASSERT_FALSE(o.error);
  EXPECT_EQ(o.changes.events[0].data["reply_to"], "q1");
}

TEST(Lifecycle, EndReleasesTheFloorAndNothingOutlivesTheSession) {
  Fixture f;
  f.start();
  f.ask(f.aud, "问题");
  f.moderate("q1", ModerateAction::approve);
  f.moderate("q1", ModerateAction::feature);
  Request g = Fixture::req(RequestType::floor);
  g.participant = "p_mem";
  ASSERT_FALSE(f.run(f.host, g).error);
  auto o = f.run(f.host, Fixture::req(RequestType::end));
  ASSERT_EQ(o.changes.events.size(), 3u);
  EXPECT_EQ(o.changes.events[0].kind, "question.unfeatured");
  EXPECT_EQ(o.changes.events[1].kind, "floor.released");
  EXPECT_EQ(o.changes.events[2].kind, "session.ended");
  for (Role viewer : {Role::audience, Role::host}) {
    auto snap = f.s.snapshot(viewer);
    EXPECT_TRUE(snap["floor"].is_null());
    EXPECT_TRUE(snap["featured"].is_null());
  }
}

TEST(Lifecycle, ASessionStoredBeforeEndReleasedTheFloorLoadsWithoutIt) {
  // Events as an earlier release stored them: the floor still held when session.ended came.
  Fixture f;
  f.start();
  Request g = Fixture::req(RequestType::floor);
  g.participant = "p_dept";
  ASSERT_FALSE(f.run(f.host, g).error);
  Session replay(SessionInfo{"s1", "标题", "议题", "", "", Settings{}, kT0, "", "", 0, ""});
  for (const auto& e : f.log) replay.apply(e);
  ASSERT_TRUE(replay.floor());
  replay.apply(Event{f.s.last_seq() + 1, f.now + 1000, "session.ended", std::nullopt, json::object(), ""});
  EXPECT_FALSE(replay.floor());
  EXPECT_TRUE(replay.snapshot(Role::audience)["floor"].is_null());
}

TEST(Replay, WhatTheAudienceSawIsEnoughToKnowEachPublicQuestion) {
  Fixture f;
  f.start();
  f.ask(f.aud, "公开的问题");
  f.moderate("q1", ModerateAction::approve);
  f.moderate("q1", ModerateAction::answered);
  f.ask(f.aud2, "被拒绝的问题");
  f.moderate("q2", ModerateAction::reject);
  f.propose(f.member, "共识");
  f.vote(f.member, "pt1", Choice::agree);
  f.close_point("pt1");
  // Only the events the audience was sent, replayed through the same rules: no votes.
  Session pub(SessionInfo{"s1", "标题", "议题", "", "", Settings{}, kT0, "", "", 0, ""});
  for (const auto& e : f.log)
    if (visible_to(e, Role::audience)) pub.apply(e);
  ASSERT_EQ(pub.questions().size(), 1u);
  EXPECT_EQ(pub.questions()[0].text, "公开的问题");
  EXPECT_EQ(pub.questions()[0].name, "听众甲");
  EXPECT_EQ(pub.questions()[0].status, QuestionStatus::answered);
  ASSERT_EQ(pub.points().size(), 1u);
  EXPECT_EQ(pub.points()[0].outcome, "adopted");
  EXPECT_EQ(pub.points()[0].closed_tally["agree"], 1);
}

namespace {
Request commit_request(std::string text, std::string department, std::string due = "", std::string question = "") {
  Request r = Fixture::req(RequestType::commit);
  r.text = std::move(text);
  r.department = std::move(department);
  r.due = std::move(due);
  r.question = std::move(question);
  return r;
}
Request progress_request(std::string commitment, std::string status, std::string text) {
  Request r = Fixture::req(RequestType::update_commitment);
  r.commitment = std::move(commitment);
  r.progress_status = std::move(status);
  r.text = std::move(text);
  return r;
}
}  // namespace

TEST(Commitments, MadeOnAirAndReportedOnAfterTheEnd) {
  Fixture f;
  EXPECT_EQ(code_of(f.run(f.clerk, commit_request("年底前完成", f.dept.participant))), ErrorCode::not_live);
  f.start();
  f.ask(f.aud, "电梯什么时候装？");
  f.moderate("q1", ModerateAction::approve);
  auto made = f.run(f.clerk, commit_request("年底前完成加装", f.dept.participant, "2026-12-31", "q1"));
  ASSERT_FALSE(made.error) << made.error->message;
  EXPECT_EQ(made.ack["commitment"], "c1");
  ASSERT_EQ(made.changes.events.size(), 1u);
  EXPECT_EQ(made.changes.events[0].kind, "commitment.made");
  EXPECT_TRUE(f.s.reach(made.changes.events[0]).everyone);
  // A department commits for itself without naming itself.
  Request own = commit_request("下月公示方案", "");
  ASSERT_FALSE(f.run(f.dept, own).error);

  json c = f.s.snapshot(Role::audience, "2026-11-30")["commitments"];
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[0]["department"], f.dept.participant);
  EXPECT_EQ(c[0]["department_name"], "住建局");
  EXPECT_EQ(c[0]["due"], "2026-12-31");
  EXPECT_EQ(c[0]["question"], "q1");
  EXPECT_EQ(c[0]["status"], "open");
  EXPECT_TRUE(c[0]["progress"].is_null());
  EXPECT_TRUE(c[1]["due"].is_null());

  ASSERT_FALSE(f.run(f.dept, progress_request("c1", "in_progress", "已完成方案设计")).error);
  ASSERT_FALSE(f.run(f.host, Fixture::req(RequestType::end)).error);
  auto late = f.run(f.dept, progress_request("c1", "done", "12月20日已投入使用"));
  ASSERT_FALSE(late.error) << late.error->message;
  c = f.s.snapshot(Role::audience, "2027-01-05")["commitments"];
  EXPECT_EQ(c[0]["status"], "done");
  EXPECT_EQ(c[0]["progress"], "12月20日已投入使用");
  EXPECT_FALSE(c[0]["updated_at"].is_null());
  EXPECT_FALSE(c[0]["overdue"]) << "done is never overdue";

  // What was stored replays to the same commitments.
  Session replay(SessionInfo{"s1", "标题", "议题", "", "", Settings{}, kT0, "", "", 0, ""});
  for (const auto& e : f.log) replay.apply(e);
  EXPECT_EQ(replay.snapshot(Role::audience, "2027-01-05")["commitments"], c);
}

TEST(Commitments, ADepartmentAnswersForItselfAndOnlyADepartmentCommits) {
  Fixture f;
  Caller other{"p_dept2", Role::department, "民政局"};
  f.s.add_participant(Participant{other.participant, "s1", other.role, other.name, ""});
  f.start();
  EXPECT_EQ(code_of(f.run(f.clerk, commit_request("x", f.member.participant))), ErrorCode::bad_request);
  EXPECT_EQ(code_of(f.run(f.clerk, commit_request("x", ""))), ErrorCode::bad_request) << "the clerk names the department";
  EXPECT_EQ(code_of(f.run(f.clerk, commit_request("x", "nobody"))), ErrorCode::not_found);
  EXPECT_EQ(code_of(f.run(f.clerk, commit_request("x", f.dept.participant, "", "q9"))), ErrorCode::not_found);
  EXPECT_EQ(code_of(f.run(f.dept, commit_request("x", other.participant))), ErrorCode::forbidden);
  EXPECT_EQ(code_of(f.run(f.member, commit_request("x", f.dept.participant))), ErrorCode::forbidden);
  ASSERT_FALSE(f.run(f.host, commit_request("年内解决", f.dept.participant)).error);
  EXPECT_EQ(code_of(f.run(other, progress_request("c1", "done", "x"))), ErrorCode::forbidden);
  EXPECT_EQ(code_of(f.run(f.member, progress_request("c1", "done", "x"))), ErrorCode::forbidden);
  EXPECT_EQ(code_of(f.run(f.clerk, progress_request("c9", "done", "x"))), ErrorCode::not_found);
  EXPECT_FALSE(f.run(f.clerk, progress_request("c1", "in_progress", "记录员代为登记")).error);
  EXPECT_EQ(f.s.commitments().size(), 1u);
}

TEST(Commitments, OverdueMeansPastItsDueDateAndNotDone) {
  Fixture f;
  f.start();
  ASSERT_FALSE(f.run(f.clerk, commit_request("x", f.dept.participant, "2026-01-10")).error);
  EXPECT_FALSE(f.s.snapshot(Role::audience, "2026-01-10")["commitments"][0]["overdue"]);
  EXPECT_TRUE(f.s.snapshot(Role::audience, "2026-01-11")["commitments"][0]["overdue"]);
  ASSERT_FALSE(f.run(f.dept, progress_request("c1", "in_progress", "推进中")).error);
  EXPECT_TRUE(f.s.snapshot(Role::audience, "2026-02-01")["commitments"][0]["overdue"]);
  ASSERT_FALSE(f.run(f.dept, progress_request("c1", "done", "完成")).error);
  EXPECT_FALSE(f.s.snapshot(Role::audience, "2026-02-01")["commitments"][0]["overdue"]);
}

TEST(CaseText, AnyTimeByTheClerkOrHostTheLatestWinsAndOnlyStaffSeeIt) {
  Fixture f;  // scheduled: the background may be written before the programme
  Request r = Fixture::req(RequestType::case_text);
  r.section = "background";
  r.text = "小区居民反映加装电梯难。";
  auto o = f.run(f.clerk, r);
  ASSERT_FALSE(o.error);
  EXPECT_FALSE(f.s.reach(o.changes.events[0]).everyone);
  r.text = "老旧小区加装电梯，居民意见不一。";
  ASSERT_FALSE(f.run(f.host, r).error);
  r.section = "lessons";
  r.text = "协商前充分调研。";
  ASSERT_FALSE(f.run(f.clerk, r).error);
  EXPECT_EQ(code_of(f.run(f.member, r)), ErrorCode::forbidden);
  const json staff = f.s.snapshot(Role::clerk);
  EXPECT_EQ(staff["case"]["background"], "老旧小区加装电梯，居民意见不一。");
  EXPECT_EQ(staff["case"]["lessons"], "协商前充分调研。");
  EXPECT_FALSE(f.s.snapshot(Role::audience).contains("case"));
}
