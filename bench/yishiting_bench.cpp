// yishiting-bench: the load tool of issue 7. All connections live in this one process
// (asynchronous Beast clients on 1-2 io threads) and talk to 127.0.0.1 only.
//
// Scenarios (--scenario):
//   fanout  a member says E events/s (--rate; 0 = as fast as a window of unacked says
//           allows) for T s to N audience connections; every audience connection
//           measures send-to-receipt latency from the steady-clock stamp in the text.
//   raw     the same fan-out against a plain broadcast relay (every text frame to
//           everyone): N receivers + 1 sender, no join. For baseline-relay and ws-relay.mjs.
//   join    N audience connections join in one burst; time until all are welcomed.
//   storm   one question and one point; every audience connection upvotes and votes
//           within --spread s; acks/s, time until the live figures show the final
//           counts, and an exactness check against GET /api/sessions/{id}.
//   resume  N connections that have seen seq S lose the server (--restart-cmd restarts
//           it), reconnect at once with `after`, and must catch up with no gap and no
//           duplicate (checked against GET /api/sessions/{id}/events).
//
// Output: a human summary, and with --json one line of JSON with every figure.
//
// Timing: every timestamp is steady_clock in this process, so a latency is one clock
// read at the sender minus one at the receiver, with no clock sync involved. Note that
// the tool shares the machine's cores with the server it measures.
#include <sys/types.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "BenchNet.hpp"
#include "BenchStats.hpp"

namespace ystbench {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

// ---------------------------------------------------------------------------------------
// Options

struct Options {
  std::string scenario = "fanout";
  int port = 0;
  std::string path;  // default: /ws for yishiting, / for raw
  std::string admin_token;
  std::string label;
  size_t n = 100;
  double rate = 5;       // events per second; 0 = saturate
  double duration = 15;  // seconds of sending
  size_t window = 64;    // saturate: says (frames) in flight without an ack (echo)
  size_t lag = 256;      // saturate: how far the sender may run ahead of the average receiver
  int threads = 2;
  pid_t server_pid = 0;
  size_t connect_window = 256;  // connection attempts in flight while setting up
  size_t raw_size = 200;        // raw: bytes per frame (padded)
  double spread = 2;            // storm: seconds over which the audience's requests are spread
  size_t events_before = 20;    // resume: events seen before the restart
  size_t events_after = 20;     // resume: events said while the audience reconnects
  std::string restart_cmd;
  double timeout = 60;  // seconds allowed to each waiting phase
  bool batch = false;   // fanout/join: the audience joins with "batch": true
  bool json_out = false;
};

const char* kUsage = R"(usage: yishiting-bench --scenario fanout|raw|join|storm|resume --port P [flags]
  --admin-token T      admin token of the yishiting server (all but raw)
  --n N                audience (receiver) connections (100)
  --rate E             events per second (5); 0 = as fast as --window allows
  --duration T         seconds of sending (15)
  --window W           rate 0: frames in flight without an ack (64)
  --lag L              rate 0: most frames the sender may run ahead of the average receiver (256)
  --threads K          io threads of this tool (2)
  --server-pid PID     server process, for CPU seconds and RSS from /proc
  --connect-window C   connection attempts in flight while connecting (256; join: N)
  --path P             WebSocket path (/ws; raw: /)
  --size B             raw: bytes per frame (200)
  --spread S           storm: seconds over which the votes are spread (2)
  --events-before S    resume: events before the restart (20)
  --events-after K     resume: events while reconnecting (20)
  --restart-cmd CMD    resume: shell command that restarts the server on the same port
  --timeout S          bound of every waiting phase (60)
  --batch              fanout, join: the audience joins with "batch": true (the protocol
                       extension: several messages per frame as a JSON array)
  --label L            a name for the run, copied to the JSON
  --json               also print one JSON line with every figure
Only 127.0.0.1 is ever contacted.
)";

[[noreturn]] void usage_error(const std::string& msg) {
  std::cerr << "yishiting-bench: " << msg << "\n\n" << kUsage;
  std::exit(2);
}

double parse_number(const std::string& flag, const std::string& v, double lo, double hi) {
  double d = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), d);
  if (ec != std::errc() || p != v.data() + v.size() || !(d >= lo && d <= hi))
    usage_error(flag + " must be a number from " + json(lo).dump() + " to " + json(hi).dump());
  return d;
}

Options parse_options(int argc, char** argv) {
  Options o;
  bool connect_window_set = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "-h" || a == "--help") {
      std::cout << kUsage;
      std::exit(0);
    }
    if (a == "--json") {
      o.json_out = true;
      continue;
    }
    if (a == "--batch") {
      o.batch = true;
      continue;
    }
    if (i + 1 >= argc) usage_error(a + " needs a value");
    std::string v = argv[++i];
    if (a == "--scenario") o.scenario = v;
    else if (a == "--port") o.port = static_cast<int>(parse_number(a, v, 1, 65535));
    else if (a == "--admin-token") o.admin_token = v;
    else if (a == "--label") o.label = v;
    else if (a == "--n") o.n = static_cast<size_t>(parse_number(a, v, 1, 1e6));
    else if (a == "--rate") o.rate = parse_number(a, v, 0, 1e6);
    else if (a == "--duration") o.duration = parse_number(a, v, 0.1, 3600);
    else if (a == "--window") o.window = static_cast<size_t>(parse_number(a, v, 1, 1e6));
    else if (a == "--lag") o.lag = static_cast<size_t>(parse_number(a, v, 1, 1e6));
    else if (a == "--threads") o.threads = static_cast<int>(parse_number(a, v, 1, 64));
    else if (a == "--server-pid") o.server_pid = static_cast<pid_t>(parse_number(a, v, 1, 1e9));
    else if (a == "--connect-window") {
      o.connect_window = static_cast<size_t>(parse_number(a, v, 1, 1e6));
      connect_window_set = true;
    } else if (a == "--path") o.path = v;
    else if (a == "--size") o.raw_size = static_cast<size_t>(parse_number(a, v, 32, 1 << 20));
    else if (a == "--spread") o.spread = parse_number(a, v, 0, 600);
    else if (a == "--events-before") o.events_before = static_cast<size_t>(parse_number(a, v, 1, 100000));
    else if (a == "--events-after") o.events_after = static_cast<size_t>(parse_number(a, v, 0, 100000));
    else if (a == "--restart-cmd") o.restart_cmd = v;
    else if (a == "--timeout") o.timeout = parse_number(a, v, 1, 3600);
    else usage_error("unknown flag " + a);
  }
  static const std::set<std::string> scenarios{"fanout", "raw", "join", "storm", "resume"};
  if (!scenarios.count(o.scenario)) usage_error("unknown scenario " + o.scenario);
  if (o.port == 0) usage_error("--port is required");
  if (o.scenario != "raw" && o.admin_token.empty()) usage_error("--admin-token is required for " + o.scenario);
  if (o.scenario == "resume" && o.restart_cmd.empty()) usage_error("resume needs --restart-cmd");
  if (o.batch && o.scenario != "fanout" && o.scenario != "join" && o.scenario != "storm")
    usage_error("--batch is for fanout, join and storm");
  if (o.path.empty()) o.path = o.scenario == "raw" ? "/" : "/ws";
  if (o.scenario == "join" && !connect_window_set) o.connect_window = o.n;  // a burst: everyone at once
  if (o.label.empty()) o.label = o.scenario;
  return o;
}

// ---------------------------------------------------------------------------------------
// Small helpers

bool contains(std::string_view s, std::string_view what) { return s.find(what) != std::string_view::npos; }

// The integer right after `key` (searched from the end when `last`), e.g. "\"seq\":".
std::optional<int64_t> int_after(std::string_view s, std::string_view key, bool last = false) {
  auto p = last ? s.rfind(key) : s.find(key);
  if (p == std::string_view::npos) return std::nullopt;
  p += key.size();
  int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data() + p, s.data() + s.size(), v);
  if (ec != std::errc()) return std::nullopt;
  return v;
}

double seconds_since(int64_t t0_ns) { return static_cast<double>(now_ns() - t0_ns) / 1e9; }
double ms(int64_t ns) { return std::round(static_cast<double>(ns) / 1e3) / 1e3; }
double round3(double v) { return std::round(v * 1000.0) / 1000.0; }

// Polls `done` every millisecond until it holds or `seconds` pass. Every wait of the
// tool goes through here, so no loop is unbounded.
template <class Pred>
bool wait_for(Pred done, double seconds) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

std::string error_text(const json& reply) {
  if (reply.contains("code")) return reply.value("code", "") + ": " + reply.value("message", "");
  return reply.dump();
}

// ---------------------------------------------------------------------------------------
// The io threads and the connections they run

class Runner {
 public:
  // One io_context per thread, each connection on one of them: a connection's handlers
  // then never run on two threads, with no strand and no lock shared between threads on
  // the receive path (the tool shares the machine with the server it measures).
  explicit Runner(const Options& o) : o_(o) {
    for (int i = 0; i < o.threads; ++i) {
      contexts_.push_back(std::make_unique<net::io_context>(1));
      guards_.push_back(net::make_work_guard(*contexts_.back()));
    }
    for (auto& ioc : contexts_) threads_.emplace_back([&ioc] { ioc->run(); });
  }
  ~Runner() {
    guards_.clear();
    for (auto& ioc : contexts_) ioc->stop();
    for (auto& t : threads_) t.join();
  }

  net::io_context& ioc() { return *contexts_.front(); }

  // Starts a connection; `live` counts it until its close handler has run.
  std::shared_ptr<Conn> start(size_t index, Conn::OpenHandler on_open, Conn::MessageHandler on_message,
                              Conn::CloseHandler on_close) {
    auto c = std::make_shared<Conn>(*contexts_[index % contexts_.size()], index, static_cast<uint16_t>(o_.port),
                                    o_.path);
    live_.fetch_add(1);
    c->start(std::move(on_open), std::move(on_message),
             [this, on_close = std::move(on_close)](Conn& conn, const beast::error_code& ec, bool opened) {
               if (on_close) on_close(conn, ec, opened);
               live_.fetch_sub(1);
             });
    return c;
  }

  // Resets every connection and waits (bounded) until their handlers have all finished,
  // so that scenario state captured by the handlers can be destroyed afterwards.
  void teardown(const std::vector<std::shared_ptr<Conn>>& conns) {
    for (const auto& c : conns)
      if (c) c->abort();
    if (!wait_for([&] { return live_.load() == 0; }, 15))
      std::cerr << "warning: " << live_.load() << " connections did not finish their handlers\n";
  }
  // Extra hold on `live` for work that is not a connection (a reconnect timer).
  void hold() { live_.fetch_add(1); }
  void release() { live_.fetch_sub(1); }

 private:
  const Options& o_;
  std::vector<std::unique_ptr<net::io_context>> contexts_;
  std::vector<net::executor_work_guard<net::io_context::executor_type>> guards_;
  std::vector<std::thread> threads_;
  std::atomic<long> live_{0};
};

// Opens `count` connections through `make` (which returns the started connection) with at
// most `window` attempts in flight, until `ready() + failed()` reaches `count`.
template <class Make, class Ready, class Failed>
bool connect_all(size_t count, size_t window, double timeout, std::vector<std::shared_ptr<Conn>>& out, Make make,
                 Ready ready, Failed failed) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout);
  size_t started = 0;
  while (ready() + failed() < count) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    bool progressed = false;
    while (started < count && started - std::min(started, ready() + failed()) < window) {
      out[started] = make(started);
      ++started;
      progressed = true;
    }
    if (!progressed) std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  return true;
}

// A staff connection (host or member): replies to its requests are collected by id so
// the main thread can wait for them; `fast` sees every frame first and may consume it
// (the hot paths of the scenarios).
struct Staff {
  std::shared_ptr<Conn> conn;
  std::mutex mutex;
  std::map<std::string, json> replies;  // by id, dumped
  std::function<bool(std::string_view, int64_t)> fast;
  std::atomic<bool> open{false};
  std::atomic<bool> closed{false};
  int next_id = 1000000;  // ids of requests made through request(); main thread only

  void on_message(std::string_view msg, int64_t now) {
    if (fast && fast(msg, now)) return;
    if (contains(msg, "\"type\":\"ack\"") || contains(msg, "\"type\":\"error\"") ||
        contains(msg, "\"type\":\"welcome\"") || contains(msg, "\"type\":\"pong\"")) {
      json j = json::parse(msg, nullptr, false);
      if (j.is_discarded() || !j.contains("id")) return;
      // The key first: json::operator= takes its argument by value, and C++17 evaluates
      // that argument (the move) before the left-hand side.
      std::string key = j["id"].dump();
      std::lock_guard lock(mutex);
      replies[key] = std::move(j);
    }
  }

  // Sends `req` with a fresh id and waits for its reply (nullopt on timeout).
  std::optional<json> request(json req, double timeout, const std::string& fixed_id = "") {
    std::string id = fixed_id.empty() ? std::to_string(next_id++) : fixed_id;
    req["id"] = fixed_id.empty() ? json(std::stoll(id)) : json(fixed_id);
    const std::string key = req["id"].dump();
    conn->send(req.dump());
    std::optional<json> out;
    wait_for(
        [&] {
          std::lock_guard lock(mutex);
          auto it = replies.find(key);
          if (it == replies.end()) return false;
          out = std::move(it->second);
          replies.erase(it);
          return true;
        },
        timeout);
    return out;
  }
};

// `fast` is installed before the connection starts, so no io thread ever reads it while
// it is being assigned.
std::shared_ptr<Staff> start_staff(Runner& r, size_t index,
                                   std::function<bool(std::string_view, int64_t)> fast = nullptr) {
  auto s = std::make_shared<Staff>();
  s->fast = std::move(fast);
  s->conn = r.start(
      index, [s](Conn&) { s->open = true; },
      [s](Conn&, std::string_view msg, int64_t now) { s->on_message(msg, now); },
      [s](Conn&, const beast::error_code&, bool) { s->closed = true; });
  return s;
}

// Joins a staff connection with its token; throws on failure.
json join_staff(Staff& s, const std::string& session, const std::string& token, double timeout,
                std::optional<int64_t> after = std::nullopt) {
  if (!wait_for([&] { return s.open.load() || s.closed.load(); }, timeout) || !s.open)
    throw std::runtime_error("a staff connection did not open");
  json req{{"type", "join"}, {"session", session}, {"token", token}};
  if (after) req["after"] = *after;
  auto reply = s.request(req, timeout, "join");
  if (!reply || reply->value("type", "") != "welcome")
    throw std::runtime_error("staff join failed: " + (reply ? error_text(*reply) : std::string("no reply")));
  return *reply;
}

// ---------------------------------------------------------------------------------------
// The yishiting session every scenario but raw works in

struct SessionSetup {
  std::string id;
  std::string host_token;
  std::string member_token;
};

json http_json(const Options& o, const std::string& method, const std::string& target, const json& body,
               int want_status, const std::string& bearer) {
  auto r = http_request(static_cast<uint16_t>(o.port), method, target, body.is_null() ? "" : body.dump(), bearer);
  if (r.status != want_status)
    throw std::runtime_error(method + " " + target + " answered " + std::to_string(r.status) + ": " + r.body);
  json j = json::parse(r.body, nullptr, false);
  if (j.is_discarded()) throw std::runtime_error(method + " " + target + " answered no JSON");
  return j;
}

SessionSetup create_session(const Options& o) {
  SessionSetup s;
  json created = http_json(o, "POST", "/api/sessions",
                           json{{"title", "基准测试 " + o.scenario + " N=" + std::to_string(o.n)},
                                {"topic", "yishiting-bench"},
                                {"settings", {{"pre_moderation", false}, {"ask_interval_s", 0}}}},
                           201, o.admin_token);
  s.id = created.at("id").get<std::string>();
  s.host_token = created.at("host_token").get<std::string>();
  json member = http_json(o, "POST", "/api/sessions/" + s.id + "/participants",
                          json{{"name", "委员甲"}, {"role", "member"}, {"affiliation", "bench"}}, 201, o.admin_token);
  s.member_token = member.at("token").get<std::string>();
  return s;
}

std::string audience_join(const SessionSetup& s, size_t i, std::optional<int64_t> after = std::nullopt,
                          bool batch = false) {
  // client_id must be 8-64 of [A-Za-z0-9_-] and unique per audience participant.
  json j{{"type", "join"},
         {"id", "j"},
         {"session", s.id},
         {"role", "audience"},
         {"name", "听众" + std::to_string(i)},
         {"client_id", "bench-" + s.id.substr(0, 16) + "-" + std::to_string(i)}};
  if (after) j["after"] = *after;
  if (batch) j["batch"] = true;
  return j.dump();
}

struct ServerSample {
  std::optional<double> cpu_s;
  std::optional<long> rss_kib;
};
ServerSample sample_server(const Options& o) {
  if (!o.server_pid) return {};
  return {process_cpu_seconds(o.server_pid), process_rss_kib(o.server_pid)};
}

// What the whole machine did over a measured interval, next to what the server and this
// tool did: on a shared machine, "others" is the CPU that neither of them got.
struct MachineWindow {
  std::optional<MachineCpu> m0;
  int64_t t0 = 0;
  std::string load;
  void start() {
    m0 = machine_cpu();
    t0 = now_ns();
    load = load_average();
  }
  void finish(json& out, std::optional<double> server_cpu_s, double client_cpu_s) const {
    auto m1 = machine_cpu();
    const double wall = static_cast<double>(now_ns() - t0) / 1e9;
    out["load_average"] = load;
    if (!m0 || !m1 || wall <= 0) return;
    const double busy = (m1->busy_s - m0->busy_s) / wall;
    out["machine_busy_cores"] = std::round(busy * 100) / 100;
    out["machine_steal_cores"] = std::round((m1->steal_s - m0->steal_s) / wall * 100) / 100;
    if (server_cpu_s)
      out["other_cores"] = std::round((busy - (*server_cpu_s + client_cpu_s) / wall) * 100) / 100;
  }
};

// ---------------------------------------------------------------------------------------
// fanout and raw

// A statement text (yishiting) or a raw frame: "ystb n=<index> t=<steady ns>", then padding.
std::string stamp(int64_t n, size_t pad_to) {
  std::string s = "ystb n=" + std::to_string(n) + " t=" + std::to_string(now_ns()) + " ";
  if (s.size() < pad_to) s.append(pad_to - s.size(), 'x');
  return s;
}

struct Stamp {
  int64_t n;
  int64_t t;
};
std::optional<Stamp> parse_stamp(std::string_view msg) {
  auto p = msg.find("ystb n=");
  if (p == std::string_view::npos) return std::nullopt;
  auto n = int_after(msg.substr(p), "n=");
  auto t = int_after(msg.substr(p), " t=");
  if (!n || !t) return std::nullopt;
  return Stamp{*n, *t};
}

json run_fanout(const Options& o, bool raw) {
  const size_t N = o.n;
  const bool saturate = o.rate == 0;
  // Send times of the says by index, allocated up front so that the io threads can read
  // them without a lock; the sender stops if it ever reaches the end.
  const size_t cap = saturate ? 4'000'000 : static_cast<size_t>(std::ceil(o.rate * o.duration)) + 16;
  std::vector<int64_t> send_ns(cap, 0);

  Histogram latency, ack_latency;
  std::atomic<uint64_t> received{0}, dups{0}, gaps{0}, bytes{0}, disconnects{0}, joined{0}, join_failed{0};
  std::atomic<uint64_t> sent{0}, acked{0}, errors{0};
  std::atomic<int64_t> last_rx_ns{0};
  std::atomic<bool> finishing{false};
  std::mutex note_mutex;
  std::map<std::string, uint64_t> close_codes, error_codes;
  std::vector<int64_t> next_n(N, 0);  // per receiver; only its thread touches it

  auto note = [&](std::map<std::string, uint64_t>& m, const std::string& what) {
    std::lock_guard lock(note_mutex);
    ++m[what];
  };

  Runner runner(o);
  SessionSetup sess;
  if (!raw) sess = create_session(o);
  ServerSample before_conn = sample_server(o);

  // Receivers.
  std::atomic<uint64_t> frames{0};
  auto on_receiver_message = [&](Conn& c, std::string_view msg, int64_t now) {
    auto st = parse_stamp(msg);
    if (!st) {
      if (!raw && contains(msg, "\"type\":\"welcome\"")) joined.fetch_add(1);
      else if (!raw && contains(msg, "\"type\":\"error\"")) {
        join_failed.fetch_add(1);
        note(error_codes, std::string(msg.substr(0, 200)));
      }
      return;
    }
    frames.fetch_add(1, std::memory_order_relaxed);
    bytes.fetch_add(msg.size(), std::memory_order_relaxed);
    int64_t& expect = next_n[c.index()];
    // A batched frame (--batch) holds several statements: every stamp in it counts.
    for (std::string_view rest = msg; st;) {
      latency.record_ns(now - st->t);
      if (st->n < expect) dups.fetch_add(1, std::memory_order_relaxed);
      else if (st->n > expect) gaps.fetch_add(static_cast<uint64_t>(st->n - expect), std::memory_order_relaxed);
      expect = std::max(expect, st->n + 1);
      received.fetch_add(1, std::memory_order_relaxed);
      rest = rest.substr(rest.find("ystb n=") + 7);
      st = parse_stamp(rest);
    }
    last_rx_ns.store(now, std::memory_order_relaxed);
  };
  auto on_receiver_close = [&](Conn& c, const beast::error_code& ec, bool opened) {
    if (finishing) return;
    if (!opened) {
      join_failed.fetch_add(1);
      note(error_codes, "connect: " + ec.message());
      return;
    }
    disconnects.fetch_add(1);
    note(close_codes, std::to_string(c.close_code()) + " " + ec.message());
  };

  // The sender: the member (yishiting) or one more relay client (raw). Its "ack" is the
  // server's ack (yishiting) or the echo of its own frame (raw).
  std::mutex pump_mutex;
  int64_t send_end_ns = 0;
  std::atomic<bool> sending{false};
  std::shared_ptr<Staff> sender = std::make_shared<Staff>();
  auto send_one = [&]() -> bool {  // under pump_mutex, or from the paced loop (one thread)
    const uint64_t i = sent.load();
    if (i >= cap) return false;
    send_ns[i] = now_ns();
    std::string frame = raw ? stamp(static_cast<int64_t>(i), o.raw_size)
                            : json{{"type", "say"}, {"id", i}, {"text", stamp(static_cast<int64_t>(i), 0)}}.dump();
    sent.store(i + 1);
    sender->conn->send(std::move(frame));
    return true;
  };
  // Saturation: keep `window` frames unacknowledged, but never run more than `lag`
  // frames ahead of the average receiver, so that the server's per-connection queue
  // limit (which would close slow readers) measures nothing of the tool's own lag.
  auto pump = [&] {
    std::lock_guard lock(pump_mutex);
    while (sending && now_ns() < send_end_ns) {
      const uint64_t s = sent.load(), done = acked.load() + errors.load();
      if (s - std::min(s, done) >= o.window) break;
      if (s >= received.load(std::memory_order_relaxed) / N + o.lag) break;
      if (!send_one()) break;
    }
  };
  sender->fast = [&](std::string_view msg, int64_t now) -> bool {
    if (raw) {
      auto st = parse_stamp(msg);
      if (!st) return true;
      if (st->n >= 0 && static_cast<size_t>(st->n) < cap) ack_latency.record_ns(now - send_ns[static_cast<size_t>(st->n)]);
      acked.fetch_add(1);
      if (saturate) pump();
      return true;
    }
    if (parse_stamp(msg)) return true;  // its own statement, broadcast back
    const bool is_ack = contains(msg, "\"type\":\"ack\"");
    const bool is_error = !is_ack && contains(msg, "\"type\":\"error\"");
    if (!is_ack && !is_error) return false;
    auto id = int_after(msg, "\"id\":");
    if (!id) {
      if (is_error && contains(msg, "\"id\":null")) {  // a rate-limit error carries no id
        errors.fetch_add(1);
        note(error_codes, std::string(msg.substr(0, 160)));
        if (saturate) pump();
        return true;
      }
      return false;  // a reply to a request() with a string id
    }
    if (static_cast<size_t>(*id) >= cap) return false;  // request() ids
    if (is_ack) {
      ack_latency.record_ns(now - send_ns[static_cast<size_t>(*id)]);
      acked.fetch_add(1);
    } else {
      errors.fetch_add(1);
      note(error_codes, std::string(msg.substr(0, 160)));
    }
    if (saturate) pump();
    return true;
  };
  sender->next_id = static_cast<int>(cap) + 1000;

  std::vector<std::shared_ptr<Conn>> conns(N);
  std::vector<std::shared_ptr<Conn>> all_conns;
  std::shared_ptr<Staff> host;
  json out;
  try {
    const int64_t t_connect = now_ns();
    bool ok = connect_all(
        N, o.connect_window, o.timeout, conns,
        [&](size_t i) {
          return runner.start(
              i,
              [&, raw, i](Conn& c) {
                if (raw) joined.fetch_add(1);
                else c.send(audience_join(sess, i, std::nullopt, o.batch));
              },
              on_receiver_message, on_receiver_close);
        },
        [&] { return static_cast<size_t>(joined.load()); }, [&] { return static_cast<size_t>(join_failed.load()); });
    const double connect_s = seconds_since(t_connect);
    if (!ok || join_failed.load() > 0)
      throw std::runtime_error("only " + std::to_string(joined.load()) + " of " + std::to_string(N) +
                               " receivers joined (" + std::to_string(join_failed.load()) + " failed)");

    sender->conn = runner.start(
        N, [s = sender.get()](Conn&) { s->open = true; },
        [s = sender.get()](Conn&, std::string_view msg, int64_t now) { s->on_message(msg, now); },
        [&, s = sender.get()](Conn&, const beast::error_code& ec, bool) {
          s->closed = true;
          if (!finishing) note(close_codes, "sender: " + ec.message());
        });
    if (raw) {
      if (!wait_for([&] { return sender->open.load() || sender->closed.load(); }, o.timeout) || !sender->open)
        throw std::runtime_error("the sender did not connect");
    } else {
      join_staff(*sender, sess.id, sess.member_token, o.timeout);
      host = start_staff(runner, N + 1);
      join_staff(*host, sess.id, sess.host_token, o.timeout);
      auto started = host->request(json{{"type", "start"}}, o.timeout);
      if (!started || started->value("type", "") != "ack")
        throw std::runtime_error("start failed: " + (started ? error_text(*started) : std::string("no reply")));
      // The receivers see session.started and a presence update; let that pass.
      std::this_thread::sleep_for(300ms);
    }
    ServerSample after_conn = sample_server(o);

    // Sending.
    const double client_cpu0 = self_cpu_seconds();
    ServerSample s0 = sample_server(o);
    MachineWindow machine;
    machine.start();
    const int64_t t0 = now_ns();
    send_end_ns = t0 + static_cast<int64_t>(o.duration * 1e9);
    sending = true;
    if (saturate) {
      // Acks drive the pump; this loop only restarts it when the lag bound stopped it.
      while (now_ns() < send_end_ns) {
        pump();
        std::this_thread::sleep_for(1ms);
      }
    } else {
      const double period_ns = 1e9 / o.rate;
      for (uint64_t i = 0;; ++i) {
        const int64_t due = t0 + static_cast<int64_t>(static_cast<double>(i) * period_ns);
        if (due >= send_end_ns) break;
        std::this_thread::sleep_until(std::chrono::steady_clock::time_point(std::chrono::nanoseconds(due)));
        if (!send_one()) break;
      }
    }
    {
      std::lock_guard lock(pump_mutex);
      sending = false;
    }
    const int64_t t_send_end = now_ns();
    // Drain: every says answered, then every delivery in (or the bound passes).
    const double drain_bound = std::max(10.0, o.timeout / 2);
    wait_for([&] { return acked.load() + errors.load() >= sent.load(); }, drain_bound);
    const uint64_t events = acked.load();
    const uint64_t expected = events * N;
    const bool drained = wait_for([&] { return received.load() >= expected; }, drain_bound);
    // Anything still arriving (duplicates) gets a moment to show up.
    std::this_thread::sleep_for(200ms);
    ServerSample s1 = sample_server(o);
    const double client_cpu1 = self_cpu_seconds();
    const int64_t t_last = std::max(last_rx_ns.load(), t_send_end);
    const double elapsed = static_cast<double>(t_last - t0) / 1e9;
    const uint64_t got = received.load();

    out = json{{"scenario", raw ? "raw" : "fanout"},
               {"label", o.label},
               {"n", N},
               {"rate", o.rate},
               {"mode", saturate ? "saturate" : "paced"},
               {"duration_s", o.duration},
               {"window", saturate ? json(o.window) : json(nullptr)},
               {"connect_s", round3(connect_s)},
               {"sent", sent.load()},
               {"events", events},
               {"errors", errors.load()},
               {"expected", expected},
               {"received", got},
               {"loss", expected > got ? expected - got : 0},
               {"dups", dups.load()},
               {"gaps", gaps.load()},
               {"drained", drained},
               {"disconnects", disconnects.load()},
               {"elapsed_s", round3(elapsed)},
               {"events_per_s", round3(static_cast<double>(events) / elapsed)},
               {"deliveries_per_s", std::round(static_cast<double>(got) / elapsed)},
               {"frame_bytes", frames.load() ? bytes.load() / frames.load() : 0},
               {"messages_per_frame", frames.load() ? round3(static_cast<double>(got) / static_cast<double>(frames.load())) : 0.0},
               {"batch", o.batch},
               {"latency_ms", latency.summary()},
               {"ack_ms", ack_latency.summary()},
               {"client_cpu_s", round3(client_cpu1 - client_cpu0)},
               {"client_threads", o.threads}};
    if (s0.cpu_s && s1.cpu_s) {
      const double cpu = *s1.cpu_s - *s0.cpu_s;
      out["server_cpu_s"] = round3(cpu);
      out["server_cpu_share"] = round3(cpu / elapsed);  // cores busy on average
      out["server_cpu_us_per_delivery"] = got ? round3(cpu * 1e6 / static_cast<double>(got)) : 0.0;
    }
    machine.finish(out, s0.cpu_s && s1.cpu_s ? std::optional<double>(*s1.cpu_s - *s0.cpu_s) : std::nullopt,
                   client_cpu1 - client_cpu0);
    if (before_conn.rss_kib && after_conn.rss_kib)
      out["server_rss_per_conn_kib"] =
          round3(static_cast<double>(*after_conn.rss_kib - *before_conn.rss_kib) / static_cast<double>(N + (raw ? 1 : 2)));
    if (s1.rss_kib) out["server_rss_kib"] = *s1.rss_kib;
    {
      std::lock_guard lock(note_mutex);
      if (!close_codes.empty()) out["closes"] = close_codes;
      if (!error_codes.empty()) out["error_samples"] = error_codes;
    }
  } catch (...) {
    finishing = true;
    sending = false;
    all_conns = conns;
    if (sender->conn) all_conns.push_back(sender->conn);
    if (host) all_conns.push_back(host->conn);
    runner.teardown(all_conns);
    throw;
  }
  finishing = true;
  all_conns = conns;
  all_conns.push_back(sender->conn);
  if (host) all_conns.push_back(host->conn);
  runner.teardown(all_conns);
  return out;
}

// ---------------------------------------------------------------------------------------
// join

json run_join(const Options& o) {
  const size_t N = o.n;
  SessionSetup sess = create_session(o);
  Histogram join_latency, open_latency;
  std::atomic<uint64_t> joined{0}, failed{0};
  std::atomic<int64_t> last_welcome_ns{0};
  std::atomic<bool> finishing{false};
  std::mutex note_mutex;
  std::map<std::string, uint64_t> failures;
  std::vector<char> welcomed(N, 0);  // per connection; only its thread touches it

  Runner runner(o);
  ServerSample s0 = sample_server(o);
  const double client_cpu0 = self_cpu_seconds();
  MachineWindow machine;
  machine.start();
  std::vector<std::shared_ptr<Conn>> conns(N);
  const int64_t t0 = now_ns();
  connect_all(
      N, o.connect_window, o.timeout, conns,
      [&](size_t i) {
        return runner.start(
            i,
            [&, i](Conn& c) {
              open_latency.record_ns(c.opened_ns() - c.connect_started_ns());
              c.send(audience_join(sess, i, std::nullopt, o.batch));
            },
            [&](Conn& c, std::string_view msg, int64_t now) {
              if (welcomed[c.index()]) return;
              if (contains(msg, "\"type\":\"welcome\"")) {
                welcomed[c.index()] = 1;
                join_latency.record_ns(now - c.connect_started_ns());
                int64_t prev = last_welcome_ns.load();
                while (now > prev && !last_welcome_ns.compare_exchange_weak(prev, now)) {
                }
                joined.fetch_add(1);
              } else if (contains(msg, "\"type\":\"error\"")) {
                welcomed[c.index()] = 1;
                failed.fetch_add(1);
                std::lock_guard lock(note_mutex);
                ++failures[std::string(msg.substr(0, 160))];
              }
            },
            [&](Conn& c, const beast::error_code& ec, bool) {
              if (finishing || welcomed[c.index()]) return;
              welcomed[c.index()] = 1;
              failed.fetch_add(1);
              std::lock_guard lock(note_mutex);
              ++failures[ec.message()];
            });
      },
      [&] { return static_cast<size_t>(joined.load()); }, [&] { return static_cast<size_t>(failed.load()); });
  const int64_t t_end = std::max(last_welcome_ns.load(), t0);
  // The presence broadcast (once a second) settles before memory is read.
  std::this_thread::sleep_for(1200ms);
  ServerSample s1 = sample_server(o);
  const double client_cpu1 = self_cpu_seconds();
  const double total_s = static_cast<double>(t_end - t0) / 1e9;

  json out{{"scenario", "join"},
           {"label", o.label},
           {"n", N},
           {"connect_window", o.connect_window},
           {"batch", o.batch},
           {"joined", joined.load()},
           {"failed", failed.load()},
           {"all_joined_ms", ms(t_end - t0)},
           {"joins_per_s", total_s > 0 ? std::round(static_cast<double>(joined.load()) / total_s) : 0.0},
           {"join_ms", join_latency.summary()},
           {"tcp_ws_open_ms", open_latency.summary()},
           {"client_cpu_s", round3(client_cpu1 - client_cpu0)}};
  if (s0.cpu_s && s1.cpu_s) out["server_cpu_s"] = round3(*s1.cpu_s - *s0.cpu_s);
  machine.finish(out, s0.cpu_s && s1.cpu_s ? std::optional<double>(*s1.cpu_s - *s0.cpu_s) : std::nullopt,
                 client_cpu1 - client_cpu0);
  if (s0.rss_kib && s1.rss_kib)
    out["server_rss_per_conn_kib"] = round3(static_cast<double>(*s1.rss_kib - *s0.rss_kib) / static_cast<double>(N));
  if (!failures.empty()) out["failures"] = failures;
  finishing = true;
  runner.teardown(conns);
  return out;
}

// ---------------------------------------------------------------------------------------
// storm

// A frame of a client joined with batch may hold several messages (a JSON array of
// objects). Split at the top level by scanning, without building a DOM: the tool shares
// the machine with the server, so its own CPU per message matters.
template <class F>
void for_each_message(std::string_view frame, F&& f) {
  if (frame.empty() || frame.front() != '[') return f(frame);
  int depth = 0;
  bool in_string = false, escaped = false;
  size_t start = 0;
  for (size_t i = 1; i < frame.size(); ++i) {
    const char c = frame[i];
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (depth++ == 0) start = i;
    } else if ((c == '}' || c == ']') && depth > 0 && --depth == 0) {
      f(frame.substr(start, i - start + 1));
    }
  }
}

json tally_of(const json& j) { return j.contains("tally") ? j["tally"] : json::object(); }
int64_t tally_total(const json& t) {
  return t.value("agree", int64_t{0}) + t.value("disagree", int64_t{0}) + t.value("abstain", int64_t{0});
}

json run_storm(const Options& o) {
  const int64_t N = static_cast<int64_t>(o.n);
  const size_t n = o.n;
  SessionSetup sess = create_session(o);
  Histogram ack_latency;
  std::atomic<uint64_t> joined{0}, join_failed{0}, acks{0}, errors{0}, finals{0}, disconnects{0};
  std::atomic<int64_t> last_ack_ns{0}, last_final_ns{0}, host_final_ns{0};
  std::atomic<bool> finishing{false};
  std::mutex note_mutex;
  std::map<std::string, uint64_t> error_samples;
  std::vector<int64_t> sent_ns(n, 0);  // written before the send is posted, read on its thread
  struct Watch {
    bool up = false, tally = false, done = false;
  };
  std::vector<Watch> watch(n + 1);  // per connection (n: the host); only its thread touches it

  auto atomic_max = [](std::atomic<int64_t>& a, int64_t v) {
    int64_t prev = a.load();
    while (v > prev && !a.compare_exchange_weak(prev, v)) {
    }
  };
  // Live figures: `upvotes` counts and `tally` totals; true once both show N.
  auto watch_live = [&](Watch& w, std::string_view msg) -> bool {
    if (w.done) return false;
    if (contains(msg, "\"type\":\"upvotes\"")) {
      auto c = int_after(msg, "\"count\":");
      if (c && *c == N) w.up = true;
    } else if (contains(msg, "\"type\":\"tally\"")) {
      json j = json::parse(msg, nullptr, false);
      if (!j.is_discarded() && tally_total(tally_of(j)) == N) w.tally = true;
    } else {
      return false;
    }
    if (w.up && w.tally) {
      w.done = true;
      return true;
    }
    return false;
  };

  Runner runner(o);
  std::vector<std::shared_ptr<Conn>> conns(n);
  std::shared_ptr<Staff> host, member;
  json out;
  auto cleanup = [&] {
    finishing = true;
    auto all = conns;
    if (host) all.push_back(host->conn);
    if (member) all.push_back(member->conn);
    runner.teardown(all);
  };
  try {
    bool ok = connect_all(
        n, o.connect_window, o.timeout, conns,
        [&](size_t i) {
          return runner.start(
              i, [&, i](Conn& c) { c.send(audience_join(sess, i, std::nullopt, o.batch)); },
              [&](Conn& c, std::string_view frame, int64_t now) {
                for_each_message(frame, [&](std::string_view msg) {
                const size_t i2 = c.index();
                if (contains(msg, "\"type\":\"ack\"") || contains(msg, "\"type\":\"error\"")) {
                  const bool ack = contains(msg, "\"type\":\"ack\"");
                  if (contains(msg, "\"id\":\"j\"")) {  // the join's error
                    join_failed.fetch_add(1);
                    return;
                  }
                  if (ack) {
                    ack_latency.record_ns(now - sent_ns[i2]);
                    acks.fetch_add(1);
                    atomic_max(last_ack_ns, now);
                  } else {
                    errors.fetch_add(1);
                    std::lock_guard lock(note_mutex);
                    ++error_samples[std::string(msg.substr(0, 160))];
                  }
                  return;
                }
                if (contains(msg, "\"type\":\"welcome\"")) {
                  joined.fetch_add(1);
                  return;
                }
                if (watch_live(watch[i2], msg)) {
                  finals.fetch_add(1);
                  atomic_max(last_final_ns, now);
                }
                });
              },
              [&](Conn&, const beast::error_code& ec, bool opened) {
                if (finishing) return;
                if (!opened) join_failed.fetch_add(1);
                else disconnects.fetch_add(1);
                std::lock_guard lock(note_mutex);
                ++error_samples["closed: " + ec.message()];
              });
        },
        [&] { return static_cast<size_t>(joined.load()); }, [&] { return static_cast<size_t>(join_failed.load()); });
    if (!ok || join_failed.load())
      throw std::runtime_error("only " + std::to_string(joined.load()) + " of " + std::to_string(n) + " joined");

    host = start_staff(runner, n, [&](std::string_view msg, int64_t now) {
      if (watch_live(watch[n], msg)) host_final_ns = now;
      return false;
    });
    member = start_staff(runner, n + 1);
    join_staff(*host, sess.id, sess.host_token, o.timeout);
    join_staff(*member, sess.id, sess.member_token, o.timeout);
    auto started = host->request(json{{"type", "start"}}, o.timeout);
    if (!started || started->value("type", "") != "ack") throw std::runtime_error("start failed");
    auto asked = member->request(json{{"type", "ask"}, {"text", "基准测试：这个问题有多少人赞同？"}}, o.timeout);
    if (!asked || !asked->contains("question"))
      throw std::runtime_error("ask failed: " + (asked ? error_text(*asked) : std::string("no reply")));
    auto proposed = host->request(json{{"type", "propose"}, {"text", "基准测试：请表决这一条。"}}, o.timeout);
    if (!proposed || !proposed->contains("point"))
      throw std::runtime_error("propose failed: " + (proposed ? error_text(*proposed) : std::string("no reply")));
    const std::string qid = (*asked)["question"].get<std::string>();
    const std::string pid = (*proposed)["point"].get<std::string>();
    std::this_thread::sleep_for(300ms);  // the question.approved/point.proposed broadcasts pass

    const double client_cpu0 = self_cpu_seconds();
    ServerSample s0 = sample_server(o);
    MachineWindow machine;
    machine.start();
    const int64_t t0 = now_ns();
    const double step_ns = n > 1 ? o.spread * 1e9 / static_cast<double>(n) : 0;
    for (size_t i = 0; i < n; ++i) {
      const int64_t due = t0 + static_cast<int64_t>(static_cast<double>(i) * step_ns);
      std::this_thread::sleep_until(std::chrono::steady_clock::time_point(std::chrono::nanoseconds(due)));
      sent_ns[i] = now_ns();
      // Both in one go: one latency per request measured from the same send time would
      // blur them, so the second is measured from the first's send as well (an upper bound).
      conns[i]->send(json{{"type", "upvote"}, {"id", 1}, {"question", qid}}.dump());
      conns[i]->send(json{{"type", "vote"}, {"id", 2}, {"point", pid}, {"choice", i % 2 ? "disagree" : "agree"}}.dump());
    }
    const bool all_acked = wait_for([&] { return acks.load() + errors.load() >= 2 * n; }, o.timeout);
    const bool all_final = wait_for([&] { return finals.load() >= n && host_final_ns.load() != 0; }, o.timeout);
    ServerSample s1 = sample_server(o);
    const double client_cpu1 = self_cpu_seconds();

    json snap = http_json(o, "GET", "/api/sessions/" + sess.id, nullptr, 200, "");
    int64_t upvotes = -1;
    json tally;
    for (const auto& q : snap.value("questions", json::array()))
      if (q.value("question", "") == qid) upvotes = q.value("upvotes", int64_t{-1});
    for (const auto& p : snap.value("points", json::array()))
      if (p.value("point", "") == pid) tally = p.value("tally", json::object());
    const int64_t want_agree = (N + 1) / 2, want_disagree = N / 2;
    const bool exact = upvotes == N && tally.value("agree", int64_t{-1}) == want_agree &&
                       tally.value("disagree", int64_t{-1}) == want_disagree && tally_total(tally) == N;

    const double ack_s = static_cast<double>(std::max(last_ack_ns.load(), t0) - t0) / 1e9;
    out = json{{"scenario", "storm"},
               {"label", o.label},
               {"n", N},
               {"spread_s", o.spread},
               {"batch", o.batch},
               {"requests", 2 * n},
               {"acks", acks.load()},
               {"errors", errors.load()},
               {"disconnects", disconnects.load()},
               {"all_acked", all_acked},
               {"acks_per_s", ack_s > 0 ? std::round(static_cast<double>(acks.load()) / ack_s) : 0.0},
               {"last_ack_ms", ms(std::max(last_ack_ns.load(), t0) - t0)},
               {"ack_ms", ack_latency.summary()},
               {"all_final", all_final},
               {"host_final_ms", host_final_ns.load() ? ms(host_final_ns.load() - t0) : -1.0},
               {"all_final_ms", all_final ? ms(last_final_ns.load() - t0) : -1.0},
               {"upvotes", upvotes},
               {"tally", tally},
               {"exact", exact},
               {"client_cpu_s", round3(client_cpu1 - client_cpu0)}};
    if (s0.cpu_s && s1.cpu_s) out["server_cpu_s"] = round3(*s1.cpu_s - *s0.cpu_s);
    machine.finish(out, s0.cpu_s && s1.cpu_s ? std::optional<double>(*s1.cpu_s - *s0.cpu_s) : std::nullopt,
                   client_cpu1 - client_cpu0);
    std::lock_guard lock(note_mutex);
    if (!error_samples.empty()) out["error_samples"] = error_samples;
  } catch (...) {
    cleanup();
    throw;
  }
  cleanup();
  return out;
}

// ---------------------------------------------------------------------------------------
// resume

json run_resume(const Options& o) {
  const size_t n = o.n;
  SessionSetup sess = create_session(o);
  struct State {
    std::vector<int64_t> seqs;         // every event seq received, in order, across reconnects
    std::vector<int64_t> seq_times;    // when each arrived
    int64_t last = 0;                  // highest seq seen (the `after` of a reconnect)
    int64_t down_ns = 0;               // when the connection was lost
    int64_t rejoined_ns = 0;           // welcome after the reconnect
    int attempts = 0;
    bool welcomed = false;
  };
  std::vector<State> st(n);                       // per connection; only its thread touches it
  std::vector<std::atomic<int64_t>> last_seen(n);  // mirror of State::last for the main thread
  for (auto& a : last_seen) a = 0;
  std::atomic<uint64_t> joined{0}, join_failed{0}, rejoined{0}, rejoin_errors{0}, lost{0};
  std::atomic<int64_t> first_down_ns{0};
  std::atomic<bool> restarting{false}, finishing{false};
  std::mutex conns_mutex;  // conns[i] is replaced on reconnect
  std::mutex note_mutex;
  std::map<std::string, uint64_t> notes;
  Histogram reconnect_latency;

  Runner runner(o);
  std::vector<std::shared_ptr<Conn>> conns(n);
  std::function<std::shared_ptr<Conn>(size_t)> connect_audience;

  auto on_message = [&](Conn& c, std::string_view msg, int64_t now) {
    State& s = st[c.index()];
    if (contains(msg, "\"type\":\"event\"")) {
      auto seq = int_after(msg, "\"seq\":", true);
      if (!seq) return;
      s.seqs.push_back(*seq);
      s.seq_times.push_back(now);
      s.last = std::max(s.last, *seq);
      last_seen[c.index()].store(s.last);
    } else if (contains(msg, "\"type\":\"welcome\"")) {
      if (!s.welcomed) {
        s.welcomed = true;
        joined.fetch_add(1);
      } else {
        s.rejoined_ns = now;
        reconnect_latency.record_ns(now - s.down_ns);
        rejoined.fetch_add(1);
      }
    } else if (contains(msg, "\"type\":\"error\"")) {
      if (s.welcomed) rejoin_errors.fetch_add(1);
      else join_failed.fetch_add(1);
      std::lock_guard lock(note_mutex);
      ++notes[std::string(msg.substr(0, 160))];
    }
  };
  // A lost connection reconnects at once; while the server is down, every 25-50 ms (the
  // spread keeps a thousand retries from arriving in lockstep).
  std::function<void(size_t, int64_t)> schedule_reconnect = [&](size_t i, int64_t delay_ms) {
    runner.hold();
    auto timer = std::make_shared<net::steady_timer>(runner.ioc(), std::chrono::milliseconds(delay_ms));
    timer->async_wait([&, i, timer](beast::error_code) {
      if (!finishing) {
        auto c = connect_audience(i);
        std::lock_guard lock(conns_mutex);
        conns[i] = c;
      }
      runner.release();
    });
  };
  auto on_close = [&](Conn& c, const beast::error_code& ec, bool opened) {
    if (finishing) return;
    State& s = st[c.index()];
    if (!s.welcomed) {
      join_failed.fetch_add(1);
      return;
    }
    if (!restarting) {
      lost.fetch_add(1);  // a disconnect not caused by the restart
      std::lock_guard lock(note_mutex);
      ++notes["lost: " + ec.message()];
    }
    if (opened && (s.down_ns == 0 || s.rejoined_ns >= s.down_ns)) {
      s.down_ns = now_ns();
      int64_t zero = 0;
      first_down_ns.compare_exchange_strong(zero, s.down_ns);
    }
    ++s.attempts;
    schedule_reconnect(c.index(), opened ? 0 : 25 + static_cast<int64_t>(c.index() % 26));
  };
  connect_audience = [&](size_t i) {
    return runner.start(
        i,
        [&, i](Conn& c) {
          const State& s = st[i];
          c.send(audience_join(sess, i, s.welcomed ? std::optional<int64_t>(s.last) : std::nullopt));
        },
        on_message, on_close);
  };

  std::shared_ptr<Staff> host, member;
  json out;
  auto cleanup = [&] {
    finishing = true;
    std::vector<std::shared_ptr<Conn>> all;
    {
      std::lock_guard lock(conns_mutex);
      all = conns;
    }
    if (host) all.push_back(host->conn);
    if (member) all.push_back(member->conn);
    runner.teardown(all);
    // A reconnect that raced the teardown may have started new connections.
    std::lock_guard lock(conns_mutex);
    runner.teardown(conns);
  };
  // Member says `count` statements at --rate (default pace 50/s when --rate is 0) and
  // returns the seq of the last one.
  auto say_some = [&](Staff& m, size_t count, int tag) -> int64_t {
    const double rate = o.rate > 0 ? o.rate : 50;
    int64_t last_seq = 0;
    const int64_t t0 = now_ns();
    std::vector<std::string> ids;
    for (size_t k = 0; k < count; ++k) {
      std::this_thread::sleep_until(std::chrono::steady_clock::time_point(
          std::chrono::nanoseconds(t0 + static_cast<int64_t>(static_cast<double>(k) * 1e9 / rate))));
      // Appended piece by piece: `"s" + std::to_string(...)` trips GCC 12's -Wrestrict
      // false positive at -O3 (GCC bug 105651).
      std::string id = "s";
      id += std::to_string(tag);
      id += '-';
      id += std::to_string(k);
      m.conn->send(json{{"type", "say"}, {"id", id}, {"text", "resume " + id}}.dump());
      ids.push_back(id);
    }
    for (const auto& id : ids) {
      const std::string key = json(id).dump();
      std::optional<json> reply;
      wait_for(
          [&] {
            std::lock_guard lock(m.mutex);
            auto it = m.replies.find(key);
            if (it == m.replies.end()) return false;
            reply = it->second;
            m.replies.erase(it);
            return true;
          },
          o.timeout);
      if (!reply || reply->value("type", "") != "ack")
        throw std::runtime_error("say " + id + " failed: " + (reply ? error_text(*reply) : std::string("no reply")));
      last_seq = std::max(last_seq, reply->value("seq", int64_t{0}));
    }
    return last_seq;
  };

  try {
    bool ok = connect_all(
        n, o.connect_window, o.timeout, conns, [&](size_t i) { return connect_audience(i); },
        [&] { return static_cast<size_t>(joined.load()); }, [&] { return static_cast<size_t>(join_failed.load()); });
    if (!ok || join_failed.load())
      throw std::runtime_error("only " + std::to_string(joined.load()) + " of " + std::to_string(n) + " joined");
    host = start_staff(runner, n);
    member = start_staff(runner, n + 1);
    join_staff(*host, sess.id, sess.host_token, o.timeout);
    join_staff(*member, sess.id, sess.member_token, o.timeout);
    auto started = host->request(json{{"type", "start"}}, o.timeout);
    if (!started || started->value("type", "") != "ack") throw std::runtime_error("start failed");

    // Phase 1: everyone sees seq S.
    const int64_t seq_before = say_some(*member, o.events_before, 1);
    auto everyone_at = [&](int64_t seq) {
      for (auto& a : last_seen)
        if (a.load() < seq) return false;
      return true;
    };
    if (!wait_for([&] { return everyone_at(seq_before); }, o.timeout))
      throw std::runtime_error("the audience did not all reach seq " + std::to_string(seq_before));

    // Phase 2: restart the server; the audience reconnects by itself.
    restarting = true;
    const int64_t t_cmd = now_ns();
    // Shared with the thread, which may outlive this function if the command hangs.
    struct Command {
      std::atomic<bool> done{false};
      std::atomic<int> status{0};
      std::atomic<int64_t> end_ns{0};
    };
    auto cmd = std::make_shared<Command>();
    std::thread restarter([cmd, line = o.restart_cmd] {
      cmd->status = std::system(line.c_str());
      cmd->end_ns = now_ns();
      cmd->done = true;
    });
    if (!wait_for([&] { return cmd->done.load(); }, o.timeout)) {
      restarter.detach();  // std::system cannot be interrupted; the tool exits soon after
      throw std::runtime_error("--restart-cmd did not finish");
    }
    restarter.join();
    if (cmd->status != 0) throw std::runtime_error("--restart-cmd failed with status " + std::to_string(cmd->status));
    const int64_t cmd_end_ns = cmd->end_ns;

    // The member comes back too (staff resume) and speaks while the audience reconnects.
    if (!wait_for([&] { return member->closed.load(); }, o.timeout)) throw std::runtime_error("member was not closed");
    member = start_staff(runner, n + 1);
    json welcome = join_staff(*member, sess.id, sess.member_token, o.timeout, seq_before);
    const int64_t seq_final = o.events_after ? say_some(*member, o.events_after, 2) : welcome.value("last_seq", seq_before);
    const bool caught_up = wait_for([&] { return everyone_at(seq_final) && rejoined.load() >= n; }, o.timeout);
    const int64_t t_caught = now_ns();
    restarting = false;

    // The truth: every event the audience may see, from the server's log.
    std::vector<int64_t> truth;
    for (int64_t after = 0;;) {
      json page = http_json(o, "GET", "/api/sessions/" + sess.id + "/events?after=" + std::to_string(after) + "&limit=1000",
                            nullptr, 200, "");
      const json& list = page.is_array() ? page : page.value("events", json::array());
      if (list.empty()) break;
      for (const auto& e : list) truth.push_back(e.value("seq", int64_t{0}));
      if (truth.back() <= after || truth.size() > 10'000'000) break;  // no progress: never loop forever
      after = truth.back();
    }
    // Per connection: its seqs must be exactly the truth from its first one on.
    uint64_t gaps = 0, dups = 0, foreign = 0, short_conns = 0;
    int64_t last_final_ns = 0;
    Histogram catchup_latency;  // restart lost -> final event in hand, per connection
    // The io threads may still be running handlers; the audience has caught up (or the
    // bound passed), so stop them from touching the state before reading it.
    cleanup();
    for (size_t i = 0; i < n; ++i) {
      const State& s = st[i];
      std::set<int64_t> seen;
      int64_t prev = 0;
      for (size_t k = 0; k < s.seqs.size(); ++k) {
        const int64_t q = s.seqs[k];
        if (q <= prev || seen.count(q)) ++dups;
        prev = std::max(prev, q);
        seen.insert(q);
        if (q == seq_final) {
          last_final_ns = std::max(last_final_ns, s.seq_times[k]);
          if (s.down_ns) catchup_latency.record_ns(s.seq_times[k] - s.down_ns);
        }
      }
      if (s.seqs.empty()) {
        ++short_conns;
        continue;
      }
      for (int64_t q : seen)
        if (!std::binary_search(truth.begin(), truth.end(), q)) ++foreign;
      for (int64_t q : truth)
        if (q >= s.seqs.front() && !seen.count(q)) ++gaps;
      if (s.last < seq_final) ++short_conns;
    }
    const int64_t t_down = first_down_ns.load() ? first_down_ns.load() : t_cmd;
    out = json{{"scenario", "resume"},
               {"label", o.label},
               {"n", n},
               {"seq_before", seq_before},
               {"seq_final", seq_final},
               {"events_after", o.events_after},
               {"restart_cmd_ms", ms(cmd_end_ns - t_cmd)},
               {"rejoined", rejoined.load()},
               {"rejoin_errors", rejoin_errors.load()},
               {"unexpected_disconnects", lost.load()},
               {"caught_up", caught_up},
               {"all_caught_up_ms", caught_up ? ms(last_final_ns - t_down) : -1.0},
               {"after_restart_caught_up_ms", caught_up ? ms(last_final_ns - cmd_end_ns) : -1.0},
               {"wait_ms", ms(t_caught - t_down)},
               {"reconnect_ms", reconnect_latency.summary()},
               {"catchup_ms", catchup_latency.summary()},
               {"truth_events", truth.size()},
               {"gaps", gaps},
               {"dups", dups},
               {"foreign", foreign},
               {"incomplete", short_conns},
               {"ok", caught_up && gaps == 0 && dups == 0 && foreign == 0 && short_conns == 0}};
    std::lock_guard lock(note_mutex);
    if (!notes.empty()) out["notes"] = notes;
  } catch (...) {
    cleanup();
    throw;
  }
  cleanup();
  return out;
}

// ---------------------------------------------------------------------------------------
// Output

std::string fmt(const json& j, const char* key) {
  if (!j.contains(key)) return "-";
  char buf[64];
  const json& v = j[key];
  if (v.is_number_float()) std::snprintf(buf, sizeof buf, "%.3f", v.get<double>());
  else return v.dump();
  return buf;
}

std::string lat(const json& h) {
  char buf[160];
  std::snprintf(buf, sizeof buf, "p50 %.2f  p90 %.2f  p99 %.2f  p99.9 %.2f  max %.2f ms", h.value("p50", 0.0),
                h.value("p90", 0.0), h.value("p99", 0.0), h.value("p999", 0.0), h.value("max", 0.0));
  return buf;
}

void print_human(const json& r) {
  const std::string sc = r.value("scenario", "");
  std::cout << "== " << sc << " [" << r.value("label", "") << "] N=" << r["n"] << "\n";
  if (sc == "fanout" || sc == "raw") {
    std::cout << "  mode " << r.value("mode", "") << ", rate " << r["rate"] << "/s, " << r["events"]
              << " events (errors " << r["errors"] << ") in " << fmt(r, "elapsed_s") << " s\n"
              << "  deliveries " << r["received"] << " of " << r["expected"] << " (loss " << r["loss"] << ", dups "
              << r["dups"] << ", disconnects " << r["disconnects"] << "), " << fmt(r, "deliveries_per_s")
              << " deliveries/s, " << r["frame_bytes"] << " B/frame, " << fmt(r, "messages_per_frame")
              << " messages/frame\n"
              << "  latency " << lat(r["latency_ms"]) << "\n"
              << "  sender ack " << lat(r["ack_ms"]) << "\n"
              << "  server CPU " << fmt(r, "server_cpu_s") << " s (" << fmt(r, "server_cpu_share") << " cores), "
              << fmt(r, "server_cpu_us_per_delivery") << " µs/delivery; RSS " << fmt(r, "server_rss_per_conn_kib")
              << " KiB/connection; client CPU " << fmt(r, "client_cpu_s") << " s\n"
              << "  machine busy " << fmt(r, "machine_busy_cores") << " cores (others " << fmt(r, "other_cores")
              << ", steal " << fmt(r, "machine_steal_cores") << "), load average " << r.value("load_average", "")
              << "\n";
  } else if (sc == "join") {
    std::cout << "  joined " << r["joined"] << " (failed " << r["failed"] << ") in " << fmt(r, "all_joined_ms")
              << " ms, " << fmt(r, "joins_per_s") << " joins/s\n"
              << "  join " << lat(r["join_ms"]) << "\n"
              << "  tcp+ws open " << lat(r["tcp_ws_open_ms"]) << "\n"
              << "  server CPU " << fmt(r, "server_cpu_s") << " s; RSS " << fmt(r, "server_rss_per_conn_kib")
              << " KiB/connection\n";
  } else if (sc == "storm") {
    std::cout << "  " << r["acks"] << " acks of " << r["requests"] << " requests (errors " << r["errors"] << "), "
              << fmt(r, "acks_per_s") << " acks/s, last ack at " << fmt(r, "last_ack_ms") << " ms\n"
              << "  ack " << lat(r["ack_ms"]) << "\n"
              << "  final counts seen by the host at " << fmt(r, "host_final_ms") << " ms, by every audience at "
              << fmt(r, "all_final_ms") << " ms\n"
              << "  snapshot: upvotes " << r["upvotes"] << ", tally " << r["tally"].dump() << " -> "
              << (r.value("exact", false) ? "exact" : "NOT EXACT") << "\n";
  } else if (sc == "resume") {
    std::cout << "  seq " << r["seq_before"] << " -> " << r["seq_final"] << ", restart took "
              << fmt(r, "restart_cmd_ms") << " ms; " << r["rejoined"] << " rejoined\n"
              << "  all caught up " << fmt(r, "all_caught_up_ms") << " ms after the first disconnect ("
              << fmt(r, "after_restart_caught_up_ms") << " ms after the restart finished)\n"
              << "  reconnect " << lat(r["reconnect_ms"]) << "\n"
              << "  gaps " << r["gaps"] << ", dups " << r["dups"] << ", foreign " << r["foreign"] << ", incomplete "
              << r["incomplete"] << " -> " << (r.value("ok", false) ? "OK" : "FAILED") << "\n";
  }
}

}  // namespace
}  // namespace ystbench

int main(int argc, char** argv) {
  using namespace ystbench;
  Options o = parse_options(argc, argv);
  const long nofile = raise_nofile_limit();
  if (nofile > 0 && static_cast<size_t>(nofile) < o.n + 64)
    std::cerr << "warning: only " << nofile << " file descriptors for " << o.n << " connections\n";
  json result;
  try {
    if (o.scenario == "fanout") result = run_fanout(o, false);
    else if (o.scenario == "raw") result = run_fanout(o, true);
    else if (o.scenario == "join") result = run_join(o);
    else if (o.scenario == "storm") result = run_storm(o);
    else result = run_resume(o);
  } catch (const std::exception& e) {
    std::cerr << "yishiting-bench: " << o.scenario << ": " << e.what() << "\n";
    if (o.json_out)
      std::cout << json{{"scenario", o.scenario}, {"label", o.label}, {"n", o.n}, {"error", e.what()}}.dump() << "\n";
    return 1;
  }
  print_human(result);
  if (o.json_out) std::cout << result.dump(-1, ' ', false, json::error_handler_t::replace) << "\n";
  std::cout.flush();
  return 0;
}
