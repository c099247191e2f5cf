// join: N audience connections join in one burst; time until all are welcomed.
#include <algorithm>
#include <atomic>
#include <iostream>
#include <map>
#include <mutex>
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

namespace ystbench {
namespace {

using namespace std::chrono_literals;

class Join {
 public:
  explicit Join(const Options& o)
      : o_(o), n_(o.n), sess_(create_session(o)), welcomed_(n_, 0), runner_(o), conns_(n_) {}
  json run();

 private:
  void on_message(Conn& c, std::string_view msg, int64_t now);
  void on_close(Conn& c, const beast::error_code& ec);
  void fail(Conn& c, const std::string& why);
  json report(int64_t t0, int64_t t_end, const Measurement& m);

  const Options& o_;
  const size_t n_;
  const SessionSetup sess_;
  Histogram join_latency_, open_latency_;
  std::atomic<uint64_t> joined_{0}, failed_{0};
  std::atomic<int64_t> last_welcome_ns_{0};
  std::atomic<bool> finishing_{false};
  std::mutex note_mutex_;
  std::map<std::string, uint64_t> failures_;
  std::vector<char> welcomed_;  // per connection; only its thread touches it
  Runner runner_;
  std::vector<std::shared_ptr<Conn>> conns_;
};

void Join::on_message(Conn& c, std::string_view msg, int64_t now) {
  if (welcomed_[c.index()]) return;
  if (contains(msg, "\"type\":\"welcome\"")) {
    welcomed_[c.index()] = 1;
    join_latency_.record_ns(now - c.connect_started_ns());
    store_max(last_welcome_ns_, now);
    joined_.fetch_add(1);
  } else if (contains(msg, "\"type\":\"error\"")) {
    fail(c, std::string(msg.substr(0, 160)));
  }
}

void Join::on_close(Conn& c, const beast::error_code& ec) {
  if (finishing_ || welcomed_[c.index()]) return;
  fail(c, ec.message());
}

void Join::fail(Conn& c, const std::string& why) {
  welcomed_[c.index()] = 1;
  failed_.fetch_add(1);
  std::lock_guard lock(note_mutex_);
  ++failures_[why];
}

json Join::run() {
  Measurement m(o_);
  m.start();
  const int64_t t0 = now_ns();
  connect_all(
      n_, o_.connect_window, o_.timeout, conns_,
      [this](size_t i) {
        return runner_.start(
            i,
            [this, i](Conn& c) {
              open_latency_.record_ns(c.opened_ns() - c.connect_started_ns());
              c.send(audience_join(sess_, i, std::nullopt, o_.batch));
            },
            [this](Conn& c, std::string_view msg, int64_t now) { on_message(c, msg, now); },
            [this](Conn& c, const beast::error_code& ec, bool) { on_close(c, ec); });
      },
      [this] { return static_cast<size_t>(joined_.load()); }, [this] { return static_cast<size_t>(failed_.load()); });
  const int64_t t_end = std::max(last_welcome_ns_.load(), t0);
  // The presence broadcast (once a second) settles before memory is read.
  std::this_thread::sleep_for(1200ms);
  m.stop();
  json out = report(t0, t_end, m);
  finishing_ = true;
  runner_.teardown(conns_);
  return out;
}

json Join::report(int64_t t0, int64_t t_end, const Measurement& m) {
  const double total_s = static_cast<double>(t_end - t0) / 1e9;
  json out{{"scenario", "join"},
           {"label", o_.label},
           {"n", n_},
           {"connect_window", o_.connect_window},
           {"batch", o_.batch},
           {"joined", joined_.load()},
           {"failed", failed_.load()},
           {"all_joined_ms", ms(t_end - t0)},
           {"joins_per_s", total_s > 0 ? std::round(static_cast<double>(joined_.load()) / total_s) : 0.0},
           {"join_ms", join_latency_.summary()},
           {"tcp_ws_open_ms", open_latency_.summary()}};
  m.report(out);
  const ServerSample &s0 = m.server_before(), &s1 = m.server_after();
  if (s0.rss_kib && s1.rss_kib)
    out["server_rss_per_conn_kib"] = round3(static_cast<double>(*s1.rss_kib - *s0.rss_kib) / static_cast<double>(n_));
  std::lock_guard lock(note_mutex_);
  if (!failures_.empty()) out["failures"] = failures_;
  return out;
}

}  // namespace

json run_join(const Options& o) { return Join(o).run(); }

void print_join(const json& r) {
  std::cout << "  joined " << r["joined"] << " (failed " << r["failed"] << ") in " << fmt(r, "all_joined_ms")
            << " ms, " << fmt(r, "joins_per_s") << " joins/s\n"
            << "  join " << lat(r["join_ms"]) << "\n"
            << "  tcp+ws open " << lat(r["tcp_ws_open_ms"]) << "\n"
            << "  server CPU " << fmt(r, "server_cpu_s") << " s; RSS " << fmt(r, "server_rss_per_conn_kib")
            << " KiB/connection\n";
}

}  // namespace ystbench
