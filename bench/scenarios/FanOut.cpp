// fanout: a member says E events/s (--rate; 0 = as fast as a window of unacked says
// allows) for T s to N audience connections; every audience connection measures
// send-to-receipt latency from the steady-clock stamp in the text.
// raw: the same fan-out against a plain broadcast relay (every text frame to everyone):
// N receivers + 1 sender, no join. For baseline-relay and ws-relay.mjs.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "BenchStats.hpp"
#include "FrameScan.hpp"
#include "Measurement.hpp"
#include "Report.hpp"
#include "Runner.hpp"
#include "Scenarios.hpp"
#include "SessionSetup.hpp"
#include "Staff.hpp"

namespace ystbench {
namespace {

using namespace std::chrono_literals;

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

class FanOut {
 public:
  FanOut(const Options& o, bool raw);
  json run();

 private:
  using Tally = std::map<std::string, uint64_t>;
  // When the sending phase began and ended, and what arrived.
  struct SendPhase {
    int64_t t0 = 0;
    int64_t t_send_end = 0;
    uint64_t events = 0;
    uint64_t expected = 0;
    bool drained = false;
  };

  void note(Tally& m, const std::string& what);
  // The receivers' handlers, on their io threads.
  void on_receiver_message(Conn& c, std::string_view msg, int64_t now);
  void on_receiver_close(Conn& c, const beast::error_code& ec, bool opened);
  // The sender's: its "ack" is the server's ack (yishiting) or the echo of its own frame (raw).
  bool on_sender_frame(std::string_view msg, int64_t now);
  void count_sender_error(std::string_view msg);
  bool send_one();
  void pump();

  double connect_receivers();  // returns the seconds it took
  void connect_sender();
  SendPhase send_and_drain(Measurement& m);
  void send_until_end(int64_t t0);
  json by_port_summary() const;
  json report(const SendPhase& p, const Measurement& m, double connect_s, const ServerSample& after_conn);
  void teardown();

  const Options& o_;
  const bool raw_;
  const size_t n_;
  const bool saturate_;
  // Send times of the says by index, allocated up front so that the io threads can read
  // them without a lock; the sender stops if it ever reaches the end.
  const size_t cap_;
  std::vector<int64_t> send_ns_;

  Histogram latency_, ack_latency_;
  std::vector<std::unique_ptr<Histogram>> latency_by_port_;  // by the receiver's port, as in --ports
  std::atomic<uint64_t> received_{0}, dups_{0}, gaps_{0}, bytes_{0}, frames_{0}, disconnects_{0};
  std::atomic<uint64_t> joined_{0}, join_failed_{0};
  std::atomic<uint64_t> sent_{0}, acked_{0}, errors_{0};
  std::atomic<int64_t> last_rx_ns_{0};
  std::atomic<bool> finishing_{false};
  std::mutex note_mutex_;
  Tally close_codes_, error_codes_;
  std::vector<int64_t> next_n_;  // per receiver; only its thread touches it
  std::mutex pump_mutex_;
  int64_t send_end_ns_ = 0;
  std::atomic<bool> sending_{false};

  // After the state its handlers touch, before the connections it runs.
  Runner runner_;
  SessionSetup sess_;
  ServerSample before_conn_;
  std::shared_ptr<Staff> sender_;  // the member (yishiting) or one more relay client (raw)
  std::vector<std::shared_ptr<Conn>> conns_;
  std::shared_ptr<Staff> host_;
};

FanOut::FanOut(const Options& o, bool raw)
    : o_(o),
      raw_(raw),
      n_(o.n),
      saturate_(o.rate == 0),
      cap_(saturate_ ? 4'000'000 : static_cast<size_t>(std::ceil(o.rate * o.duration)) + 16),
      send_ns_(cap_, 0),
      latency_by_port_(o.ports.size()),
      next_n_(n_, 0),
      runner_(o),
      sender_(std::make_shared<Staff>()),
      conns_(n_) {
  for (auto& h : latency_by_port_) h = std::make_unique<Histogram>();
}

void FanOut::note(Tally& m, const std::string& what) {
  std::lock_guard lock(note_mutex_);
  ++m[what];
}

void FanOut::on_receiver_message(Conn& c, std::string_view msg, int64_t now) {
  auto st = parse_stamp(msg);
  if (!st) {
    if (!raw_ && contains(msg, "\"type\":\"welcome\"")) joined_.fetch_add(1);
    else if (!raw_ && contains(msg, "\"type\":\"error\"")) {
      join_failed_.fetch_add(1);
      note(error_codes_, std::string(msg.substr(0, 200)));
    }
    return;
  }
  frames_.fetch_add(1, std::memory_order_relaxed);
  bytes_.fetch_add(msg.size(), std::memory_order_relaxed);
  int64_t& expect = next_n_[c.index()];
  // A batched frame (--batch) holds several statements: every stamp in it counts.
  Histogram& on_port = *latency_by_port_[c.index() % latency_by_port_.size()];
  for (std::string_view rest = msg; st;) {
    latency_.record_ns(now - st->t);
    if (latency_by_port_.size() > 1) on_port.record_ns(now - st->t);
    if (st->n < expect) dups_.fetch_add(1, std::memory_order_relaxed);
    else if (st->n > expect) gaps_.fetch_add(static_cast<uint64_t>(st->n - expect), std::memory_order_relaxed);
    expect = std::max(expect, st->n + 1);
    received_.fetch_add(1, std::memory_order_relaxed);
    rest = rest.substr(rest.find("ystb n=") + 7);
    st = parse_stamp(rest);
  }
  last_rx_ns_.store(now, std::memory_order_relaxed);
}

void FanOut::on_receiver_close(Conn& c, const beast::error_code& ec, bool opened) {
  if (finishing_) return;
  if (!opened) {
    join_failed_.fetch_add(1);
    note(error_codes_, "connect: " + ec.message());
    return;
  }
  disconnects_.fetch_add(1);
  note(close_codes_, std::to_string(c.close_code()) + " " + ec.message());
}

bool FanOut::on_sender_frame(std::string_view msg, int64_t now) {
  if (raw_) {
    auto st = parse_stamp(msg);
    if (!st) return true;
    if (st->n >= 0 && static_cast<size_t>(st->n) < cap_)
      ack_latency_.record_ns(now - send_ns_[static_cast<size_t>(st->n)]);
    acked_.fetch_add(1);
    if (saturate_) pump();
    return true;
  }
  if (parse_stamp(msg)) return true;  // its own statement, broadcast back
  const bool ack = contains(msg, "\"type\":\"ack\"");
  const bool error = !ack && contains(msg, "\"type\":\"error\"");
  if (!ack && !error) return false;
  auto id = int_after(msg, "\"id\":");
  if (!id) {
    if (error && contains(msg, "\"id\":null")) {  // a rate-limit error carries no id
      count_sender_error(msg);
      return true;
    }
    return false;  // a reply to a request() with a string id
  }
  if (static_cast<size_t>(*id) >= cap_) return false;  // request() ids
  if (!ack) {
    count_sender_error(msg);
    return true;
  }
  ack_latency_.record_ns(now - send_ns_[static_cast<size_t>(*id)]);
  acked_.fetch_add(1);
  if (saturate_) pump();
  return true;
}

void FanOut::count_sender_error(std::string_view msg) {
  errors_.fetch_add(1);
  note(error_codes_, std::string(msg.substr(0, 160)));
  if (saturate_) pump();
}

// Under pump_mutex_, or from the paced loop (one thread).
bool FanOut::send_one() {
  const uint64_t i = sent_.load();
  if (i >= cap_) return false;
  send_ns_[i] = now_ns();
  std::string frame = raw_ ? stamp(static_cast<int64_t>(i), o_.raw_size)
                           : json{{"type", "say"}, {"id", i}, {"text", stamp(static_cast<int64_t>(i), 0)}}.dump();
  sent_.store(i + 1);
  sender_->conn->send(std::move(frame));
  return true;
}

// Saturation: keep `window` frames unacknowledged, but never run more than `lag` frames
// ahead of the average receiver, so that the server's per-connection queue limit (which
// would close slow readers) measures nothing of the tool's own lag.
void FanOut::pump() {
  std::lock_guard lock(pump_mutex_);
  while (sending_ && now_ns() < send_end_ns_) {
    const uint64_t s = sent_.load(), done = acked_.load() + errors_.load();
    if (s - std::min(s, done) >= o_.window) break;
    if (s >= received_.load(std::memory_order_relaxed) / n_ + o_.lag) break;
    if (!send_one()) break;
  }
}

double FanOut::connect_receivers() {
  const int64_t t_connect = now_ns();
  const bool ok = connect_all(
      n_, o_.connect_window, o_.timeout, conns_,
      [this](size_t i) {
        return runner_.start(
            i,
            [this, i](Conn& c) {
              if (raw_) joined_.fetch_add(1);
              else c.send(audience_join(sess_, i, std::nullopt, o_.batch));
            },
            [this](Conn& c, std::string_view msg, int64_t now) { on_receiver_message(c, msg, now); },
            [this](Conn& c, const beast::error_code& ec, bool opened) { on_receiver_close(c, ec, opened); },
            o_.ports[i % o_.ports.size()]);
      },
      [this] { return static_cast<size_t>(joined_.load()); },
      [this] { return static_cast<size_t>(join_failed_.load()); });
  const double connect_s = static_cast<double>(now_ns() - t_connect) / 1e9;
  if (!ok || join_failed_.load() > 0)
    throw std::runtime_error("only " + std::to_string(joined_.load()) + " of " + std::to_string(n_) +
                             " receivers joined (" + std::to_string(join_failed_.load()) + " failed)");
  return connect_s;
}

void FanOut::connect_sender() {
  Staff* s = sender_.get();
  s->conn = runner_.start(
      n_, [s](Conn&) { s->open = true; },
      [s](Conn&, std::string_view msg, int64_t now) { s->on_message(msg, now); },
      [this, s](Conn&, const beast::error_code& ec, bool) {
        s->closed = true;
        if (!finishing_) note(close_codes_, "sender: " + ec.message());
      });
  if (raw_) {
    if (!wait_for([s] { return s->open.load() || s->closed.load(); }, o_.timeout) || !s->open)
      throw std::runtime_error("the sender did not connect");
    return;
  }
  join_staff(*s, sess_.id, sess_.member_token, o_.timeout);
  host_ = start_staff(runner_, n_ + 1);
  join_staff(*host_, sess_.id, sess_.host_token, o_.timeout);
  expect_reply(host_->request(json{{"type", "start"}}, o_.timeout), "start", is_ack_reply);
  // The receivers see session.started and a presence update; let that pass.
  std::this_thread::sleep_for(300ms);
}

FanOut::SendPhase FanOut::send_and_drain(Measurement& m) {
  SendPhase p;
  m.start();
  p.t0 = now_ns();
  send_end_ns_ = p.t0 + static_cast<int64_t>(o_.duration * 1e9);
  sending_ = true;
  send_until_end(p.t0);
  {
    std::lock_guard lock(pump_mutex_);
    sending_ = false;
  }
  p.t_send_end = now_ns();
  // Drain: every says answered, then every delivery in (or the bound passes).
  const double drain_bound = std::max(10.0, o_.timeout / 2);
  wait_for([&] { return acked_.load() + errors_.load() >= sent_.load(); }, drain_bound);
  p.events = acked_.load();
  p.expected = p.events * n_;
  p.drained = wait_for([&] { return received_.load() >= p.expected; }, drain_bound);
  // Anything still arriving (duplicates) gets a moment to show up.
  std::this_thread::sleep_for(200ms);
  m.stop();
  return p;
}

void FanOut::send_until_end(int64_t t0) {
  if (saturate_) {
    // Acks drive the pump; this loop only restarts it when the lag bound stopped it.
    while (now_ns() < send_end_ns_) {
      pump();
      std::this_thread::sleep_for(1ms);
    }
    return;
  }
  const double period_ns = 1e9 / o_.rate;
  for (uint64_t i = 0;; ++i) {
    const int64_t due = t0 + static_cast<int64_t>(static_cast<double>(i) * period_ns);
    if (due >= send_end_ns_) break;
    std::this_thread::sleep_until(std::chrono::steady_clock::time_point(std::chrono::nanoseconds(due)));
    if (!send_one()) break;
  }
}

json FanOut::by_port_summary() const {
  json out = json::object();
  if (latency_by_port_.size() > 1)
    for (size_t i = 0; i < latency_by_port_.size(); ++i)
      out[std::to_string(o_.ports[i])] = latency_by_port_[i]->summary();
  return out;
}

json FanOut::report(const SendPhase& p, const Measurement& m, double connect_s, const ServerSample& after_conn) {
  const int64_t t_last = std::max(last_rx_ns_.load(), p.t_send_end);
  const double elapsed = static_cast<double>(t_last - p.t0) / 1e9;
  const uint64_t got = received_.load();
  const uint64_t frames = frames_.load();
  json out{{"scenario", raw_ ? "raw" : "fanout"},
           {"label", o_.label},
           {"n", n_},
           {"rate", o_.rate},
           {"mode", saturate_ ? "saturate" : "paced"},
           {"duration_s", o_.duration},
           {"window", saturate_ ? json(o_.window) : json(nullptr)},
           {"connect_s", round3(connect_s)},
           {"sent", sent_.load()},
           {"events", p.events},
           {"errors", errors_.load()},
           {"expected", p.expected},
           {"received", got},
           {"loss", p.expected > got ? p.expected - got : 0},
           {"dups", dups_.load()},
           {"gaps", gaps_.load()},
           {"drained", p.drained},
           {"disconnects", disconnects_.load()},
           {"elapsed_s", round3(elapsed)},
           {"events_per_s", round3(static_cast<double>(p.events) / elapsed)},
           {"deliveries_per_s", std::round(static_cast<double>(got) / elapsed)},
           {"frame_bytes", frames ? bytes_.load() / frames : 0},
           {"messages_per_frame", frames ? round3(static_cast<double>(got) / static_cast<double>(frames)) : 0.0},
           {"batch", o_.batch},
           {"latency_ms", latency_.summary()},
           {"ack_ms", ack_latency_.summary()},
           {"latency_by_port_ms", by_port_summary()},
           {"client_threads", o_.threads}};
  if (auto cpu = m.server_cpu_s()) {
    out["server_cpu_share"] = round3(*cpu / elapsed);  // cores busy on average
    out["server_cpu_us_per_delivery"] = got ? round3(*cpu * 1e6 / static_cast<double>(got)) : 0.0;
  }
  m.report(out);
  if (before_conn_.rss_kib && after_conn.rss_kib)
    out["server_rss_per_conn_kib"] = round3(static_cast<double>(*after_conn.rss_kib - *before_conn_.rss_kib) /
                                            static_cast<double>(n_ + (raw_ ? 1 : 2)));
  if (m.server_after().rss_kib) out["server_rss_kib"] = *m.server_after().rss_kib;
  std::lock_guard lock(note_mutex_);
  if (!close_codes_.empty()) out["closes"] = close_codes_;
  if (!error_codes_.empty()) out["error_samples"] = error_codes_;
  return out;
}

void FanOut::teardown() {
  finishing_ = true;
  sending_ = false;
  auto all = conns_;
  if (sender_->conn) all.push_back(sender_->conn);
  if (host_) all.push_back(host_->conn);
  runner_.teardown(all);
}

json FanOut::run() {
  if (!raw_) sess_ = create_session(o_);
  before_conn_ = sample_server(o_);
  // Installed before the sender starts, so that no io thread reads it while it is set.
  sender_->fast = [this](std::string_view msg, int64_t now) { return on_sender_frame(msg, now); };
  sender_->next_id = static_cast<int>(cap_) + 1000;
  return with_cleanup(
      [&] {
        const double connect_s = connect_receivers();
        connect_sender();
        const ServerSample after_conn = sample_server(o_);
        Measurement m(o_);
        const SendPhase p = send_and_drain(m);
        return report(p, m, connect_s, after_conn);
      },
      [&] { teardown(); });
}

}  // namespace

json run_fanout(const Options& o) { return FanOut(o, false).run(); }
json run_raw(const Options& o) { return FanOut(o, true).run(); }

void print_fanout(const json& r) {
  std::cout << "  mode " << r.value("mode", "") << ", rate " << r["rate"] << "/s, " << r["events"]
            << " events (errors " << r["errors"] << ") in " << fmt(r, "elapsed_s") << " s\n"
            << "  deliveries " << r["received"] << " of " << r["expected"] << " (loss " << r["loss"] << ", dups "
            << r["dups"] << ", disconnects " << r["disconnects"] << "), " << fmt(r, "deliveries_per_s")
            << " deliveries/s, " << r["frame_bytes"] << " B/frame, " << fmt(r, "messages_per_frame")
            << " messages/frame\n"
            << "  latency " << lat(r["latency_ms"]) << "\n";
  const json by_port = r.value("latency_by_port_ms", json::object());  // items() must not outlive it
  for (const auto& [port, l] : by_port.items())
    std::cout << "    phones on port " << port << ": " << lat(l) << "\n";
  std::cout
            << "  sender ack " << lat(r["ack_ms"]) << "\n"
            << "  server CPU " << fmt(r, "server_cpu_s") << " s (" << fmt(r, "server_cpu_share") << " cores), "
            << fmt(r, "server_cpu_us_per_delivery") << " µs/delivery; RSS " << fmt(r, "server_rss_per_conn_kib")
            << " KiB/connection; client CPU " << fmt(r, "client_cpu_s") << " s\n"
            << "  machine busy " << fmt(r, "machine_busy_cores") << " cores (others " << fmt(r, "other_cores")
            << ", steal " << fmt(r, "machine_steal_cores") << "), load average " << r.value("load_average", "")
            << "\n";
}

}  // namespace ystbench
