// The studio's requests of contract v2, driven on the domain directly: merging
// duplicates, the speaking queue with time budgets, the on-air mark, the minutes'
// sign-off, each caller's own state and who sees what.
#include <gtest/gtest.h>

#include "session/Session.hpp"

using namespace yst;

namespace {

constexpr int64_t kT0 = 1'790'000'000'000;

struct Studio {
  Session s{SessionInfo{"s1", "标题", "议题", "", "", Settings{}, kT0, "", "", 0, ""}};
  Caller host{"p_host", Role::host, "主持人"};
  Caller member{"p_mem", Role::member, "李委员"};
  Caller dept{"p_dept", Role::department, "住建局"};
  Caller clerk{"p_clerk", Role::clerk, "记录员"};
  Caller wang{Session::audience_participant_id("s1", "client-wang"), Role::audience, "王阿姨"};
  Caller li{Session::audience_participant_id("s1", "client-lili"), Role::audience, "老李"};
  int64_t now = kT0;

  Studio() {
    s.add_participant(Participant{"p_host", "s1", Role::host, "主持人", ""});
    for (const Caller* c : {&member, &dept, &clerk})
      s.add_participant(Participant{c->participant, "s1", c->role, c->name, ""});
    EXPECT_FALSE(run(host, RequestType::start).error);
  }
  Outcome run(const Caller& c, Request r) {
    now += 1000;
    Outcome o = s.handle(r, c, now);
    log.insert(log.end(), o.changes.events.begin(), o.changes.events.end());
    return o;
  }
  std::vector<Event> log;
  Outcome run(const Caller& c, RequestType t) {
    Request r;
    r.type = t;
    return run(c, r);
  }
  std::vector<std::string> kinds(const Outcome& o) {
    std::vector<std::string> k;
    for (const auto& e : o.changes.events) k.push_back(e.kind);
    return k;
  }
  std::string ask_public(const Caller& c, const std::string& text) {
    Request r;
    r.type = RequestType::ask;
    r.text = text;
    auto id = run(c, r).ack["question"].get<std::string>();
    moderate(id, ModerateAction::approve);
    return id;
  }
  Outcome moderate(const std::string& q, ModerateAction a) {
    Request r;
    r.type = RequestType::moderate;
    r.question = q;
    r.action = a;
    return run(host, r);
  }
  Outcome upvote(const Caller& c, const std::string& q) {
    Request r;
    r.type = RequestType::upvote;
    r.question = q;
    return run(c, r);
  }
  Outcome merge(const std::string& q, const std::string& into) {
    Request r;
    r.type = RequestType::merge;
    r.question = q;
    r.into = into;
    return run(host, r);
  }
  Outcome floor(const std::string& who, std::optional<int> seconds = {}) {
    Request r;
    r.type = RequestType::floor;
    r.participant = who;
    r.seconds = seconds;
    return run(host, r);
  }
};

ErrorCode code_of(const Outcome& o) { return o.error ? o.error->code : ErrorCode::internal; }

TEST(Merge, UpvotesBecomeTheDistinctUpvotersOfBoth) {
  Studio st;
  auto wang_q = st.ask_public(st.wang, "电梯费用谁出？");
  auto li_q = st.ask_public(st.li, "加装电梯的钱谁来出？");
  st.upvote(st.wang, wang_q);
  st.upvote(st.li, li_q);
  st.upvote(st.wang, li_q);  // upvoted both: counts once after the merge
  auto o = st.merge(li_q, wang_q);
  ASSERT_FALSE(o.error) << o.error->message;
  EXPECT_EQ(st.kinds(o), std::vector<std::string>{"question.merged"});
  EXPECT_EQ(o.ack["count"], 2);
  EXPECT_EQ(st.s.question(wang_q)->upvotes(), 2);
  EXPECT_EQ(st.s.question(li_q)->status, QuestionStatus::merged);
  EXPECT_EQ(st.s.question(li_q)->merged_into, wang_q);
  // 老李's phone sees where its question went.
  auto you = st.s.you_json(st.li);
  ASSERT_EQ(you["questions"].size(), 1u);
  EXPECT_EQ(you["questions"][0]["merged_into"], wang_q);
  EXPECT_EQ(you["upvoted"], json::array({wang_q}));
  // An upvote on a merged question is a conflict; a merge into itself too.
  EXPECT_EQ(code_of(st.upvote(st.li, li_q)), ErrorCode::conflict);
  EXPECT_EQ(code_of(st.merge(wang_q, wang_q)), ErrorCode::conflict);
  EXPECT_EQ(code_of(st.merge("q9", wang_q)), ErrorCode::not_found);
}

TEST(Merge, AnUpvoteLoadedAfterTheMergeCountsForTheQuestionItWentInto) {
  Studio st;
  auto a = st.ask_public(st.wang, "一");
  auto b = st.ask_public(st.li, "二");
  ASSERT_FALSE(st.upvote(st.li, b).error);
  ASSERT_FALSE(st.merge(b, a).error);
  // A restart replays the events first, the stored upvotes after them.
  Session replay(SessionInfo{"s1", "标题", "议题", "", "", Settings{}, kT0, "", "", 0, ""});
  for (const auto& e : st.log) replay.apply(e);
  replay.apply(Upvote{b, st.li.participant});
  EXPECT_EQ(replay.question(a)->upvotes(), 1);
  EXPECT_EQ(replay.question(a)->upvotes(), st.s.question(a)->upvotes());
}

TEST(Moderation, FeaturingAnotherFirstTakesTheCurrentOneOffAir) {
  Studio st;
  auto a = st.ask_public(st.wang, "一");
  auto b = st.ask_public(st.li, "二");
  st.moderate(a, ModerateAction::feature);
  auto o = st.moderate(b, ModerateAction::feature);
  EXPECT_EQ(st.kinds(o), (std::vector<std::string>{"question.unfeatured", "question.featured"}));
  EXPECT_EQ(st.s.question(a)->status, QuestionStatus::approved);
  EXPECT_EQ(*st.s.featured(), b);
  o = st.moderate(b, ModerateAction::unfeature);
  EXPECT_EQ(st.kinds(o), std::vector<std::string>{"question.unfeatured"});
  EXPECT_FALSE(st.s.featured());
  // A rejected public question is withdrawn from the audience.
  o = st.moderate(a, ModerateAction::reject);
  EXPECT_EQ(st.kinds(o), (std::vector<std::string>{"question.rejected", "question.withdrawn"}));
  EXPECT_TRUE(st.s.snapshot(Role::audience)["questions"].size() == 1u);
}

TEST(SpeakingQueue, HandsInOrderGrantLowersTheHandAndTheBudgetOverrunsOnce) {
  Studio st;
  Request raise;
  raise.type = RequestType::raise_hand;
  raise.text = "补充一点";
  auto o = st.run(st.member, raise);
  EXPECT_EQ(st.kinds(o), std::vector<std::string>{"hand.raised"});
  EXPECT_TRUE(st.run(st.member, raise).changes.empty());  // already queued: no-op
  st.run(st.dept, RequestType::raise_hand);
  ASSERT_EQ(st.s.hands().size(), 2u);
  EXPECT_EQ(st.s.hands()[0].participant, "p_mem");
  EXPECT_EQ(st.s.hands()[0].note, "补充一点");
  EXPECT_EQ(st.s.snapshot(Role::host)["hands"].size(), 2u);
  EXPECT_TRUE(st.s.snapshot(Role::audience)["hands"].empty());

  o = st.floor("p_mem", 60);
  EXPECT_EQ(st.kinds(o), (std::vector<std::string>{"hand.lowered", "floor.granted"}));
  EXPECT_EQ(o.changes.events[1].data["seconds"], 60);
  EXPECT_EQ(st.s.hands().size(), 1u);
  const int64_t until = *st.s.floor()->until_ms;
  EXPECT_EQ(until, st.now + 60'000);
  EXPECT_TRUE(st.s.expire_floor(until - 1).events.empty());
  auto over = st.s.expire_floor(until);
  ASSERT_EQ(over.events.size(), 1u);
  EXPECT_EQ(over.events[0].kind, "floor.overrun");
  EXPECT_TRUE(st.s.expire_floor(until + 5000).events.empty());  // once per grant
  EXPECT_TRUE(st.s.floor());  // the host decides; the floor is not taken away

  // Lowering another's hand is the host's; a member may lower only their own.
  Request lower;
  lower.type = RequestType::lower_hand;
  lower.participant = "p_dept";
  EXPECT_EQ(code_of(st.run(st.member, lower)), ErrorCode::forbidden);
  EXPECT_EQ(st.kinds(st.run(st.host, lower)), std::vector<std::string>{"hand.lowered"});
  EXPECT_TRUE(st.run(st.host, lower).changes.empty());  // not queued: no-op
}

TEST(SpeakingQueue, ClerkCannotHoldTheFloor) {
  Studio st;
  EXPECT_EQ(code_of(st.floor("p_clerk")), ErrorCode::bad_request);
  EXPECT_EQ(code_of(st.floor("p_nobody")), ErrorCode::not_found);
}

TEST(OnAir, OncePerSessionAndTheOriginOfTimecodes) {
  Studio st;
  Request r;
  r.type = RequestType::on_air;
  r.at_ms = kT0 + 500;
  ASSERT_FALSE(st.run(st.host, r).error);
  EXPECT_EQ(st.s.on_air_ms(), kT0 + 500);
  EXPECT_EQ(st.s.timecode_origin_ms(), kT0 + 500);
  EXPECT_EQ(code_of(st.run(st.host, r)), ErrorCode::conflict);
  EXPECT_EQ(st.s.snapshot(Role::audience)["on_air_at"], format_time_ms(kT0 + 500));
}

TEST(MinutesSignOff, ClerkSubmitsAfterTheEndHostApprovesNotesAfterAreAddenda) {
  Studio st;
  EXPECT_EQ(code_of(st.run(st.clerk, RequestType::submit_minutes)), ErrorCode::not_live);
  st.run(st.host, RequestType::end);
  EXPECT_EQ(code_of(st.run(st.host, RequestType::approve_minutes)), ErrorCode::conflict);
  const std::string head = st.s.last_hash();
  auto o = st.run(st.clerk, RequestType::submit_minutes);
  ASSERT_EQ(st.kinds(o), std::vector<std::string>{"minutes.submitted"});
  EXPECT_EQ(o.changes.events[0].data["head"], head);
  EXPECT_TRUE(st.run(st.clerk, RequestType::submit_minutes).changes.empty());
  o = st.run(st.host, RequestType::approve_minutes);
  ASSERT_EQ(st.kinds(o), std::vector<std::string>{"minutes.approved"});
  EXPECT_EQ(st.s.approval().status(), "approved");
  EXPECT_EQ(code_of(st.run(st.host, RequestType::approve_minutes)), ErrorCode::conflict);
  Request note;
  note.type = RequestType::note;
  note.text = "会后补记";
  o = st.run(st.clerk, note);
  EXPECT_EQ(o.changes.events.at(0).data["addendum"], true);
}

TEST(Reach, TheAskerSeesTheirOwnQuestionAndItsRejection) {
  Studio st;
  Request ask;
  ask.type = RequestType::ask;
  ask.text = "不当言论";
  auto asked = st.run(st.wang, ask).changes.events.at(0);
  auto r = st.s.reach(asked);
  EXPECT_FALSE(r.everyone);
  EXPECT_EQ(r.asker, st.wang.participant);
  auto rejected = st.moderate("q1", ModerateAction::reject).changes.events.at(0);
  r = st.s.reach(rejected);
  EXPECT_FALSE(r.everyone);
  EXPECT_EQ(r.asker, st.wang.participant);
  auto you = st.s.you_json(st.wang);
  ASSERT_EQ(you["questions"].size(), 1u);
  EXPECT_EQ(you["questions"][0]["status"], "rejected");
  EXPECT_TRUE(st.s.you_json(st.li)["questions"].empty());
}

TEST(Overlay, SendsNothing) {
  Studio st;
  Caller overlay{"overlay", Role::overlay, "直播画面"};
  Request ask;
  ask.type = RequestType::ask;
  ask.text = "x";
  EXPECT_EQ(code_of(st.run(overlay, ask)), ErrorCode::forbidden);
  EXPECT_FALSE(is_staff(Role::overlay));
}

}  // namespace
