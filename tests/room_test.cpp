// Room and RoomShard without sockets: fake peers, a store in memory, the real io_contexts
// run on the test's thread.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <numeric>
#include <filesystem>
#include <span>

#include <unistd.h>

#include "server/Hub.hpp"
#include "server/LiveFigures.hpp"
#include "server/Room.hpp"
#include "server/RoomShard.hpp"
#include "storage/SqliteStore.hpp"
#include "tests/support/FakePeer.hpp"

using namespace yst;
using yst::test::FakePeer;
using namespace std::chrono_literals;

namespace {

constexpr int64_t kT0 = 1'790'000'000'000;

Request make_request(RequestType type, std::string text = "") {
  Request r;
  r.type = type;
  r.text = std::move(text);
  return r;
}

std::vector<int64_t> event_seqs(const FakePeer& p) {
  std::vector<int64_t> out;
  for (const auto& e : p.of_type("event")) out.push_back(e["seq"].get<int64_t>());
  return out;
}

std::vector<std::string> statements(const FakePeer& p) {
  std::vector<std::string> out;
  for (const auto& e : p.of_type("event"))
    if (e["kind"] == "statement") out.push_back(e["data"]["text"].get<std::string>());
  return out;
}

// The index in p.written of the first frame that satisfies `pred`, or -1.
template <class Pred>
long index_of(const FakePeer& p, Pred pred) {
  for (size_t i = 0; i < p.written.size(); ++i)
    if (pred(p.written[i])) return static_cast<long>(i);
  return -1;
}

bool acked(const FakePeer& p, const json& id) {
  return index_of(p, [&](const json& j) { return j["type"] == "ack" && j["id"] == id; }) >= 0;
}

// SQLite (in a file, which the hub's reader opens too) whose store() can be made to fail,
// as a full disk would.
class BreakableStore final : public Store {
 public:
  BreakableStore(const std::string& path, std::shared_ptr<std::atomic<bool>> broken)
      : db_(path), broken_(std::move(broken)) {}
  void create_session(const SessionInfo& info) override { db_.create_session(info); }
  void add_participant(const Participant& p, const std::string& hash) override { db_.add_participant(p, hash); }
  void set_token_hash(const std::string& pid, const std::string& hash) override { db_.set_token_hash(pid, hash); }
  void update_session(const SessionInfo& info) override { db_.update_session(info); }
  void update_participant(const Participant& p) override { db_.update_participant(p); }
  void create_plan_item(const PlanItem& item) override { db_.create_plan_item(item); }
  void update_plan_item(const PlanItem& item) override { db_.update_plan_item(item); }
  void create_person(const Person& p) override { db_.create_person(p); }
  void update_person(const Person& p) override { db_.update_person(p); }
  void mark_attended(const std::string& sid, const std::string& pid) override { db_.mark_attended(sid, pid); }
  void create_topic(const Topic& t) override { db_.create_topic(t); }
  void update_topic(const Topic& t) override { db_.update_topic(t); }
  void add_topic_support(const std::string& id, const std::string& who) override { db_.add_topic_support(id, who); }
  void store(const std::string& sid, const Changes& changes) override {
    if (*broken_) throw std::runtime_error("disk full");
    db_.store(sid, changes);
  }
  void set_peak_audience(const std::string& sid, int peak) override { db_.set_peak_audience(sid, peak); }
  void set_meta(const std::string& key, const std::string& value) override { db_.set_meta(key, value); }
  std::vector<bool> write_batch(std::span<const Job> jobs) override {
    // The jobs are handed this store, not the one inside, so that store() can fail.
    std::vector<Job> wrapped;
    for (const auto& job : jobs)
      wrapped.push_back([this, &job](Store&) {
        if (job) job(*this);
      });
    return db_.write_batch(wrapped);
  }
  std::optional<std::string> meta(const std::string& key) override { return db_.meta(key); }
  std::vector<SessionInfo> sessions() override { return db_.sessions(); }
  std::vector<StoredParticipant> participants(const std::string& sid) override { return db_.participants(sid); }
  std::vector<Event> events(const std::string& sid, int64_t after = 0, int64_t limit = -1) override {
    return db_.events(sid, after, limit);
  }
  std::vector<Upvote> upvotes(const std::string& sid) override { return db_.upvotes(sid); }
  std::vector<Vote> votes(const std::string& sid) override { return db_.votes(sid); }
  int peak_audience(const std::string& sid) override { return db_.peak_audience(sid); }
  std::vector<PlanItem> plan_items() override { return db_.plan_items(); }
  std::vector<Person> people() override { return db_.people(); }
  std::vector<std::string> attendance(const std::string& sid) override { return db_.attendance(sid); }
  std::vector<Topic> topics() override { return db_.topics(); }
  void backup_to(const std::string& path) override { db_.backup_to(path); }

 private:
  SqliteStore db_;
  std::shared_ptr<std::atomic<bool>> broken_;
};

// A hub on `threads` io_contexts with a store in a fresh directory and one session, whose host
// has a Caller ready. The contexts run only inside run_until, on the test's thread.
class RoomTest : public testing::Test {
 protected:
  explicit RoomTest(size_t threads = 1) {
    for (size_t i = 0; i < threads; ++i) {
      contexts_.push_back(std::make_unique<net::io_context>(1));
      guards_.push_back(net::make_work_guard(*contexts_.back()));
    }
  }

  void SetUp() override {
    std::vector<net::io_context*> contexts;
    for (auto& c : contexts_) contexts.push_back(c.get());
    static std::atomic<int> next_dir{0};
    dir_ = std::filesystem::temp_directory_path() /
           ("yst-room-" + std::to_string(::getpid()) + "-" + std::to_string(next_dir++));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    Config config;
    config.admin_token = "admin-token-for-tests";
    config.data_dir = dir_.string();
    config.history_kept = history_kept_;
    hub_ = std::make_unique<Hub>(std::move(contexts), config, [t = kT0]() mutable { return t += 1000; });
    hub_->load(std::make_unique<BreakableStore>((dir_ / "yishiting.db").string(), storage_broken_));
    std::promise<std::pair<std::string, std::string>> created;
    SessionInfo info;
    info.title = "议事厅";
    info.settings.pre_moderation = false;
    hub_->create_session(info, "主持人", [&created](std::optional<Error> err, std::string id, std::string token) {
      ASSERT_FALSE(err);
      created.set_value({std::move(id), std::move(token)});
    });
    auto [sid, token] = created.get_future().get();
    sid_ = sid;
    room_ = hub_->room(sid);
    auto owner = hub_->find_token(token);
    ASSERT_TRUE(owner);
    host_ = Caller{owner->participant.id, Role::host, owner->participant.name};
  }

  void TearDown() override {
    hub_->writer().stop();
    hub_->history_reader().stop();
    hub_->forget_connections();
    room_.reset();
    hub_.reset();
    std::filesystem::remove_all(dir_);
  }

  // Runs the io_contexts until `done` holds (false after 5 s).
  template <class Pred>
  bool run_until(Pred done) {
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (!done()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      for (auto& c : contexts_) c->run_one_for(1ms);
    }
    return true;
  }

  Caller audience(const std::string& client_id) {
    return Caller{Session::audience_participant_id(sid_, client_id), Role::audience, "听众"};
  }

  std::shared_ptr<FakePeer> join(const Caller& caller, size_t shard = 0, std::optional<int64_t> after = {}) {
    auto peer = std::make_shared<FakePeer>(shard);
    room_->join(peer, caller, after, "join");
    return peer;
  }

  // Sends a request and runs until it is acked.
  void request_acked(const std::shared_ptr<FakePeer>& peer, const Caller& caller, Request r, const json& id) {
    room_->request(peer, std::move(r), caller, id);
    ASSERT_TRUE(run_until([&] { return acked(*peer, id); })) << "no ack for " << id;
  }

  // The host joined and the session live.
  std::shared_ptr<FakePeer> start_session() {
    auto host = join(host_);
    request_acked(host, host_, make_request(RequestType::start), "start");
    return host;
  }

  std::vector<std::unique_ptr<net::io_context>> contexts_;
  std::vector<net::executor_work_guard<net::io_context::executor_type>> guards_;
  std::shared_ptr<std::atomic<bool>> storage_broken_ = std::make_shared<std::atomic<bool>>(false);
  size_t history_kept_ = Config{}.history_kept;
  std::filesystem::path dir_;
  std::unique_ptr<Hub> hub_;
  std::string sid_;
  Caller host_;
  std::shared_ptr<Room> room_;
};

class TwoThreadRoomTest : public RoomTest {
 protected:
  TwoThreadRoomTest() : RoomTest(2) {}
};

// A room that keeps only its latest three events in memory.
class ShortHistoryRoomTest : public RoomTest {
 protected:
  ShortHistoryRoomTest() { history_kept_ = 3; }

  // The host says `n` statements, each acked.
  void say(const std::shared_ptr<FakePeer>& host, int n, const std::string& prefix) {
    for (int i = 0; i < n; ++i)
      request_acked(host, host_, make_request(RequestType::say, prefix + std::to_string(i)), prefix + std::to_string(i));
  }

  // Runs the reader's queue up to here, then the room's strand up to here: whatever the
  // reader had to answer has been answered and handled.
  void settle_reader() {
    std::promise<void> read;
    hub_->history_reader().submit([&read](Store&) { read.set_value(); });
    read.get_future().wait();
    bool handled = false;
    room_->inspect([&](Room&) { handled = true; });
    ASSERT_TRUE(run_until([&] { return handled; }));
  }

  int audience_online() {
    std::optional<int> n;
    room_->inspect([&](Room& r) { n = r.online_json()["audience"].get<int>(); });
    EXPECT_TRUE(run_until([&] { return n.has_value(); }));
    return n.value_or(-1);
  }
};

}  // namespace

TEST_F(RoomTest, AJoinerGetsTheWelcomeThenHistoryThenLiveEvents) {
  auto host = start_session();
  request_acked(host, host_, make_request(RequestType::say, "一"), 1);
  request_acked(host, host_, make_request(RequestType::say, "二"), 2);

  auto phone = join(audience("client-a"));
  room_->request(host, make_request(RequestType::say, "三"), host_, 3);  // decided after the join
  ASSERT_TRUE(run_until([&] { return statements(*phone).size() == 3; }));

  ASSERT_FALSE(phone->written.empty());
  const json& welcome = phone->written.front();
  EXPECT_EQ(welcome["type"], "welcome");
  EXPECT_EQ(welcome["id"], "join");
  EXPECT_EQ(welcome["last_seq"], 3);
  EXPECT_EQ(event_seqs(*phone), (std::vector<int64_t>{1, 2, 3, 4}));
  EXPECT_EQ(statements(*phone), (std::vector<std::string>{"一", "二", "三"}));

  // A resume gets only what came after `after`.
  auto back = join(audience("client-b"), 0, 2);
  ASSERT_TRUE(run_until([&] { return !back->of_type("event").empty(); }));
  EXPECT_EQ(back->written.front()["type"], "welcome");
  EXPECT_EQ(event_seqs(*back), (std::vector<int64_t>{3, 4}));
}

TEST_F(RoomTest, AResumeTooFarBackIsRefusedAfterItsError) {
  auto host = start_session();
  auto phone = join(audience("client-a"), 0, -Room::kMaxResume - 1);
  ASSERT_TRUE(run_until([&] { return phone->joins_refused == 1; }));
  ASSERT_EQ(phone->written.size(), 1u);
  EXPECT_EQ(phone->written[0]["code"], "resume_too_far");
  // Not a member: a request is answered not_joined.
  room_->request(phone, make_request(RequestType::ask, "问题"), audience("client-a"), 9);
  ASSERT_TRUE(run_until([&] { return phone->written.size() == 2; }));
  EXPECT_EQ(phone->written[1]["code"], "not_joined");
}

TEST_F(RoomTest, AnEventReachesItsAuthorBeforeTheAckOfTheRequest) {
  auto host = start_session();
  auto member_peer = join(audience("client-a"));
  for (int i = 0; i < 10; ++i) room_->request(host, make_request(RequestType::say, std::to_string(i)), host_, i);
  ASSERT_TRUE(run_until([&] { return acked(*host, 9); }));
  for (int i = 0; i < 10; ++i) {
    long event = index_of(*host, [&](const json& j) {
      return j["type"] == "event" && j["kind"] == "statement" && j["data"]["text"] == std::to_string(i);
    });
    long ack = index_of(*host, [&](const json& j) { return j["type"] == "ack" && j["id"] == i; });
    ASSERT_GE(event, 0);
    EXPECT_LT(event, ack) << "statement " << i;
    EXPECT_EQ(host->written[static_cast<size_t>(ack)]["seq"], host->written[static_cast<size_t>(event)]["seq"]);
  }
}

TEST_F(RoomTest, ASlowPeerIsDroppedAndTheOthersGetEverything) {
  auto host = start_session();
  auto fast = join(audience("client-fast"));
  auto slow = std::make_shared<FakePeer>(0);
  slow->stalled = true;
  slow->max_queued = 5;
  room_->join(slow, audience("client-slow"), std::nullopt, "join");
  for (int i = 0; i < 20; ++i) room_->request(host, make_request(RequestType::say, std::to_string(i)), host_, i);
  ASSERT_TRUE(run_until([&] { return statements(*fast).size() == 20 && acked(*host, 19); }));

  EXPECT_EQ(slow->closed_with, 1013);
  EXPECT_TRUE(slow->written.empty());
  std::vector<std::string> expected;
  for (int i = 0; i < 20; ++i) expected.push_back(std::to_string(i));
  EXPECT_EQ(statements(*fast), expected);
  EXPECT_EQ(statements(*host), expected);

  // Its connection leaves the room as a real one would once closed.
  room_->leave(slow);
  std::optional<int> audience_online;
  room_->inspect([&](Room& r) { audience_online = r.online_json()["audience"].get<int>(); });
  ASSERT_TRUE(run_until([&] { return audience_online.has_value(); }));
  EXPECT_EQ(*audience_online, 1);
}

TEST_F(RoomTest, AfterAStorageFailureNothingIsAnnouncedAndTheSessionRecoversWithoutAGap) {
  auto host = start_session();
  auto phone = join(audience("client-a"));
  *storage_broken_ = true;
  room_->request(host, make_request(RequestType::say, "丢失"), host_, 1);
  ASSERT_TRUE(run_until([&] { return !host->of_type("error").empty(); }));
  EXPECT_EQ(host->of_type("error")[0]["id"], 1);
  EXPECT_EQ(host->of_type("error")[0]["code"], "unavailable");
  // Still broken: refused again, never acked.
  room_->request(host, make_request(RequestType::say, "仍然丢失"), host_, 2);
  ASSERT_TRUE(run_until([&] { return host->of_type("error").size() == 2; }));
  EXPECT_TRUE(host->of_type("ack").empty() || host->of_type("ack").back()["id"] != 2);
  // The store is back: the next statement is stored and announced right after what was
  // durable, as if the lost ones had never been decided.
  *storage_broken_ = false;
  room_->request(host, make_request(RequestType::say, "恢复之后"), host_, 3);
  ASSERT_TRUE(run_until([&] { return statements(*phone).size() == 1; }));
  EXPECT_EQ(statements(*phone), std::vector<std::string>{"恢复之后"});
  EXPECT_EQ(event_seqs(*phone).back(), 2) << "session.started is 1; the lost statements left no gap";
  EXPECT_EQ(statements(*host).size(), 1u);
}

TEST_F(RoomTest, ShutdownClosesEveryMemberWith1001) {
  auto host = start_session();
  auto phone = join(audience("client-a"));
  ASSERT_TRUE(run_until([&] { return !phone->written.empty(); }));
  room_->shutdown();
  ASSERT_TRUE(run_until([&] { return host->closed_with && phone->closed_with; }));
  EXPECT_EQ(*host->closed_with, 1001);
  EXPECT_EQ(*phone->closed_with, 1001);
}

TEST_F(TwoThreadRoomTest, PeersOnEitherThreadGetTheSameEventsInOrder) {
  auto host = start_session();
  auto here = join(audience("client-a"), 0);
  auto there = join(audience("client-b"), 1);
  auto clerk_there = join(Caller{"p_none", Role::clerk, "记录员"}, 1);
  for (int i = 0; i < 30; ++i) room_->request(host, make_request(RequestType::say, std::to_string(i)), host_, i);
  ASSERT_TRUE(run_until([&] {
    return statements(*here).size() == 30 && statements(*there).size() == 30 && statements(*clerk_there).size() == 30;
  }));
  EXPECT_EQ(statements(*here), statements(*there));
  EXPECT_EQ(event_seqs(*there), event_seqs(*clerk_there));
  EXPECT_EQ(there->written.front()["type"], "welcome");
}

// RoomShard alone: what the room hands it, on one io_context.
namespace {
// A shard on an io_context that runs only when the test polls it, with `n` members: the
// first is the host, the others audience.
struct ShardWithPeers {
  explicit ShardWithPeers(int n) {
    for (int i = 0; i < n; ++i) {
      peers.push_back(std::make_shared<FakePeer>());
      shard->add(peers.back(), i == 0 ? Role::host : Role::audience);
    }
  }
  net::io_context ioc{1};
  std::shared_ptr<RoomShard> shard = std::make_shared<RoomShard>(ioc);
  std::vector<std::shared_ptr<FakePeer>> peers;
};
}  // namespace

// A phone that slept through more than the room keeps in memory: what it missed comes
// from the store, seen as it may see it, then the history, then live events, in order.
TEST_F(ShortHistoryRoomTest, AResumeFromBeforeTheHistoryGetsTheStoresEventsThenTheHistorysThenLive) {
  auto host = start_session();  // seq 1
  const Caller asker = audience("client-x");
  auto first = join(asker);
  request_acked(first, asker, make_request(RequestType::ask, "电梯谁来出钱？"), "q");
  room_->leave(first);
  say(host, 6, "第");
  std::optional<int64_t> history_front;
  room_->inspect([&](Room& r) { history_front = r.history().front().seq; });
  ASSERT_TRUE(run_until([&] { return history_front.has_value(); }));
  ASSERT_GT(*history_front, 3) << "the question and the first statements are only in the store";

  auto again = join(asker, 0, 1);
  auto other = join(audience("client-y"), 0, 1);
  ASSERT_TRUE(run_until([&] { return statements(*again).size() == 6 && statements(*other).size() == 6; }));
  request_acked(host, host_, make_request(RequestType::say, "现场"), "live");
  ASSERT_TRUE(run_until([&] { return statements(*again).size() == 7 && statements(*other).size() == 7; }));

  for (const auto& phone : {again, other}) {
    EXPECT_EQ(phone->written.front()["type"], "welcome");
    EXPECT_EQ(statements(*phone), (std::vector<std::string>{"第0", "第1", "第2", "第3", "第4", "第5", "现场"}));
  }
  // The asker sees every event after 1, its pending question among them; another phone
  // sees the same but for that question.
  const auto seqs = event_seqs(*again);
  std::vector<int64_t> all(seqs.size());
  std::iota(all.begin(), all.end(), 2);
  EXPECT_EQ(seqs, all);
  std::vector<int64_t> without_question;
  for (const auto& e : again->of_type("event"))
    if (e["kind"] != "question.asked") without_question.push_back(e["seq"].get<int64_t>());
  EXPECT_EQ(without_question.size(), seqs.size() - 1) << "the asker got its question.asked";
  EXPECT_EQ(event_seqs(*other), without_question);
  EXPECT_EQ(hub_->metrics().resumes_from_store.load(), 2u);
  EXPECT_EQ(audience_online(), 2);
}

TEST_F(ShortHistoryRoomTest, AConnectionThatLeavesWhileTheStoreIsReadIsNotJoinedAfterwards) {
  auto host = start_session();
  say(host, 5, "第");
  auto phone = join(audience("client-a"), 0, 1);
  room_->leave(phone);
  settle_reader();
  EXPECT_TRUE(phone->written.empty()) << phone->written.front().dump();
  EXPECT_EQ(audience_online(), 0);
  // Events after it left do not reach it either.
  say(host, 1, "之后");
  EXPECT_TRUE(phone->written.empty());
}

TEST_F(ShortHistoryRoomTest, EventsThatLeaveTheHistoryWhileTheStoreIsReadAreReadToo) {
  auto host = start_session();
  say(host, 5, "前");
  // The reader is held up while the session goes on: by the time it reads, the history
  // has moved past where the first read ends.
  std::promise<void> go;
  std::shared_future<void> released = go.get_future().share();
  hub_->history_reader().submit([released](Store&) { released.wait(); });
  auto phone = join(audience("client-a"), 0, 1);
  say(host, 5, "后");
  go.set_value();
  ASSERT_TRUE(run_until([&] { return statements(*phone).size() == 10; }));
  const auto seqs = event_seqs(*phone);
  std::vector<int64_t> all(seqs.size());
  std::iota(all.begin(), all.end(), 2);
  EXPECT_EQ(seqs, all) << "no gap and nothing twice";
  EXPECT_EQ(phone->written.front()["type"], "welcome");
  EXPECT_EQ(phone->written.front()["last_seq"], 11);
}

TEST(RoomShardTest, OnePassDeliversEverythingQueuedBeforeIt) {
  ShardWithPeers s(10);
  auto& [ioc, shard, peers] = s;
  shard->broadcast(make_frame(R"({"type":"event","seq":1})"), Audience::everyone);
  shard->broadcast(make_frame(R"({"type":"tally","point":"pt1"})"), Audience::staff);
  shard->broadcast(make_frame(R"({"type":"event","seq":2})"), Audience::everyone);
  // One handler for the whole inbox, and each connection written to once.
  EXPECT_EQ(ioc.poll(), 1u);
  for (size_t i = 0; i < peers.size(); ++i) {
    EXPECT_EQ(event_seqs(*peers[i]), (std::vector<int64_t>{1, 2}));
    EXPECT_EQ(peers[i]->of_type("tally").size(), i == 0 ? 1u : 0u);
    EXPECT_EQ(peers[i]->flushes, 1);
  }
}

TEST(RoomShardTest, ABigBroadcastGoesOutInSlicesInOrder) {
  ShardWithPeers s(1000);
  auto& [ioc, shard, peers] = s;
  for (int seq = 1; seq <= 3; ++seq)
    shard->broadcast(make_frame(json{{"type", "event"}, {"seq", seq}}.dump()), Audience::everyone);
  shard->remove(peers[7]);
  shard->broadcast(make_frame(R"({"type":"event","seq":4})"), Audience::everyone);
  const size_t handlers = ioc.poll();
  EXPECT_GT(handlers, 1u);  // other connections get a turn between slices
  EXPECT_LT(handlers, 4u * 1000u / 32u);
  for (size_t i = 0; i < peers.size(); ++i) {
    if (i == 7) EXPECT_EQ(event_seqs(*peers[i]), (std::vector<int64_t>{1, 2, 3}));
    else EXPECT_EQ(event_seqs(*peers[i]), (std::vector<int64_t>{1, 2, 3, 4})) << "peer " << i;
  }
}

TEST(RoomShardTest, SendAndRefuseKeepTheirPlaceInLine) {
  ShardWithPeers s(0);
  auto& [ioc, shard, peers] = s;
  auto peer = std::make_shared<FakePeer>();
  shard->send(peer, make_frame(R"({"type":"error","code":"resume_too_far"})"));
  shard->refuse(peer);
  shard->add(peer, Role::audience);
  shard->broadcast(make_frame(R"({"type":"event","seq":1})"), Audience::everyone);
  ioc.poll();
  ASSERT_EQ(peer->written.size(), 2u);
  EXPECT_EQ(peer->written[0]["type"], "error");
  EXPECT_EQ(peer->joins_refused, 1);
  EXPECT_EQ(peer->written[1]["seq"], 1);
}

// Commits queued one after another reach the speaker as the phones get them: each event
// before its ack, all in one write, and an answer to a connection that is no member (a
// join being refused) is not held back by them.
TEST(RoomShardTest, TheSpeakersAcksRideWithTheEventsInOneWrite) {
  ShardWithPeers s(5);
  auto& [ioc, shard, peers] = s;
  auto stranger = std::make_shared<FakePeer>();
  for (int seq = 1; seq <= 3; ++seq) {
    shard->broadcast(make_frame(json{{"type", "event"}, {"seq", seq}}.dump()), Audience::everyone, seq);
    if (seq == 2) shard->send(stranger, make_frame(R"({"type":"error","code":"resume_too_far"})"));
    shard->send(peers[0], make_frame(json{{"type", "ack"}, {"id", seq}, {"seq", seq}}.dump()));
  }
  ioc.poll();
  std::vector<std::string> host_saw;
  for (const auto& j : peers[0]->written) host_saw.push_back(j["type"].get<std::string>() + std::to_string(j["seq"].get<int>()));
  EXPECT_EQ(host_saw, (std::vector<std::string>{"event1", "ack1", "event2", "ack2", "event3", "ack3"}));
  for (const auto& p : peers) {
    EXPECT_EQ(event_seqs(*p), (std::vector<int64_t>{1, 2, 3}));
    EXPECT_EQ(p->flushes, 1) << "one write for the three commits";
  }
  ASSERT_EQ(stranger->written.size(), 1u);
  EXPECT_EQ(stranger->written[0]["code"], "resume_too_far");
}

// A slice can end between a run's answers to non-members and its first member: the
// answers still go out once (the soak's phones saw their history twice).
TEST(RoomShardTest, ARunCutByTheSliceSendsItsAnswersOnce) {
  ShardWithPeers s(50);
  auto& [ioc, shard, peers] = s;
  auto refused = std::make_shared<FakePeer>(), joining = std::make_shared<FakePeer>();
  shard->broadcast(make_frame(R"({"type":"event","seq":1})"), Audience::everyone);  // 50 deliveries
  shard->refuse(refused);                                                           // ends that run
  shard->broadcast(make_frame(R"({"type":"event","seq":2})"), Audience::everyone);
  for (int seq = 1; seq <= 16; ++seq)  // a joining phone's history: past the slice's 64
    shard->send(joining, make_frame(json{{"type", "event"}, {"seq", seq}}.dump()), false);
  ioc.poll();
  std::vector<int64_t> expected(16);
  std::iota(expected.begin(), expected.end(), 1);
  EXPECT_EQ(event_seqs(*joining), expected);
  for (const auto& p : peers) EXPECT_EQ(event_seqs(*p), (std::vector<int64_t>{1, 2}));
}

// The host and the speakers come first in every pass: a big audience's delivery does not
// stand between a member and the event they just made.
TEST(RoomShardTest, StaffAreWrittenToBeforeTheAudience) {
  ShardWithPeers s(0);
  auto& [ioc, shard, peers] = s;
  for (int i = 0; i < 500; ++i) {
    peers.push_back(std::make_shared<FakePeer>());
    shard->add(peers.back(), Role::audience);
  }
  auto member = std::make_shared<FakePeer>();
  shard->add(member, Role::member);
  ioc.poll();
  ioc.restart();  // poll() ran out of work
  shard->broadcast(make_frame(R"({"type":"event","seq":1})"), Audience::everyone);
  ASSERT_EQ(ioc.poll_one(), 1u);  // the first slice of the pass only
  EXPECT_EQ(event_seqs(*member), (std::vector<int64_t>{1}));
  EXPECT_TRUE(peers.back()->written.empty()) << "the last phone waits for a later slice";
  ioc.restart();
  ioc.poll();
  EXPECT_EQ(event_seqs(*peers.back()), (std::vector<int64_t>{1}));
}

TEST(LiveFiguresTest, PresenceOnTheFifthTickAndThePeakStoredOnce) {
  LiveFigures figures;
  Session session(SessionInfo{"s1", "标题", "", "", "", Settings{}, kT0, "", "", 0, ""});
  std::vector<std::pair<json, Audience>> sent;
  auto broadcast = [&](const Frame& f, Audience to) { sent.emplace_back(json::parse(text_of(f)), to); };
  for (int i = 0; i < 3; ++i) figures.joined(Role::audience);
  figures.joined(Role::host, "p_host");
  figures.joined(Role::member, "p_mem");
  figures.joined(Role::member, "p_mem");  // a second device of the same member
  figures.left(Role::audience);
  EXPECT_EQ(figures.peak_audience(), 3);
  EXPECT_TRUE(figures.pending());
  for (int tick = 1; tick < 5; ++tick) EXPECT_FALSE(figures.tick(session, broadcast));
  EXPECT_TRUE(sent.empty());
  EXPECT_EQ(figures.tick(session, broadcast), 3);
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0].first["type"], "presence");
  EXPECT_EQ(sent[0].first["online"]["audience"], 2);
  EXPECT_EQ(sent[0].second, Audience::audience);
  EXPECT_FALSE(sent[0].first.contains("participants")) << "the phones get the counts only";
  EXPECT_EQ(sent[1].second, Audience::staff);
  EXPECT_EQ(sent[1].first["online"], sent[0].first["online"]);
  EXPECT_EQ(sent[1].first["participants"], json::array({"p_host", "p_mem"}));
  EXPECT_FALSE(figures.pending());

  // The member closes one of two devices: still online. Then the other: gone.
  figures.left(Role::member, "p_mem");
  EXPECT_EQ(figures.staff_online_json(), json::array({"p_host", "p_mem"}));
  figures.left(Role::member, "p_mem");
  EXPECT_EQ(figures.staff_online_json(), json::array({"p_host"}));
  sent.clear();
  for (int tick = 1; tick <= 5; ++tick) figures.tick(session, broadcast);

  figures.joined(Role::audience);  // back to 3: no new peak to store
  for (int tick = 1; tick <= 5; ++tick) EXPECT_FALSE(figures.tick(session, broadcast));
  figures.joined(Role::audience);
  EXPECT_EQ(figures.take_peak_audience_for_end(), 4);
  for (int tick = 1; tick <= 5; ++tick) EXPECT_FALSE(figures.tick(session, broadcast));
}
