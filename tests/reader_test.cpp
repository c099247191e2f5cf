// storage/Reader and storage/MinutesLoader: the reads the minutes and /verify are made of,
// on a connection of their own, next to a connection that writes.
#include <gtest/gtest.h>

#include <filesystem>
#include <future>

#include "session/Sha256.hpp"
#include "storage/SqliteStore.hpp"
#include "storage/MinutesLoader.hpp"
#include "storage/Reader.hpp"

using namespace yst;
namespace fs = std::filesystem;

namespace {

class StorageReads : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("yst_reader_" + random_token(6));
    fs::create_directories(dir_);
    writer_ = std::make_unique<SqliteStore>(path());
  }
  void TearDown() override {
    writer_.reset();
    fs::remove_all(dir_);
  }
  std::string path() const { return (dir_ / "test.db").string(); }

  // What the server's writer would have stored for a session with one member and `events` statements.
  void store_session(const std::string& id, int events, int peak) {
    SessionInfo s;
    s.id = id;
    s.title = "议事厅" + id;
    s.created_ms = 1000;
    writer_->create_session(s);
    writer_->add_participant(Participant{id + "-p1", id, Role::member, "李委员", "区政协"}, sha256_hex("token of " + id));
    std::string prev;
    Changes changes;
    for (int seq = 1; seq <= events; ++seq) {
      Event e;
      e.seq = seq;
      e.at_ms = 2000 + seq;
      e.kind = "statement";
      e.data = json{{"text", "发言" + std::to_string(seq)}};
      e.hash = chain_hash(prev, e);
      prev = e.hash;
      changes.events.push_back(e);
    }
    writer_->store(id, changes);
    writer_->set_peak_audience(id, peak);
  }

  // Runs `read` on the reader's thread and waits for what it returns.
  template <class Read>
  auto on_reader(Reader& reader, Read read) {
    std::promise<decltype(read(*writer_))> result;
    reader.submit([&](Store& db) { result.set_value(read(db)); });
    return result.get_future().get();
  }

  fs::path dir_;
  std::unique_ptr<SqliteStore> writer_;
};

}  // namespace

TEST_F(StorageReads, LoadMinutesReadsEverythingTheMinutesAreMadeOf) {
  store_session("s1", 3, 7);
  store_session("s2", 1, 0);
  auto in = load_minutes(*writer_, "s1", 12345);
  ASSERT_TRUE(in);
  EXPECT_EQ(in->info.title, "议事厅s1");
  ASSERT_EQ(in->participants.size(), 1u);
  EXPECT_EQ(in->participants[0].name, "李委员");
  ASSERT_EQ(in->events.size(), 3u);
  EXPECT_EQ(in->events[2].data["text"], "发言3");
  EXPECT_EQ(in->peak_audience, 7);
  EXPECT_EQ(in->generated_ms, 12345);
  EXPECT_FALSE(load_minutes(*writer_, "nosuch", 0));
}

// The reader's connection stays open between requests, so it must not keep reading an old
// snapshot: what is committed after it opened, and after it last read, is what it sees.
TEST_F(StorageReads, AReaderSeesWhatWasCommittedAfterItOpenedAndAfterItsLastRead) {
  store_session("s1", 2, 3);
  Reader reader(path());
  auto first = on_reader(reader, [](Store& db) { return load_minutes(db, "s1", 0); });
  ASSERT_TRUE(first);
  EXPECT_EQ(first->events.size(), 2u);
  EXPECT_EQ(first->peak_audience, 3);

  store_session("s2", 4, 9);
  writer_->set_peak_audience("s1", 5);
  auto second = on_reader(reader, [](Store& db) { return load_minutes(db, "s2", 0); });
  ASSERT_TRUE(second);
  EXPECT_EQ(second->events.size(), 4u);
  EXPECT_EQ(second->peak_audience, 9);
  EXPECT_EQ(on_reader(reader, [](Store& db) { return db.peak_audience("s1"); }), 5);
}

TEST_F(StorageReads, AJobThatThrowsDoesNotStopTheReader) {
  Reader reader(path());
  reader.submit([](Store&) { throw std::runtime_error("a failing read"); });
  EXPECT_EQ(on_reader(reader, [](Store& db) { return db.sessions().size(); }), 0u);
}

TEST_F(StorageReads, StopFinishesTheJobUnderWayAndDropsTheRest) {
  // Fulfils a promise when the last copy of the job holding it is destroyed.
  struct OnDrop {
    std::promise<void> dropped;
    ~OnDrop() { dropped.set_value(); }
  };
  Reader reader(path());
  auto on_drop = std::make_shared<OnDrop>();
  auto dropped = on_drop->dropped.get_future();
  std::promise<void> started;
  bool first_ran = false, second_ran = false, second_dropped_first = false;
  reader.submit([&](Store&) {
    started.set_value();
    // stop() drops the second job while this one is still under way.
    second_dropped_first = dropped.wait_for(std::chrono::seconds(10)) == std::future_status::ready;
    first_ran = true;
  });
  started.get_future().wait();
  reader.submit([&second_ran, on_drop](Store&) { second_ran = true; });
  on_drop.reset();
  reader.stop();
  EXPECT_TRUE(first_ran);
  EXPECT_TRUE(second_dropped_first);
  EXPECT_FALSE(second_ran);
  reader.submit([&second_ran](Store&) { second_ran = true; });
  reader.stop();
  EXPECT_FALSE(second_ran);
}
