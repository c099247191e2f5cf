// The disk fills or fails under a live programme, and what an operator finds at start:
// - writes fail with ENOSPC or EIO (SQLite, through the fault VFS the server installs when
//   YST_TEST_STORAGE_FAULTS names a control file: storage/FaultVfs.hpp): requests get
//   `unavailable`, nothing unstored is acked or broadcast, reads and joins go on, /healthz
//   says 503 with the reason, and writes resume by themselves once the disk works;
// - a damaged database, another program's, or one a newer release wrote is refused at
//   start with a clear message and a non-zero exit, and left byte for byte as it was.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include "tests/support/Helpers.hpp"

using namespace yst;
using namespace yst::test;
using namespace std::chrono_literals;

namespace {

class StorageFaults : public ::testing::TestWithParam<const char*> {};

TEST_P(StorageFaults, NothingUnstoredIsAckedReadsGoOnAndWritesResumeByThemselves) {
  if (ServerProcess::on_postgresql()) GTEST_SKIP() << "SQLite's fault VFS (PostgreSQL's outage is Outage.*)";
  const TempDir faults;
  const std::string control = faults.path + "/faults";
  write_file(control, "");
  setenv("YST_TEST_STORAGE_FAULTS", control.c_str(), 1);
  ServerProcess srv;
  unsetenv("YST_TEST_STORAGE_FAULTS");
  auto s = create_session(srv);
  WsClient host(srv.port());
  staff_join(host, s.id, s.host_token);
  ASSERT_EQ(host.request({{"type", "start"}})["type"], "ack");
  WsClient phone(srv.port());
  ASSERT_EQ(audience_join(phone, s.id, "听众", "device-1")["type"], "welcome");

  std::vector<std::string> acked;
  auto say = [&](const std::string& text) {
    json r = host.request({{"type", "say"}, {"text", text}}, 10s);
    if (r["type"] == "ack") acked.push_back(text);
    else EXPECT_EQ(r["code"], "unavailable") << r.dump();
    return r["type"] == "ack";
  };
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(say("之前" + std::to_string(i)));

  write_file(control, GetParam());
  int refused = 0;
  for (int i = 0; i < 10; ++i) refused += say("故障中" + std::to_string(i)) ? 0 : 1;
  EXPECT_EQ(refused, 10) << "nothing is acked while the disk fails";
  auto health = http(srv.port(), "GET", "/healthz");
  EXPECT_EQ(health.status, 503) << health.body;
  EXPECT_EQ(health.json_body().value("status", ""), "unavailable");
  EXPECT_NE(health.json_body().value("reason", "").find("storage"), std::string::npos) << health.body;
  // An admin's write is refused the same way, and the server still reads and serves.
  auto create = http(srv.port(), "POST", "/api/sessions", json{{"title", "磁盘满时"}}.dump(), bearer(srv.admin_token()));
  EXPECT_EQ(create.status, 503) << create.body;
  EXPECT_EQ(create.json_body()["error"].value("code", ""), "unavailable") << create.body;
  EXPECT_EQ(http(srv.port(), "GET", "/api/sessions").status, 200);
  WsClient late(srv.port());
  EXPECT_EQ(audience_join(late, s.id, "后来的听众", "device-2")["type"], "welcome");

  // The disk works again: with no request to try it, the health comes back by itself.
  write_file(control, "");
  bool healthy = false;
  for (int i = 0; i < 50 && !healthy; ++i) {
    healthy = http(srv.port(), "GET", "/healthz").status == 200;
    if (!healthy) std::this_thread::sleep_for(100ms);
  }
  EXPECT_TRUE(healthy) << srv.log();
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(say("之后" + std::to_string(i)));

  // The phone saw exactly the acked statements, in order, and the record holds them.
  std::vector<std::string> seen;
  while (auto e = next_event(phone, "statement", 2s)) seen.push_back((*e)["data"].value("text", ""));
  EXPECT_EQ(seen, acked);
  auto verify = http(srv.port(), "GET", "/api/sessions/" + s.id + "/verify").json_body();
  EXPECT_TRUE(verify.value("ok", false)) << verify.dump();
  EXPECT_EQ(verify.value("events", 0), static_cast<int>(acked.size()) + 1) << "session.started and the statements";
  EXPECT_TRUE(srv.running());
  EXPECT_EQ(srv.stop(), 0) << srv.log();
}

INSTANTIATE_TEST_SUITE_P(DiskFullOrFailing, StorageFaults, testing::Values("ENOSPC", "EIO"));

// With power durability a commit fsyncs the WAL, never the database file: copying the WAL
// into the database (a checkpoint, with its fsync) runs beside the writer. Here every fsync
// of the database file takes a second, as a stalled disk's might; no ack waits for one.
// (SQLite's own checkpoint ran inside the commit that filled the WAL past 1000 pages.)
TEST(SlowDisk, NoAckWaitsForTheDatabaseFilesFsync) {
  if (ServerProcess::on_postgresql()) GTEST_SKIP() << "SQLite's checkpoints";
  const TempDir faults;
  const std::string control = faults.path + "/faults";
  write_file(control, "SLOW_DB_SYNC");
  setenv("YST_TEST_STORAGE_FAULTS", control.c_str(), 1);
  ServerProcess srv({"--staff-rate", "1000000", "--durability", "power"});
  unsetenv("YST_TEST_STORAGE_FAULTS");
  auto s = create_session(srv);
  WsClient host(srv.port());
  staff_join(host, s.id, s.host_token);
  ASSERT_EQ(host.request({{"type", "start"}})["type"], "ack");
  const std::string db = srv.data_dir() + "/yishiting.db";
  const auto db_size_before = std::filesystem::file_size(db);
  const std::string text = [] {
    std::string t;
    for (int i = 0; i < 1500; ++i) t += "议";  // 4.5 KB: two pages and more a commit
    return t;
  }();
  // 700 commits put 1400 pages and more in the WAL: a checkpoint is due once or more.
  auto slowest = std::chrono::steady_clock::duration::zero();
  for (int i = 0; i < 700; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    json r = host.request({{"type", "say"}, {"text", std::to_string(i) + text}}, 10s);
    ASSERT_EQ(r["type"], "ack") << r.dump();
    slowest = std::max(slowest, std::chrono::steady_clock::now() - t0);
  }
  EXPECT_LT(slowest, 900ms) << "an ack waited "
                            << std::chrono::duration_cast<std::chrono::milliseconds>(slowest).count() << " ms";
  // The checkpoints did happen: the statements reached the database file.
  bool copied = false;
  for (int i = 0; i < 50 && !copied; ++i) {
    copied = std::filesystem::file_size(db) > db_size_before + 1024 * 1024;
    if (!copied) std::this_thread::sleep_for(100ms);
  }
  EXPECT_TRUE(copied) << "database file " << std::filesystem::file_size(db) << " bytes";
}

// `yishiting serve` on a data directory whose database is not one it may use: its exit
// status and what it said.
struct Refusal {
  int status = 0;
  std::string output;
};
Refusal serve_on(const std::string& data_dir) {
  const std::string cmd = std::string("timeout 30 ") + YST_BINARY + " serve --port 0 --data " + data_dir +
                          " --admin-token refused-start-token-0123456789 2>&1";
  Refusal r;
  FILE* p = popen(cmd.c_str(), "r");
  std::array<char, 4096> buf{};
  while (size_t n = fread(buf.data(), 1, buf.size(), p)) r.output.append(buf.data(), n);
  const int raw = pclose(p);
  r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  return r;
}

class RefusedDatabase : public ::testing::Test {
 protected:
  void SetUp() override {
    if (ServerProcess::on_postgresql()) GTEST_SKIP() << "the SQLite file";
    dir = ServerProcess::make_temp_dir();
    db = dir + "/yishiting.db";
  }
  void TearDown() override {
    if (!dir.empty()) std::filesystem::remove_all(dir);
  }
  // Runs the server on it and checks the refusal: non-zero, `expect` said, file untouched.
  void expect_refused(const std::string& expect) {
    const std::string before = read_file(db);
    Refusal r = serve_on(dir);
    EXPECT_NE(r.status, 0) << r.output;
    EXPECT_NE(r.status, 124) << "it should stop at once, not serve: " << r.output;
    EXPECT_NE(r.output.find(expect), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("left as it is"), std::string::npos) << r.output;
    EXPECT_EQ(read_file(db), before) << "the database file was changed";
  }
  std::string dir, db;
};

TEST_F(RefusedDatabase, ADamagedFileIsRefusedAndLeftAsItWas) {
  std::string garbage(64 * 1024, '\0');
  std::mt19937 rng(7);
  for (auto& c : garbage) c = static_cast<char>(rng());
  write_file(db, garbage);
  expect_refused("not a Yishiting database, or damaged");
}

TEST_F(RefusedDatabase, ADatabaseFromANewerReleaseIsRefusedAndLeftAsItWas) {
  {
    ServerProcess srv({}, dir);
    srv.keep_data();
    create_session(srv);
    ASSERT_EQ(srv.stop(), 0);
  }
  sqlite3* h = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &h), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(h, "UPDATE meta SET value='99' WHERE key='schema_version'", nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(h);
  expect_refused("newer release");
}

TEST_F(RefusedDatabase, AnotherProgramsDatabaseIsRefusedAndLeftAsItWas) {
  sqlite3* h = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &h), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(h, "CREATE TABLE accounts(id INTEGER PRIMARY KEY, name TEXT); INSERT INTO accounts(name) "
                            "VALUES('财务')",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(h);
  expect_refused("not a Yishiting database");
}

}  // namespace
