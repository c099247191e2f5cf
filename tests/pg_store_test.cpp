// The Store contract on PostgreSQL, and what only the PostgreSQL store promises. Runs when
// YST_TEST_PG_URL names a PostgreSQL the tests may create databases in (scripts/test
// starts a throwaway one with scripts/pg-throwaway); skipped otherwise.
#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <cstdlib>
#include <thread>

#include "session/Sha256.hpp"
#include "storage/PgStore.hpp"
#include "tests/support/StoreContract.hpp"

using namespace yst;
using yst::test::StorePlace;
using yst::test::StoreContract;

namespace {

// Runs one statement on the server's admin database.
void admin_exec(const std::string& admin_url, const std::string& sql) {
  PGconn* c = PQconnectdb(admin_url.c_str());
  PGresult* r = PQexec(c, sql.c_str());
  const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
  std::string msg = PQerrorMessage(c);
  PQclear(r);
  PQfinish(c);
  if (!ok) throw std::runtime_error(sql + ": " + msg);
}

// A database of its own for one test, dropped afterwards.
class PgPlace : public StorePlace {
 public:
  explicit PgPlace(std::string admin_url) : admin_url_(std::move(admin_url)) {
    name_ = "yst_test_" + random_token(8);
    for (char& c : name_)
      if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
    std::transform(name_.begin(), name_.end(), name_.begin(), [](unsigned char c) { return std::tolower(c); });
    admin_exec(admin_url_, "CREATE DATABASE " + name_);
    url_ = admin_url_.substr(0, admin_url_.rfind('/') + 1) + name_;
  }
  ~PgPlace() override {
    try {
      admin_exec(admin_url_, "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
    } catch (...) {
    }
  }
  std::unique_ptr<Store> open() override { return std::make_unique<PgStore>(url_); }
  const std::string& url() const { return url_; }

 private:
  std::string admin_url_, name_, url_;
};

std::unique_ptr<StorePlace> make_pg_place() {
  const char* url = std::getenv("YST_TEST_PG_URL");
  if (!url || !*url) return nullptr;
  return std::make_unique<PgPlace>(url);
}

SessionInfo info(const std::string& id) {
  SessionInfo s;
  s.id = id;
  s.title = "第" + id + "期";
  s.created_ms = 1000;
  return s;
}

Event chained(int64_t seq, const std::string& prev, const std::string& text) {
  Event e;
  e.seq = seq;
  e.at_ms = 1'790'000'000'000 + seq;
  e.kind = "statement";
  e.data = json{{"text", text}};
  e.hash = chain_hash(prev, e);
  return e;
}

}  // namespace

INSTANTIATE_TEST_SUITE_P(Postgresql, StoreContract, testing::Values(&make_pg_place));

// Two writers of one session (two nodes that both think they hold it): the row lock makes
// one wait for the other, and the second finds the seq taken: no gap, no fork.
TEST(PgStore, TwoWritersOfOneSessionCannotForkTheChain) {
  auto place = make_pg_place();
  if (!place) GTEST_SKIP() << "set YST_TEST_PG_URL";
  auto a = place->open();
  auto b = place->open();
  a->create_session(info("s1"));
  const Event first = chained(1, "", "甲");
  a->store("s1", Changes{{first}, {}, {}});
  const Event mine = chained(2, first.hash, "乙");
  const Event theirs = chained(2, first.hash, "丙");
  a->store("s1", Changes{{mine}, {}, {}});
  EXPECT_ANY_THROW(b->store("s1", Changes{{theirs}, {}, {}})) << "seq 2 is taken";
  EXPECT_ANY_THROW(b->store("s1", Changes{{chained(4, mine.hash, "丁")}, {}, {}})) << "a gap";
  b->store("s1", Changes{{chained(3, mine.hash, "己")}, {}, {}});
  const auto events = a->events("s1");
  ASSERT_EQ(events.size(), 3u);
  EXPECT_TRUE(verify_chain(events).ok);
  EXPECT_EQ(events[1].data["text"], "乙");
}

TEST(PgStore, BackupSaysToUsePgDump) {
  auto place = make_pg_place();
  if (!place) GTEST_SKIP() << "set YST_TEST_PG_URL";
  try {
    place->open()->backup_to("/tmp/x.dump");
    FAIL() << "no backup without pg_dump";
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("pg_dump"), std::string::npos);
  }
}

// A forwarded request's receipt is stored in the transaction of the event it acked: a new
// owner finds it (and answers a repeat from it) exactly when the event is there too.
TEST(PgStore, AReceiptIsStoredWithItsEventOrNotAtAll) {
  auto place = make_pg_place();
  if (!place) GTEST_SKIP() << "set YST_TEST_PG_URL";
  auto store = place->open();
  store->create_session(info("s1"));
  const Event first = chained(1, "", "甲");
  const std::vector<Store::Job> kept{[&](Store& s) {
    s.store("s1", Changes{{first}, {}, {}});
    s.store_receipt("s1", Receipt{"node-b/1/7", R"({"seq":1})", 5000});
  }};
  EXPECT_EQ(store->write_batch(kept), std::vector<bool>{true});
  // The same request twice, or its event's seq taken: the job is undone whole.
  const std::vector<Store::Job> refused{[&](Store& s) {
    s.store("s1", Changes{{chained(2, first.hash, "乙")}, {}, {}});
    s.store_receipt("s1", Receipt{"node-b/1/7", R"({"seq":2})", 6000});
  }};
  EXPECT_EQ(store->write_batch(refused), std::vector<bool>{false});
  EXPECT_EQ(store->events("s1").size(), 1u);
  auto receipts = store->receipts("s1", 0);
  ASSERT_EQ(receipts.size(), 1u);
  EXPECT_EQ(receipts[0].request, "node-b/1/7");
  EXPECT_EQ(receipts[0].ack, R"({"seq":1})");
  EXPECT_TRUE(store->receipts("s1", 5001).empty()) << "only those since the time asked for";
  store->forget_receipts(5001);
  EXPECT_TRUE(store->receipts("s1", 0).empty());
}
