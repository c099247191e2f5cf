// Storage on a temporary database file.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <future>

#include "session/Sha256.hpp"
#include "storage/Database.hpp"
#include "storage/Writer.hpp"

using namespace yst;
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

SessionInfo info(const std::string& id) {
  SessionInfo s;
  s.id = id;
  s.title = "议事厅第" + id + "期";
  s.topic = "加装电梯";
  s.created_ms = 1000;
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

}  // namespace

TEST(Storage, EventsSurviveReopeningAndSeqContinues) {
  TempDir dir;
  std::string last_hash;
  {
    Database db(dir.db());
    db.begin();
    db.insert_session(info("s1"));
    for (int i = 1; i <= 3; ++i) {
      auto e = event(i, last_hash, "第" + std::to_string(i) + "条发言");
      last_hash = e.hash;
      db.insert_event("s1", e);
    }
    db.commit();
  }
  Database db(dir.db());
  auto events = db.events("s1");
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[2].seq, 3);
  EXPECT_EQ(events[2].data["text"], "第3条发言");
  EXPECT_EQ(events[2].by->name, "李委员");
  EXPECT_EQ(events[2].hash, last_hash);
  auto sessions = db.sessions();
  ASSERT_EQ(sessions.size(), 1u);
  EXPECT_EQ(sessions[0].title, "议事厅第s1期");
  EXPECT_FALSE(sessions[0].settings.pre_moderation);
  // The next seq continues from what is stored; a reused seq is refused by the key.
  db.begin();
  EXPECT_THROW(db.insert_event("s1", event(3, last_hash, "重复")), std::runtime_error);
  db.rollback();
  db.begin();
  db.insert_event("s1", event(4, last_hash, "第4条"));
  db.commit();
  EXPECT_EQ(db.events("s1", 3).size(), 1u);
  EXPECT_EQ(db.events("s1", 0, 2).size(), 2u);
}

TEST(Storage, TokensAreStoredOnlyAsHashesAndFoundByHash) {
  TempDir dir;
  const std::string token = random_token(24);
  {
    Database db(dir.db());
    db.insert_session(info("s1"));
    db.insert_participant(Participant{"p1", "s1", Role::member, "李委员", "区政协"}, sha256_hex(token));
  }
  Database db(dir.db());
  auto ps = db.participants("s1");
  ASSERT_EQ(ps.size(), 1u);
  EXPECT_EQ(ps[0].token_hash, sha256_hex(token));
  EXPECT_TRUE(constant_time_equal(ps[0].token_hash, sha256_hex(token)));
  EXPECT_FALSE(constant_time_equal(ps[0].token_hash, sha256_hex(token + "x")));
  EXPECT_EQ(ps[0].participant.affiliation, "区政协");
  // The clear token appears nowhere in the file.
  std::ifstream in(dir.db(), std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(bytes.find(token), std::string::npos);
}

TEST(Storage, UpvotesAreIdempotentAndVotesReplace) {
  TempDir dir;
  Database db(dir.db());
  db.insert_session(info("s1"));
  db.insert_upvote("s1", Upvote{"q1", "a_1"});
  db.insert_upvote("s1", Upvote{"q1", "a_1"});
  db.insert_upvote("s1", Upvote{"q1", "a_2"});
  EXPECT_EQ(db.upvotes("s1").size(), 2u);
  db.upsert_vote("s1", Vote{"pt1", "p1", Role::member, Choice::agree});
  db.upsert_vote("s1", Vote{"pt1", "p1", Role::member, Choice::disagree});
  auto votes = db.votes("s1");
  ASSERT_EQ(votes.size(), 1u);
  EXPECT_EQ(votes[0].choice, Choice::disagree);
}

TEST(Storage, WriterGroupsJobsAndCallsBackOnlyAfterCommit) {
  TempDir dir;
  Database db(dir.db());
  db.insert_session(info("s1"));
  std::atomic<int> done{0};
  {
    Writer w(db);
    std::string prev;
    std::vector<Event> events;
    for (int i = 1; i <= 200; ++i) {
      events.push_back(event(i, prev, "x" + std::to_string(i)));
      prev = events.back().hash;
    }
    for (auto& e : events) {
      w.submit([e](Database& d) { d.insert_event("s1", e); },
               [&done, &dir, seq = e.seq](bool ok) {
                 EXPECT_TRUE(ok);
                 // Committed means another connection sees it.
                 Database reader(dir.db());
                 EXPECT_EQ(reader.events("s1", seq - 1, 1).size(), 1u);
                 ++done;
               });
    }
    w.flush();
    EXPECT_EQ(done.load(), 200);
    EXPECT_LT(w.stats().commits.load(), 200u);  // grouped, not one transaction per job
  }
}

TEST(Storage, AFailingJobFailsAloneAndTheBatchCommits) {
  TempDir dir;
  Database db(dir.db());
  db.insert_session(info("s1"));
  Writer w(db);
  std::promise<bool> a, b, c;
  w.submit([](Database& d) { d.insert_event("s1", event(1, "", "一")); }, [&](bool ok) { a.set_value(ok); });
  w.submit([](Database& d) { d.insert_event("s1", event(1, "", "重复")); }, [&](bool ok) { b.set_value(ok); });
  w.submit([](Database& d) { d.insert_event("s1", event(2, "", "二")); }, [&](bool ok) { c.set_value(ok); });
  EXPECT_TRUE(a.get_future().get());
  EXPECT_FALSE(b.get_future().get());
  EXPECT_TRUE(c.get_future().get());
  w.stop();
  EXPECT_EQ(db.events("s1").size(), 2u);
}

TEST(Storage, WalModeAndBackupCopy) {
  TempDir dir;
  Database db(dir.db());
  db.insert_session(info("s1"));
  db.insert_event("s1", event(1, "", "备份"));
  auto copy = (dir.path / "copy.db").string();
  db.backup_to(copy);
  Database restored(copy);
  EXPECT_EQ(restored.events("s1").size(), 1u);
  EXPECT_TRUE(fs::exists(dir.db() + "-wal"));
}
