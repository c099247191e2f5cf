// PostgreSQL goes away in the middle of a programme: the server refuses writes with a clear
// error and never acks what was not committed, stays up, and takes writes again once the
// database is back; the stored record has no gap and holds every acked statement.
// Stops the test cluster, so it runs alone: scripts/test runs it after the PostgreSQL
// suite with YST_TEST_PG_OUTAGE=1 (skipped otherwise).
#include <gtest/gtest.h>

#include <cstdlib>
#include <set>
#include <thread>

#include "storage/OpenStore.hpp"
#include "tests/support/Helpers.hpp"

using namespace yst;
using namespace yst::test;
using namespace std::chrono_literals;

namespace {
int pg_throwaway(const std::string& what) {
  return std::system((std::string(YST_SOURCE_DIR) + "/scripts/pg-throwaway " + what + " >/dev/null 2>&1").c_str());
}
}  // namespace

TEST(Outage, WhenPostgresqlGoesAwayNothingUnstoredIsAckedAndWritesResumeWhenItReturns) {
  if (!ServerProcess::on_postgresql() || !std::getenv("YST_TEST_PG_OUTAGE"))
    GTEST_SKIP() << "YST_TEST_STORE=postgresql YST_TEST_PG_OUTAGE=1 (scripts/test runs it alone)";
  ServerProcess srv;
  auto s = create_session(srv);
  WsClient host(srv.port());
  staff_join(host, s.id, s.host_token);
  ASSERT_EQ(host.request({{"type", "start"}})["type"], "ack");
  std::set<std::string> acked;
  int refused = 0;
  auto say = [&](const std::string& text) {
    auto r = host.request({{"type", "say"}, {"text", text}}, 20s);
    if (r["type"] == "ack") {
      acked.insert(text);
    } else {
      EXPECT_EQ(r["code"], "unavailable") << r.dump();
      ++refused;
    }
    return r["type"] == "ack";
  };
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(say("之前" + std::to_string(i)));

  ASSERT_EQ(pg_throwaway("kill"), 0);
  for (int i = 0; i < 10; ++i) say("断开" + std::to_string(i));
  EXPECT_GE(refused, 10) << "nothing is acked while the database is gone";
  // The server stays up, and says why it takes no writes.
  auto health = http(srv.port(), "GET", "/healthz");
  EXPECT_EQ(health.status, 503) << health.body;
  EXPECT_EQ(health.json_body().value("status", ""), "unavailable") << health.body;

  ASSERT_EQ(pg_throwaway("restart"), 0);
  // The first write after the return may meet the dead connection and reconnect.
  bool resumed = false;
  for (int i = 0; i < 50 && !resumed; ++i) {
    resumed = say("恢复" + std::to_string(i));
    if (!resumed) std::this_thread::sleep_for(200ms);
  }
  ASSERT_TRUE(resumed) << "writes resume once PostgreSQL is back; the server said:\n" << srv.log();
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(say("之后" + std::to_string(i)));
  EXPECT_EQ(http(srv.port(), "GET", "/healthz").status, 200);

  // The record: gap-free, chained, and every acked statement in it, none of the refused.
  auto verify = http(srv.port(), "GET", "/api/sessions/" + s.id + "/verify").json_body();
  EXPECT_TRUE(verify["ok"]) << verify.dump();
  auto store = open_store(*ServerProcess::postgresql_store(srv.data_dir()));
  std::set<std::string> stored;
  int64_t expect_seq = 1;
  for (const auto& e : store->events(s.id)) {
    EXPECT_EQ(e.seq, expect_seq++);
    if (e.kind == "statement") stored.insert(e.data.value("text", ""));
  }
  EXPECT_EQ(stored, acked);
}
