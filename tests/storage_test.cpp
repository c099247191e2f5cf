// Storage: the Store contract, run against every store (here SQLite on a temporary
// file), then what only the SQLite store promises.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <future>
#include <thread>

#include "session/Sha256.hpp"
#include <sqlite3.h>

#include "storage/SqliteStore.hpp"
#include "storage/Writer.hpp"
#include "tests/support/StoreContract.hpp"

using namespace yst;
using yst::test::StoreContract;
using yst::test::StorePlace;
namespace fs = std::filesystem;

namespace {

struct TempDir {
  fs::path path;
  TempDir() {
    path = fs::temp_directory_path() / ("yst_storage_" + random_token(6));
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
  std::string db() const { return (path / "test.db").string(); }
};

class SqlitePlace : public StorePlace {
 public:
  std::unique_ptr<Store> open() override { return std::make_unique<SqliteStore>(dir_.db()); }

 private:
  TempDir dir_;
};

std::unique_ptr<StorePlace> make_sqlite_place() { return std::make_unique<SqlitePlace>(); }

SessionInfo info(const std::string& id, int64_t created_ms = 1000) {
  SessionInfo s;
  s.id = id;
  s.title = "议事厅第" + id + "期";
  s.topic = "加装电梯";
  s.created_ms = created_ms;
  s.settings.pre_moderation = false;
  return s;
}

Event event(int64_t seq, const std::string& prev_hash, std::string text) {
  Event e;
  e.seq = seq;
  e.at_ms = 1'790'000'000'000 + seq;
  e.kind = "statement";
  e.by = Actor{"p1", Role::member, "李委员"};
  e.data = json{{"text", std::move(text)}};
  e.hash = chain_hash(prev_hash, e);
  return e;
}

Changes events_only(std::vector<Event> events) { return Changes{std::move(events), {}, {}}; }

// seq 1..n, chained.
std::vector<Event> chain(int n) {
  std::vector<Event> out;
  std::string prev;
  for (int i = 1; i <= n; ++i) {
    out.push_back(event(i, prev, "第" + std::to_string(i) + "条发言"));
    prev = out.back().hash;
  }
  return out;
}

}  // namespace

INSTANTIATE_TEST_SUITE_P(Sqlite, StoreContract, testing::Values(&make_sqlite_place));

TEST_P(StoreContract, EventsSurviveReopeningAndSeqContinues) {
  auto events = chain(4);
  {
    auto store = open();
    store->create_session(info("s1"));
    store->store("s1", events_only({events[0], events[1], events[2]}));
  }
  auto store = open();
  auto stored = store->events("s1");
  ASSERT_EQ(stored.size(), 3u);
  EXPECT_EQ(stored[2].seq, 3);
  EXPECT_EQ(stored[2].at_ms, events[2].at_ms);
  EXPECT_EQ(stored[2].kind, "statement");
  EXPECT_EQ(stored[2].data["text"], "第3条发言");
  EXPECT_EQ(stored[2].by->name, "李委员");
  EXPECT_EQ(stored[2].by->role, Role::member);
  EXPECT_EQ(stored[2].hash, events[2].hash);
  auto sessions = store->sessions();
  ASSERT_EQ(sessions.size(), 1u);
  EXPECT_EQ(sessions[0].title, "议事厅第s1期");
  EXPECT_FALSE(sessions[0].settings.pre_moderation);
  // A reused seq is refused, and with it everything else of the same Changes.
  EXPECT_THROW(store->store("s1", events_only({events[3], event(3, events[2].hash, "重复")})), std::exception);
  EXPECT_EQ(store->events("s1").size(), 3u);
  store->store("s1", events_only({events[3]}));
  EXPECT_EQ(store->events("s1", 3).size(), 1u);
  EXPECT_EQ(store->events("s1", 0, 2).size(), 2u);
}

TEST_P(StoreContract, AnEventWithoutActorKeepsNone) {
  auto store = open();
  store->create_session(info("s1"));
  Event e = event(1, "", "开始");
  e.by.reset();
  e.kind = "session.started";
  store->store("s1", events_only({e}));
  auto stored = store->events("s1");
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_FALSE(stored[0].by);
}

TEST_P(StoreContract, ParticipantsKeepTheirTokenHashInOrder) {
  const std::string token = random_token(24);
  {
    auto store = open();
    store->create_session(info("s1"));
    store->add_participant(Participant{"p1", "s1", Role::member, "李委员", "区政协"}, sha256_hex(token));
    store->add_participant(Participant{"p2", "s1", Role::clerk, "记录员", ""}, sha256_hex(token + "2"));
  }
  auto ps = open()->participants("s1");
  ASSERT_EQ(ps.size(), 2u);
  EXPECT_EQ(ps[0].token_hash, sha256_hex(token));
  EXPECT_EQ(ps[0].participant.id, "p1");
  EXPECT_EQ(ps[0].participant.session_id, "s1");
  EXPECT_EQ(ps[0].participant.role, Role::member);
  EXPECT_EQ(ps[0].participant.affiliation, "区政协");
  EXPECT_EQ(ps[1].participant.role, Role::clerk);
}

TEST_P(StoreContract, ATokenIsReplacedOrRevokedAndTheParticipantStays) {
  {
    auto store = open();
    store->create_session(info("s1"));
    store->add_participant(Participant{"p1", "s1", Role::member, "李委员", "区政协"}, sha256_hex("old-token"));
    store->add_participant(Participant{"p2", "s1", Role::department, "住建局", ""}, sha256_hex("p2-token"));
    store->add_participant(Participant{"p3", "s1", Role::clerk, "记录员", ""}, sha256_hex("p3-token"));
    store->set_token_hash("p1", sha256_hex("new-token"));
    store->set_token_hash("p2", "");
    store->set_token_hash("p3", "");  // two revoked tokens do not collide
    EXPECT_ANY_THROW(store->set_token_hash("p_nobody", sha256_hex("x")));
  }
  auto ps = open()->participants("s1");
  ASSERT_EQ(ps.size(), 3u);
  EXPECT_EQ(ps[0].token_hash, sha256_hex("new-token"));
  EXPECT_EQ(ps[0].participant.name, "李委员");
  EXPECT_EQ(ps[1].token_hash, "");
  EXPECT_EQ(ps[2].token_hash, "");
}

TEST_P(StoreContract, EditsChangeTheSessionAndTheParticipantOnly) {
  {
    auto store = open();
    store->create_session(info("s1"));
    store->create_session(info("s2"));
    store->add_participant(Participant{"p1", "s1", Role::member, "李委貟", "区政协"}, sha256_hex("t1"));
    auto edited = info("s1");
    edited.title = "第12期 改过的标题";
    edited.topic = "新议题";
    edited.stream_url = "https://live.example.cn/12";
    edited.scheduled_at = "2026-12-20T19:30:00+08:00";
    edited.settings.ask_interval_s = 30;
    edited.venue = "东街道议事厅";
    edited.form = "micro";
    edited.episode = 12;
    store->update_session(edited);
    store->update_participant(Participant{"p1", "s1", Role::member, "李委员", "区政协民盟"});
    EXPECT_ANY_THROW(store->update_session(info("s_nobody")));
    EXPECT_ANY_THROW(store->update_participant(Participant{"p_nobody", "s1", Role::member, "某", ""}));
  }
  auto store = open();
  auto sessions = store->sessions();
  ASSERT_EQ(sessions.size(), 2u);
  EXPECT_EQ(sessions[0].title, "第12期 改过的标题");
  EXPECT_EQ(sessions[0].topic, "新议题");
  EXPECT_EQ(sessions[0].stream_url, "https://live.example.cn/12");
  EXPECT_EQ(sessions[0].scheduled_at, "2026-12-20T19:30:00+08:00");
  EXPECT_EQ(sessions[0].settings.ask_interval_s, 30);
  EXPECT_EQ(sessions[0].venue, "东街道议事厅");
  EXPECT_EQ(sessions[0].form, "micro");
  EXPECT_EQ(sessions[0].episode, 12);
  EXPECT_EQ(sessions[1].venue, "");
  EXPECT_EQ(sessions[1].episode, 0);
  EXPECT_EQ(sessions[1].title, info("s2").title) << "the other session is untouched";
  auto ps = store->participants("s1");
  ASSERT_EQ(ps.size(), 1u);
  EXPECT_EQ(ps[0].participant.name, "李委员");
  EXPECT_EQ(ps[0].participant.affiliation, "区政协民盟");
  EXPECT_EQ(ps[0].participant.role, Role::member);
  EXPECT_EQ(ps[0].token_hash, sha256_hex("t1")) << "the link still works";
}

TEST_P(StoreContract, SessionsComeInTheOrderTheyWereCreated) {
  auto store = open();
  store->create_session(info("b", 2000));
  store->create_session(info("a", 3000));
  store->create_session(info("c", 1000));
  auto sessions = store->sessions();
  ASSERT_EQ(sessions.size(), 3u);
  EXPECT_EQ(sessions[0].id, "c");
  EXPECT_EQ(sessions[1].id, "b");
  EXPECT_EQ(sessions[2].id, "a");
  EXPECT_TRUE(store->events("a").empty());
}

TEST_P(StoreContract, UpvotesAreIdempotentAndVotesReplace) {
  auto store = open();
  store->create_session(info("s1"));
  store->store("s1", Changes{{}, {Upvote{"q1", "a_1"}, Upvote{"q1", "a_1"}}, {}});
  store->store("s1", Changes{{}, {Upvote{"q1", "a_1"}, Upvote{"q1", "a_2"}}, {}});
  EXPECT_EQ(store->upvotes("s1").size(), 2u);
  store->store("s1", Changes{{}, {}, {Vote{"pt1", "p1", Role::member, Choice::agree}}});
  store->store("s1", Changes{{}, {}, {Vote{"pt1", "p1", Role::member, Choice::disagree}}});
  auto votes = store->votes("s1");
  ASSERT_EQ(votes.size(), 1u);
  EXPECT_EQ(votes[0].choice, Choice::disagree);
  EXPECT_EQ(votes[0].role, Role::member);
}

TEST_P(StoreContract, ThePeakAudienceNeverGoesDown) {
  auto store = open();
  store->create_session(info("s1"));
  EXPECT_EQ(store->peak_audience("s1"), 0);
  store->set_peak_audience("s1", 7);
  store->set_peak_audience("s1", 3);
  EXPECT_EQ(open()->peak_audience("s1"), 7);
}

TEST_P(StoreContract, MetaValuesAreReplaced) {
  auto store = open();
  EXPECT_FALSE(store->meta("demo_session"));
  store->set_meta("demo_session", "abc");
  store->set_meta("demo_session", "def");
  EXPECT_EQ(open()->meta("demo_session"), "def");
}

TEST_P(StoreContract, WriteBatchUndoesAFailingJobAlone) {
  auto store = open();
  store->create_session(info("s1"));
  auto events = chain(2);
  std::vector<Store::Job> jobs{
      [&](Store& s) { s.store("s1", events_only({events[0]})); },
      [&](Store& s) {
        s.set_meta("half", "done");
        throw std::runtime_error("the job fails half-way");
      },
      [&](Store& s) { s.store("s1", events_only({events[1]})); },
  };
  EXPECT_EQ(store->write_batch(jobs), (std::vector<bool>{true, false, true}));
  auto reader = open();
  EXPECT_EQ(reader->events("s1").size(), 2u);
  EXPECT_FALSE(reader->meta("half"));
}

TEST_P(StoreContract, WriterGroupsJobsAndCallsBackOnlyAfterCommit) {
  auto store = open();
  store->create_session(info("s1"));
  std::atomic<int> done{0};
  Writer w(*store);
  for (const auto& e : chain(200)) {
    auto changes = std::make_shared<const std::vector<Changes>>(std::vector<Changes>{events_only({e})});
    w.submit_changes("s1", changes, std::nullopt, [this, &done, seq = e.seq](bool ok) {
      EXPECT_TRUE(ok);
      // Committed means another connection sees it.
      EXPECT_EQ(open()->events("s1", seq - 1, 1).size(), 1u);
      ++done;
    });
  }
  w.flush();
  EXPECT_EQ(done.load(), 200);
  EXPECT_LT(w.stats().commits.load(), 200u);  // grouped, not one transaction per job
}

TEST_P(StoreContract, AFailingWriteFailsAloneAndTheOthersCommit) {
  auto store = open();
  store->create_session(info("s1"));
  Writer w(*store);
  auto submit = [&w](Event e, std::optional<int> peak) {
    auto ok = std::make_shared<std::promise<bool>>();
    auto changes = std::make_shared<const std::vector<Changes>>(std::vector<Changes>{events_only({std::move(e)})});
    w.submit_changes("s1", changes, peak, [ok](bool good) { ok->set_value(good); });
    return ok->get_future();
  };
  auto a = submit(event(1, "", "一"), std::nullopt);
  auto b = submit(event(1, "", "重复"), 9);
  auto c = submit(event(2, "", "二"), 4);
  EXPECT_TRUE(a.get());
  EXPECT_FALSE(b.get());
  EXPECT_TRUE(c.get());
  w.stop();
  EXPECT_EQ(store->events("s1").size(), 2u);
  EXPECT_EQ(store->peak_audience("s1"), 4);  // the failed write's peak went with it
}

TEST(SqliteStore, TheTokenItselfIsNowhereInTheFile) {
  TempDir dir;
  const std::string token = random_token(24);
  {
    SqliteStore store(dir.db());
    store.create_session(info("s1"));
    store.add_participant(Participant{"p1", "s1", Role::member, "李委员", "区政协"}, sha256_hex(token));
  }
  SqliteStore store(dir.db());
  auto ps = store.participants("s1");
  ASSERT_EQ(ps.size(), 1u);
  EXPECT_TRUE(constant_time_equal(ps[0].token_hash, sha256_hex(token)));
  EXPECT_FALSE(constant_time_equal(ps[0].token_hash, sha256_hex(token + "x")));
  std::ifstream in(dir.db(), std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(bytes.find(token), std::string::npos);
}

TEST(SqliteStore, WalModeAndBackupCopy) {
  TempDir dir;
  SqliteStore store(dir.db());
  store.create_session(info("s1"));
  store.store("s1", events_only({event(1, "", "备份")}));
  auto copy = (dir.path / "copy.db").string();
  store.backup_to(copy);
  SqliteStore restored(copy);
  EXPECT_EQ(restored.events("s1").size(), 1u);
  EXPECT_TRUE(fs::exists(dir.db() + "-wal"));
}

// The WAL is copied into the database by a thread of its own, not by the commit that
// fills it past 1000 pages (with power durability that commit's fsync of the database
// file held every broadcast back).
TEST(SqliteStore, CheckpointsRunBesideTheWriterNotInItsCommits) {
  TempDir dir;
  std::string text;
  for (int i = 0; i < 1500; ++i) text += "议";  // 4.5 KB: two pages a commit, and its index
  constexpr int kEvents = 1200;
  {
    SqliteStore store(dir.db(), Durability::process);  // 1200 commits: no fsync each
    ASSERT_NE(store.checkpointer(), nullptr);
    store.create_session(info("s1"));
    const auto db_size_before = fs::file_size(dir.db());
    for (int seq = 1; seq <= kEvents; ++seq) store.store("s1", events_only({event(seq, "", text + std::to_string(seq))}));
    for (int i = 0; i < 500 && store.checkpointer()->done_in_background() == 0; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    EXPECT_GE(store.checkpointer()->done_in_background(), 1);
    EXPECT_EQ(store.checkpointer()->done_inline(), 0);
    EXPECT_GT(fs::file_size(dir.db()), db_size_before + 1024 * 1024) << "the pages reached the database file";
  }
  SqliteStore reopened(dir.db());
  auto events = reopened.events("s1");
  ASSERT_EQ(events.size(), static_cast<size_t>(kEvents));
  EXPECT_EQ(events.back().data["text"], text + std::to_string(kEvents));
  EXPECT_EQ(SqliteStore(":memory:").checkpointer(), nullptr);
}

TEST(SqliteStore, InMemory) {
  SqliteStore store(":memory:");
  store.create_session(info("s1"));
  EXPECT_EQ(store.sessions().size(), 1u);
}

// A database written by the release before contract v2 (schema 1) opens with its data and
// gains the new columns.
TEST(SqliteStore, ADatabaseOfSchemaOneIsUpgradedAndKeepsItsData) {
  TempDir dir;
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(dir.db().c_str(), &db), SQLITE_OK);
    const Event e = event(1, "", "升级前的发言");
    const std::string sql =
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
        "INSERT INTO meta VALUES('schema_version','1');"
        "CREATE TABLE sessions (id TEXT PRIMARY KEY, title TEXT NOT NULL, topic TEXT NOT NULL DEFAULT '',"
        " stream_url TEXT NOT NULL DEFAULT '', scheduled_at TEXT NOT NULL DEFAULT '', settings TEXT NOT NULL,"
        " created_ms INTEGER NOT NULL, peak_audience INTEGER NOT NULL DEFAULT 0);"
        "CREATE TABLE participants (id TEXT PRIMARY KEY, session_id TEXT NOT NULL REFERENCES sessions(id),"
        " role TEXT NOT NULL, name TEXT NOT NULL, affiliation TEXT NOT NULL DEFAULT '', token_hash TEXT UNIQUE);"
        "CREATE INDEX participants_by_session ON participants(session_id);"
        "CREATE TABLE events (session_id TEXT NOT NULL REFERENCES sessions(id), seq INTEGER NOT NULL,"
        " at_ms INTEGER NOT NULL, kind TEXT NOT NULL, by_json TEXT, data_json TEXT NOT NULL, hash TEXT NOT NULL,"
        " PRIMARY KEY (session_id, seq)) WITHOUT ROWID;"
        "CREATE TABLE upvotes (session_id TEXT NOT NULL, question TEXT NOT NULL, voter TEXT NOT NULL,"
        " PRIMARY KEY (session_id, question, voter)) WITHOUT ROWID;"
        "CREATE TABLE votes (session_id TEXT NOT NULL, point TEXT NOT NULL, voter TEXT NOT NULL, role TEXT NOT NULL,"
        " choice TEXT NOT NULL, PRIMARY KEY (session_id, point, voter)) WITHOUT ROWID;"
        "INSERT INTO sessions VALUES('s1','第1期','加装电梯','','','" + info("s1").settings.to_json().dump() +
        "',1000,37);"
        "INSERT INTO participants VALUES('p1','s1','member','李委员','区政协','" + sha256_hex("t1") + "');"
        "INSERT INTO events VALUES('s1',1," + std::to_string(e.at_ms) + ",'statement','" + to_json(*e.by).dump() +
        "','" + e.data.dump() + "','" + e.hash + "');";
    char* err = nullptr;
    ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK) << (err ? err : "");
    sqlite3_close(db);
  }
  SqliteStore store(dir.db());
  EXPECT_EQ(store.meta("schema_version"), std::to_string(SqliteStore::kSchemaVersion));
  auto sessions = store.sessions();
  ASSERT_EQ(sessions.size(), 1u);
  EXPECT_EQ(sessions[0].title, "第1期");
  EXPECT_EQ(sessions[0].venue, "");
  EXPECT_EQ(sessions[0].episode, 0);
  EXPECT_EQ(store.peak_audience("s1"), 37);
  ASSERT_EQ(store.participants("s1").size(), 1u);
  const auto events = store.events("s1");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].data["text"], "升级前的发言");
  EXPECT_TRUE(verify_chain(events).ok) << "the record is the same record";
  auto edited = sessions[0];
  edited.venue = "西街道议事厅";
  store.update_session(edited);
  EXPECT_EQ(store.sessions()[0].venue, "西街道议事厅");
}

TEST_P(StoreContract, TheRosterAttendanceTopicsAndPlanSurviveReopening) {
  {
    auto store = open();
    store->create_session(info("s1"));
    store->create_person(Person{"pe1", "李华", "member", "区政协委员", "民建", 5});
    store->update_person(Person{"pe1", "李华", "member", "区政协委员", "民建界", 5});
    EXPECT_ANY_THROW(store->update_person(Person{"pe_none", "x", "member", "", "", 0}));
    Participant p{"p1", "s1", Role::member, "李华", "区政协委员", "pe1"};
    store->add_participant(p, sha256_hex("t1"));
    store->mark_attended("s1", "p1");
    store->mark_attended("s1", "p1");  // once is enough
    Topic t;
    t.id = "t1";
    t.title = "停车难";
    t.text = "晚上停车位不够";
    t.name = "王阿姨";
    t.proposer = sha256_hex("x");
    t.created_ms = 7;
    store->create_topic(t);
    t.status = "open";
    store->update_topic(t);
    store->add_topic_support("t1", "a");
    store->add_topic_support("t1", "a");
    store->add_topic_support("t1", "b");
    store->create_plan_item(PlanItem{.id = "pl1", .year = 2027, .topic = "停车", .form = "micro", .departments = {"区住建局"}});
  }
  auto store = open();
  auto people = store->people();
  ASSERT_EQ(people.size(), 1u);
  EXPECT_EQ(people[0].sector, "民建界");
  EXPECT_EQ(store->participants("s1")[0].participant.person, "pe1");
  EXPECT_EQ(store->attendance("s1"), std::vector<std::string>{"p1"});
  auto topics = store->topics();
  ASSERT_EQ(topics.size(), 1u);
  EXPECT_EQ(topics[0].status, "open");
  EXPECT_EQ(topics[0].support(), 2);
  auto plan = store->plan_items();
  ASSERT_EQ(plan.size(), 1u);
  EXPECT_EQ(plan[0].departments, std::vector<std::string>{"区住建局"});
}
