// Limits that need a server of their own: the idle timeout, the connection caps, the
// outgoing queue of a client that stops reading, and the staff rate.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <optional>
#include <thread>
#include <vector>

#include "tests/reliability/BadInputRows.hpp"

using namespace yst::test;
using namespace yst::test::bad_input;

namespace {

// Waits (bounded) until a reading thread's count reaches n; the caller's assertions say
// whether it did.
void wait_until_reaches(const std::atomic<int>& count, int n, std::chrono::milliseconds limit) {
  const auto until = Clock::now() + limit;
  while (count.load() < n && Clock::now() < until) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

long rss_kib(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
  return -1;
}

// The value of a counter on /metrics (nullopt when it is not there).
std::optional<long> counter(uint16_t port, const std::string& name) {
  const std::string metrics = http(port, "GET", "/metrics").body;
  const auto at = metrics.find("\n" + name + " ");
  if (at == std::string::npos) return std::nullopt;
  return std::atol(metrics.c_str() + at + name.size() + 2);
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return -1;
  std::sort(v.begin(), v.end());
  return v[static_cast<size_t>(p * static_cast<double>(v.size() - 1))];
}

// The delays of statements first..first+count that arrived, in milliseconds.
std::vector<double> delays_ms(const std::vector<Clock::time_point>& sent_at,
                              const std::vector<Clock::time_point>& seen_at, int first, int count) {
  std::vector<double> d;
  for (int i = first; i < first + count; ++i)
    if (seen_at[i] != Clock::time_point{})
      d.push_back(std::chrono::duration<double, std::milli>(seen_at[i] - sent_at[i]).count());
  return d;
}

}  // namespace

TEST(Limits, AClientThatNeverAnswersPingsIsClosedAfterTheIdleTimeout) {
  ServerProcess srv({"--idle-timeout", "2"});
  auto s = create_session(srv);
  WsClient deaf(srv.port()), live(srv.port());
  ASSERT_EQ(audience_join(deaf, s.id, "不读的听众", "deaf-client-01")["type"], "welcome");
  ASSERT_EQ(audience_join(live, s.id, "在线听众", "live-client-01")["type"], "welcome");
  // `live` keeps reading (so it answers the server's pings); `deaf` reads nothing.
  auto until = Clock::now() + 4s;
  while (Clock::now() < until) live.recv(100ms);
  EXPECT_EQ(live.request({{"type", "ping"}})["type"], "pong");
  // The deaf client's socket was cut: reading now finds the end within a second.
  auto t0 = Clock::now();
  while (deaf.is_open() && Clock::now() - t0 < 1s) deaf.recv(100ms);
  EXPECT_FALSE(deaf.is_open()) << "a client that answered no ping for 4 s is still connected";
}

TEST(Limits, ConnectionsPerAddressAndInTotalAreCappedWith503) {
  {
    ServerProcess srv({"--max-connections-per-address", "3"});
    std::vector<std::unique_ptr<WsClient>> open;
    for (int i = 0; i < 3; ++i) open.push_back(std::make_unique<WsClient>(srv.port()));
    auto refused = raw_http(srv.port(), req("GET", "/healthz"));
    EXPECT_EQ(status_of(refused), 503) << refused;
    EXPECT_NE(refused.find("too many connections"), std::string::npos);
    open.pop_back();  // a place comes free once a connection closes
    bool served = false;
    for (int i = 0; i < 50 && !served; ++i) {
      served = status_of(raw_http(srv.port(), req("GET", "/healthz"))) == 200;
      if (!served) std::this_thread::sleep_for(20ms);
    }
    EXPECT_TRUE(served);
    // The connection that was just served may not have been let go yet, and the metrics
    // need a place of their own: ask again, as `served` did.
    std::optional<long> refused_total;
    for (int i = 0; i < 50 && !refused_total; ++i) {
      refused_total = counter(srv.port(), "yishiting_connections_refused_total");
      if (!refused_total) std::this_thread::sleep_for(20ms);
    }
    ASSERT_TRUE(refused_total.has_value());
    EXPECT_GE(*refused_total, 1);
  }
  {
    ServerProcess srv({"--max-connections", "2"});
    WsClient a(srv.port()), b(srv.port());
    EXPECT_EQ(status_of(raw_http(srv.port(), req("GET", "/healthz"))), 503);
    EXPECT_EQ(a.request({{"type", "ping"}})["code"], "not_joined");  // the open ones still work
  }
}

// The outgoing queue at its default (1 MiB): a client that stops reading while the host
// talks is closed with 1013 once its unsent data passes the limit (after the kernel's
// socket buffers have filled), and sees that close code if it reads again within the 2 s
// the server waits before cutting the socket. The others are not held up.
TEST(Limits, AClientThatStopsReadingIsClosedWith1013AtTheDefaultQueueLimit) {
  ServerProcess srv;
  auto s = create_session(srv);
  WsClient host(srv.port()), slow(srv.port()), fast(srv.port());
  ASSERT_EQ(staff_join(host, s.id, s.host_token)["type"], "welcome");
  ASSERT_EQ(host.request({{"type", "start"}})["type"], "ack");
  ASSERT_EQ(audience_join(slow, s.id, "慢", "slow-default-01")["type"], "welcome");
  ASSERT_EQ(audience_join(fast, s.id, "快", "fast-default-01")["type"], "welcome");
  const std::string text = repeat("议", 1990);  // a 6 KB event
  auto slow_closed = [&] {
    auto m = http(srv.port(), "GET", "/metrics").body;
    return m.find("yishiting_slow_client_disconnects_total 1") != std::string::npos;
  };
  // The fast client reads on its own thread, as a phone would.
  std::atomic<int> fast_seen{0};
  std::atomic<bool> stop{false};
  std::thread reader([&] {
    while (!stop) {
      auto f = fast.recv(200ms);
      if (f && is_event(*f, "statement")) ++fast_seen;
    }
  });
  int sent = 0;
  bool closed = false;
  // Pipelined in windows of 50 (staff may send 1000 a second), checking between windows.
  // A window waits until the reader has the one before it: on a busy machine the test's
  // reading thread can be starved, and a phone that far behind would rightly be dropped
  // too; the test is about the one that stops reading.
  while (sent < 6000 && !(closed = slow_closed())) {
    wait_until_reaches(fast_seen, sent, 10s);
    for (int i = 0; i < 50; ++i) host.send_json({{"type", "say"}, {"text", text}, {"id", sent + i}});
    for (int i = 0; i < 50; ++i) {
      auto r = host.recv_until([](const json& j) { return j.value("type", "") == "ack" || j.value("type", "") == "error"; });
      ASSERT_TRUE(r && (*r)["type"] == "ack") << (r ? r->dump() : "no ack");
    }
    sent += 50;
    while (host.recv(0ms)) {
    }
  }
  // Read again at once: the close frame was waiting behind the queued frames.
  int code = slow.wait_close(10s);
  stop = true;
  reader.join();
  ASSERT_TRUE(closed) << "no slow-client close after " << sent << " events of 6 KB";
  EXPECT_EQ(code, 1013);
  std::printf("[limits] the silent client was closed after %d events (%.1f MB sent to the room); close code %d; "
              "the reading client saw %d statements\n",
              sent, sent * 6.0 / 1024, code, fast_seen.load());
  EXPECT_GE(fast_seen.load(), sent - 50);  // it kept up (the last window may still be in flight)
  // The silent client resumes with after and gets everything.
  WsClient back(srv.port());
  auto w = audience_join(back, s.id, "慢", "slow-default-01", 1);
  EXPECT_EQ(w["type"], "welcome");
}

// Twenty connections join and never read again while the host says 1000 events of 6 KB.
// Each is closed once its unsent data passes --max-queue-bytes (256 KiB here). The same
// 1000 events are first said with no stalled client, so the test compares like with like:
// what the server's memory grows by (the events it keeps for resume) and the delays a
// reading client sees must be about the same with the stalled clients as without them.
TEST(Limits, StalledClientsCostBoundedMemoryAndDoNotDelayAReader) {
  ServerProcess srv({"--max-queue-bytes", "262144", "--staff-rate", "100000"});
  auto s = create_session(srv);
  WsClient host(srv.port()), reader(srv.port());
  ASSERT_EQ(staff_join(host, s.id, s.host_token)["type"], "welcome");
  ASSERT_EQ(host.request({{"type", "start"}})["type"], "ack");
  ASSERT_EQ(audience_join(reader, s.id, "在读的听众", "stall-reader-01")["type"], "welcome");
  const std::string body = repeat("议", 1990);  // 6 KB a statement
  constexpr int kEvents = 1000, kWindow = 25, kStalled = 20;

  // The reader records when each statement arrives; the host when it sent it.
  std::vector<Clock::time_point> sent_at(2 * kEvents), seen_at(2 * kEvents);
  std::atomic<int> seen{0};
  std::atomic<bool> stop{false};
  std::thread reading([&] {
    while (!stop) {
      auto f = reader.recv(100ms);
      if (!f || !is_event(*f, "statement")) continue;
      const std::string text = (*f)["data"].value("text", "");
      const int n = std::atoi(text.c_str());
      if (n >= 0 && n < 2 * kEvents) seen_at[n] = Clock::now();
      ++seen;
    }
  });
  struct Join {
    std::atomic<bool>& stop;
    std::thread& t;
    ~Join() {
      stop = true;
      if (t.joinable()) t.join();
    }
  } join_reader{stop, reading};
  // A window goes out once the reader has the one before it, so the reader is never more
  // than 25 events (150 KB) behind: under the queue limit whatever the kernel buffers, so
  // only a starved test thread, never the server, could make it lag. The stalled clients
  // still get all 6 MB.
  auto say_phase = [&](int first) {
    for (int base = first; base < first + kEvents; base += kWindow) {
      wait_until_reaches(seen, base, 10s);
      for (int i = base; i < base + kWindow; ++i) {
        sent_at[i] = Clock::now();
        host.send_json({{"type", "say"}, {"text", std::to_string(i) + " " + body}, {"id", i}});
      }
      for (int i = 0; i < kWindow; ++i) {
        auto r = host.recv_until([](const json& j) { return j.value("type", "") == "ack" || j.value("type", "") == "error"; });
        ASSERT_TRUE(r && (*r)["type"] == "ack") << (r ? r->dump() : "no ack");
      }
      while (host.recv(0ms)) {
      }
    }
    wait_until_reaches(seen, first + kEvents, 20s);
  };

  const long rss0 = rss_kib(srv.pid());
  say_phase(0);
  if (HasFatalFailure()) return;
  const long rss1 = rss_kib(srv.pid());

  std::vector<std::unique_ptr<WsClient>> stalled;
  for (int i = 0; i < kStalled; ++i) {
    stalled.push_back(std::make_unique<WsClient>(srv.port()));
    ASSERT_EQ(audience_join(*stalled.back(), s.id, "不读的听众", "stalled-client-" + std::to_string(i))["type"], "welcome");
  }
  const long rss2 = rss_kib(srv.pid());
  say_phase(kEvents);
  if (HasFatalFailure()) return;
  const long rss3 = rss_kib(srv.pid());
  stop = true;
  reading.join();

  const auto disconnects = counter(srv.port(), "yishiting_slow_client_disconnects_total");
  ASSERT_TRUE(disconnects.has_value());
  const int dropped = static_cast<int>(*disconnects);
  auto calm = delays_ms(sent_at, seen_at, 0, kEvents), stall = delays_ms(sent_at, seen_at, kEvents, kEvents);
  std::printf("[stalled] %d stalled connections, %d closed with 1013; server RSS %ld KiB at start, +%ld KiB over "
              "%d events of 6 KB with no stalled client, +%ld KiB joining them, +%ld KiB over the same events with "
              "them; reader delay p50/p99 %.2f/%.2f ms without, %.2f/%.2f ms with\n",
              kStalled, dropped, rss0, rss1 - rss0, kEvents, rss2 - rss1, rss3 - rss2, percentile(calm, 0.5),
              percentile(calm, 0.99), percentile(stall, 0.5), percentile(stall, 0.99));
  EXPECT_EQ(dropped, kStalled) << "every stalled connection is let go";
  EXPECT_EQ(calm.size(), static_cast<size_t>(kEvents)) << "the reader lost events";
  EXPECT_EQ(stall.size(), static_cast<size_t>(kEvents)) << "the reader lost events";
  // Unbounded queues would hold 20 × 6 MB here; bounded ones cost about what the same
  // events cost without stalled clients (the history kept for resume).
  EXPECT_LT((rss3 - rss2) - (rss1 - rss0), 16 * 1024) << "memory grew with the stalled clients";
  // The reader's delays: the same order with and without them (a generous bound, the
  // machine is shared; a reader held up behind 20 full queues would see seconds).
  EXPECT_LT(percentile(stall, 0.99), 4 * percentile(calm, 0.99) + 50);
  EXPECT_LT(percentile(stall, 0.5), 4 * percentile(calm, 0.5) + 20);
  for (auto& c : stalled) {
    int code = c->wait_close(5s);
    EXPECT_TRUE(code == 1013 || !c->is_open()) << "close code " << code;
  }
}

// Staff have their own rate (default 1000/s; here 100/s so that the flood is quick even
// under a sanitizer): past it, rate_limited; past three times it in one second, 1008.
TEST(Limits, StaffRateLimitThenFloodCloseWith1008) {
  ServerProcess srv({"--staff-rate", "100"});
  auto s = create_session(srv);
  WsClient host(srv.port());
  ASSERT_EQ(staff_join(host, s.id, s.host_token)["type"], "welcome");
  std::this_thread::sleep_for(1100ms);  // a fresh one-second window
  for (int i = 0; i < 1000; ++i) {
    try {
      host.send_json({{"type", "ping"}, {"id", i}});
    } catch (const std::exception&) {
      break;  // closed under us: that is the answer
    }
  }
  EXPECT_EQ(host.wait_close(10s), 1008);
  int pongs = 0, limited = 0;
  for (const auto& f : host.inbox_) {
    pongs += f.value("type", "") == "pong";
    limited += f.value("code", "") == "rate_limited";
  }
  EXPECT_GE(pongs, 100) << "the first 100 of the window are served";
  EXPECT_GE(limited, 1);
  // The server and other staff are fine.
  WsClient again(srv.port());
  ASSERT_EQ(staff_join(again, s.id, s.host_token)["type"], "welcome");
  EXPECT_EQ(again.request({{"type", "ping"}})["type"], "pong");
}
