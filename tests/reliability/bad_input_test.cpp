// The wire-level bad-input suite: the real server (ServerProcess), real WebSocket and
// HTTP clients, one table of bad inputs (BadInputRows.hpp: the WebSocket rows in
// bad_input_ws_*_rows.cpp, the HTTP and slow-client rows in bad_input_http.cpp). Each
// row is a name, what is sent and the answer the contract (shared/spec/protocol.md)
// promises: an error code, a close code or an HTTP status. After every row a good client
// must still get a pong, and at the end nothing stored may have changed: the events of
// every session are byte-for-byte the same as before, the snapshot is the same, and
// /verify is ok.
#include <gtest/gtest.h>

#include <cstdio>
#include <set>

#include "tests/reliability/BadInputRows.hpp"

using namespace yst::test;
using namespace yst::test::bad_input;

TEST(BadInput, EveryRowGetsItsAnswerTheServerStaysUpAndNothingStoredChanges) {
  World w;
  build_world(w);
  if (HasFatalFailure()) return;
  drain(*w.keeper);
  const Stored before = stored(w);

  auto ws = ws_cases(w);
  auto hc = http_cases(w);
  auto slow = slow_cases();
  std::set<std::string> names;
  int failures = 0;
  auto keeper_alive = [&](const std::string& after) {
    // The good client, joined from the start, still gets its pong.
    try {
      auto r = w.keeper->request({{"type", "ping"}}, 5s);
      ++w.pings;
      EXPECT_EQ(r.value("type", ""), "pong") << "after " << after;
    } catch (const std::exception& e) {
      ADD_FAILURE() << "the good client lost its connection after \"" << after << "\": " << e.what();
      w.keeper = std::make_unique<WsClient>(w.srv->port());
      staff_join(*w.keeper, S(w), w.token[Where::main][Who::host]);
    }
    while (w.keeper->recv(0ms)) {
    }
  };
  auto record = [&](const std::string& kind, const std::string& name, const std::string& problem) {
    EXPECT_TRUE(names.insert(kind + ": " + name).second) << "duplicate row name " << name;
    if (!problem.empty()) {
      ++failures;
      ADD_FAILURE() << "[" << kind << "] " << name << ": " << problem;
    }
    keeper_alive(name);
  };

  for (size_t i = 0; i < ws.size(); ++i) record("ws", ws[i].name, run_ws_case(w, ws[i], static_cast<int>(i)));
  for (const auto& k : hc) record("http", k.name, run_http_case(w, k));
  for (const auto& k : slow) record("slow", k.name, k.run(w));

  const size_t total = ws.size() + hc.size() + slow.size();
  std::printf("[bad-input] %zu distinct bad inputs tried: %zu WebSocket, %zu HTTP, %zu slow-client; %d failed; "
              "the good client answered %d pings\n",
              total, ws.size(), hc.size(), slow.size(), failures, w.pings);
  EXPECT_GE(total, 60u);

  // Nothing stored was lost or changed, and every chain verifies.
  const Stored after = stored(w);
  for (const auto& [where, events] : before.events)
    EXPECT_EQ(after.events.at(where), events) << "the events of session " << where_name(where) << " changed";
  EXPECT_EQ(after.main_snapshot, before.main_snapshot) << "the snapshot of the live session changed";
  EXPECT_EQ(after.main_participants, before.main_participants) << "participants were added";
  EXPECT_EQ(after.sessions, before.sessions) << "sessions were created";
  for (const auto& [where, id] : w.sid) {
    auto v = http(w.srv->port(), "GET", "/api/sessions/" + id + "/verify").json_body();
    EXPECT_EQ(v.value("ok", false), true) << where_name(where) << ": " << v.dump();
  }
  // And the good client still writes: a say is acked with the next seq and stored.
  auto last = json::parse(before.events.at(Where::main)).back()["seq"].get<int64_t>();
  auto said = w.keeper->request({{"type", "say"}, {"text", "坏输入之后，一切照常。"}});
  ASSERT_EQ(said.value("type", ""), "ack") << said.dump();
  EXPECT_EQ(said["seq"], last + 1);
  auto tail = http(w.srv->port(), "GET", "/api/sessions/" + S(w) + "/events?after=" + std::to_string(last)).json_body();
  ASSERT_EQ(tail.size(), 1u);
  EXPECT_EQ(tail[0]["data"]["text"], "坏输入之后，一切照常。");
}

namespace {

// Oversized messages that are still being sent when the server refuses them. Found by
// this suite: Beast 1.81's own size check ends in async_teardown, which stops draining
// after one read, so the socket was closed with unread data and the peer saw a TCP reset
// (a browser reports 1006) instead of 1009: 256 KiB got 1009 in about 21 of 30 tries.
// The server now checks the size itself and closes with async_close, which reads until
// the peer's close. It is a race, so each size is tried ten times.
std::vector<WsCase> oversized_cases() {
  return {
      {"frame: 64 KiB", Who::audience, Where::main, {T(ping_of_size(64 * 1024))}, closes(1009)},
      {"frame: 256 KiB", Who::member, Where::main, {T(ping_of_size(256 * 1024))}, closes(1009)},
      {"frame: 1 MiB", Who::member, Where::main, {T(ping_of_size(1024 * 1024))}, closes(1009)},
  };
}

}  // namespace

TEST(BadInput, AnOversizedMessageStillBeingSentIsClosedWith1009) {
  World w;
  build_world(w);
  if (HasFatalFailure()) return;
  auto rows = oversized_cases();
  for (int rep = 0; rep < 10; ++rep)
    for (size_t i = 0; i < rows.size(); ++i)
      if (auto e = run_ws_case(w, rows[i], 1000 + rep * 100 + static_cast<int>(i)); !e.empty())
        ADD_FAILURE() << rows[i].name << " (try " << rep + 1 << "): " << e;
}
