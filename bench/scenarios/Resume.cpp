// resume: N connections that have seen seq S lose the server (--restart-cmd restarts it),
// reconnect at once with `after`, and must catch up with no gap and no duplicate (checked
// against GET /api/sessions/{id}/events).
#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <iostream>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "BenchStats.hpp"
#include "FrameScan.hpp"
#include "Report.hpp"
#include "Runner.hpp"
#include "Scenarios.hpp"
#include "SessionSetup.hpp"
#include "Staff.hpp"

namespace ystbench {
namespace {

class Resume {
 public:
  explicit Resume(const Options& o)
      : o_(o), n_(o.n), sess_(create_session(o)), st_(n_), last_seen_(n_), runner_(o), conns_(n_) {
    for (auto& a : last_seen_) a = 0;
  }
  json run();

 private:
  // One audience connection across its reconnects.
  struct State {
    std::vector<int64_t> seqs;       // every event seq received, in order, across reconnects
    std::vector<int64_t> seq_times;  // when each arrived
    int64_t last = 0;                // highest seq seen (the `after` of a reconnect)
    int64_t down_ns = 0;             // when the connection was lost
    int64_t rejoined_ns = 0;         // welcome after the reconnect
    int attempts = 0;
    bool welcomed = false;
  };
  struct Restart {
    int64_t t_cmd = 0;   // the command started
    int64_t end_ns = 0;  // and finished
  };
  // What the connections received, against the server's log.
  struct Check {
    uint64_t gaps = 0, dups = 0, foreign = 0, incomplete = 0;
    int64_t last_final_ns = 0;
  };

  void on_message(Conn& c, std::string_view msg, int64_t now);
  void on_close(Conn& c, const beast::error_code& ec, bool opened);
  void schedule_reconnect(size_t i, int64_t delay_ms);
  std::shared_ptr<Conn> connect_audience(size_t i);
  void cleanup();
  int64_t say_some(Staff& m, size_t count, int tag);
  bool everyone_at(int64_t seq) const;
  int64_t reach_first_seq();
  Restart restart_server();
  int64_t speak_while_reconnecting(int64_t seq_before);
  std::vector<int64_t> truth();
  Check check(const std::vector<int64_t>& truth, int64_t seq_final, Histogram& catchup_latency) const;

  const Options& o_;
  const size_t n_;
  const SessionSetup sess_;
  std::vector<State> st_;                           // per connection; only its thread touches it
  std::vector<std::atomic<int64_t>> last_seen_;  // mirror of State::last for the main thread
  std::atomic<uint64_t> joined_{0}, join_failed_{0}, rejoined_{0}, rejoin_errors_{0}, lost_{0};
  std::atomic<int64_t> first_down_ns_{0};
  std::atomic<bool> restarting_{false}, finishing_{false};
  std::mutex conns_mutex_;  // conns_[i] is replaced on reconnect
  std::mutex note_mutex_;
  std::map<std::string, uint64_t> notes_;
  Histogram reconnect_latency_;
  Runner runner_;
  std::vector<std::shared_ptr<Conn>> conns_;
  std::shared_ptr<Staff> host_, member_;
};

void Resume::on_message(Conn& c, std::string_view msg, int64_t now) {
  State& s = st_[c.index()];
  if (contains(msg, "\"type\":\"event\"")) {
    auto seq = int_after(msg, "\"seq\":", true);
    if (!seq) return;
    s.seqs.push_back(*seq);
    s.seq_times.push_back(now);
    s.last = std::max(s.last, *seq);
    last_seen_[c.index()].store(s.last);
  } else if (contains(msg, "\"type\":\"welcome\"")) {
    if (!s.welcomed) {
      s.welcomed = true;
      joined_.fetch_add(1);
    } else {
      s.rejoined_ns = now;
      reconnect_latency_.record_ns(now - s.down_ns);
      rejoined_.fetch_add(1);
    }
  } else if (contains(msg, "\"type\":\"error\"")) {
    if (s.welcomed) rejoin_errors_.fetch_add(1);
    else join_failed_.fetch_add(1);
    std::lock_guard lock(note_mutex_);
    ++notes_[std::string(msg.substr(0, 160))];
  }
}

void Resume::on_close(Conn& c, const beast::error_code& ec, bool opened) {
  if (finishing_) return;
  State& s = st_[c.index()];
  if (!s.welcomed) {
    join_failed_.fetch_add(1);
    return;
  }
  if (!restarting_) {
    lost_.fetch_add(1);  // a disconnect not caused by the restart
    std::lock_guard lock(note_mutex_);
    ++notes_["lost: " + ec.message()];
  }
  if (opened && (s.down_ns == 0 || s.rejoined_ns >= s.down_ns)) {
    s.down_ns = now_ns();
    int64_t zero = 0;
    first_down_ns_.compare_exchange_strong(zero, s.down_ns);
  }
  ++s.attempts;
  schedule_reconnect(c.index(), opened ? 0 : 25 + static_cast<int64_t>(c.index() % 26));
}

// A lost connection reconnects at once; while the server is down, every 25-50 ms (the
// spread keeps a thousand retries from arriving in lockstep).
void Resume::schedule_reconnect(size_t i, int64_t delay_ms) {
  runner_.hold();
  auto timer = std::make_shared<net::steady_timer>(runner_.ioc(), std::chrono::milliseconds(delay_ms));
  timer->async_wait([this, i, timer](beast::error_code) {
    if (!finishing_) {
      auto c = connect_audience(i);
      std::lock_guard lock(conns_mutex_);
      conns_[i] = c;
    }
    runner_.release();
  });
}

std::shared_ptr<Conn> Resume::connect_audience(size_t i) {
  return runner_.start(
      i,
      [this, i](Conn& c) {
        const State& s = st_[i];
        c.send(audience_join(sess_, i, s.welcomed ? std::optional<int64_t>(s.last) : std::nullopt));
      },
      [this](Conn& c, std::string_view msg, int64_t now) { on_message(c, msg, now); },
      [this](Conn& c, const beast::error_code& ec, bool opened) { on_close(c, ec, opened); });
}

void Resume::cleanup() {
  finishing_ = true;
  std::vector<std::shared_ptr<Conn>> all;
  {
    std::lock_guard lock(conns_mutex_);
    all = conns_;
  }
  if (host_) all.push_back(host_->conn);
  if (member_) all.push_back(member_->conn);
  runner_.teardown(all);
  // A reconnect that raced the teardown may have started new connections.
  std::lock_guard lock(conns_mutex_);
  runner_.teardown(conns_);
}

// The member says `count` statements at --rate (default pace 50/s when --rate is 0);
// returns the seq of the last one.
int64_t Resume::say_some(Staff& m, size_t count, int tag) {
  const double rate = o_.rate > 0 ? o_.rate : 50;
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
    json reply = expect_reply(m.await_reply(json(id).dump(), o_.timeout), "say " + id, is_ack_reply);
    last_seq = std::max(last_seq, reply.value("seq", int64_t{0}));
  }
  return last_seq;
}

bool Resume::everyone_at(int64_t seq) const {
  for (auto& a : last_seen_)
    if (a.load() < seq) return false;
  return true;
}

// Everyone joins, the session starts, and every audience connection sees seq S; returns S.
int64_t Resume::reach_first_seq() {
  const bool ok = connect_all(
      n_, o_.connect_window, o_.timeout, conns_, [this](size_t i) { return connect_audience(i); },
      [this] { return static_cast<size_t>(joined_.load()); },
      [this] { return static_cast<size_t>(join_failed_.load()); });
  if (!ok || join_failed_.load())
    throw std::runtime_error("only " + std::to_string(joined_.load()) + " of " + std::to_string(n_) + " joined");
  host_ = start_staff(runner_, n_);
  member_ = start_staff(runner_, n_ + 1);
  join_staff(*host_, sess_.id, sess_.host_token, o_.timeout);
  join_staff(*member_, sess_.id, sess_.member_token, o_.timeout);
  expect_reply(host_->request(json{{"type", "start"}}, o_.timeout), "start", is_ack_reply);
  const int64_t seq_before = say_some(*member_, o_.events_before, 1);
  if (!wait_for([&] { return everyone_at(seq_before); }, o_.timeout))
    throw std::runtime_error("the audience did not all reach seq " + std::to_string(seq_before));
  return seq_before;
}

// Runs --restart-cmd; the audience reconnects by itself meanwhile.
Resume::Restart Resume::restart_server() {
  restarting_ = true;
  Restart r;
  r.t_cmd = now_ns();
  // Shared with the thread, which may outlive this function if the command hangs.
  struct Command {
    std::atomic<bool> done{false};
    std::atomic<int> status{0};
    std::atomic<int64_t> end_ns{0};
  };
  auto cmd = std::make_shared<Command>();
  std::thread restarter([cmd, line = o_.restart_cmd] {
    cmd->status = std::system(line.c_str());
    cmd->end_ns = now_ns();
    cmd->done = true;
  });
  if (!wait_for([&] { return cmd->done.load(); }, o_.timeout)) {
    restarter.detach();  // std::system cannot be interrupted; the tool exits soon after
    throw std::runtime_error("--restart-cmd did not finish");
  }
  restarter.join();
  if (cmd->status != 0) throw std::runtime_error("--restart-cmd failed with status " + std::to_string(cmd->status));
  r.end_ns = cmd->end_ns;
  return r;
}

// The member comes back too (staff resume) and speaks while the audience reconnects;
// returns the seq of its last statement.
int64_t Resume::speak_while_reconnecting(int64_t seq_before) {
  if (!wait_for([&] { return member_->closed.load(); }, o_.timeout)) throw std::runtime_error("member was not closed");
  member_ = start_staff(runner_, n_ + 1);
  json welcome = join_staff(*member_, sess_.id, sess_.member_token, o_.timeout, seq_before);
  return o_.events_after ? say_some(*member_, o_.events_after, 2) : welcome.value("last_seq", seq_before);
}

// Every event the audience may see, from the server's log.
std::vector<int64_t> Resume::truth() {
  std::vector<int64_t> seqs;
  for (int64_t after = 0;;) {
    json page = http_json(o_, "GET",
                          "/api/sessions/" + sess_.id + "/events?after=" + std::to_string(after) + "&limit=1000",
                          nullptr, 200, "");
    const json& list = page.is_array() ? page : page.value("events", json::array());
    if (list.empty()) break;
    for (const auto& e : list) seqs.push_back(e.value("seq", int64_t{0}));
    if (seqs.back() <= after || seqs.size() > 10'000'000) break;  // no progress: never loop forever
    after = seqs.back();
  }
  return seqs;
}

// Per connection: its seqs must be exactly the truth from its first one on. Read once the
// io threads are stopped.
Resume::Check Resume::check(const std::vector<int64_t>& truth, int64_t seq_final, Histogram& catchup_latency) const {
  Check r;
  for (const State& s : st_) {
    std::set<int64_t> seen;
    int64_t prev = 0;
    for (size_t k = 0; k < s.seqs.size(); ++k) {
      const int64_t q = s.seqs[k];
      if (q <= prev || seen.count(q)) ++r.dups;
      prev = std::max(prev, q);
      seen.insert(q);
      if (q == seq_final) {
        r.last_final_ns = std::max(r.last_final_ns, s.seq_times[k]);
        if (s.down_ns) catchup_latency.record_ns(s.seq_times[k] - s.down_ns);
      }
    }
    if (s.seqs.empty()) {
      ++r.incomplete;
      continue;
    }
    for (int64_t q : seen)
      if (!std::binary_search(truth.begin(), truth.end(), q)) ++r.foreign;
    for (int64_t q : truth)
      if (q >= s.seqs.front() && !seen.count(q)) ++r.gaps;
    if (s.last < seq_final) ++r.incomplete;
  }
  return r;
}

json Resume::run() {
  return with_cleanup(
      [&] {
        const int64_t seq_before = reach_first_seq();
        const Restart restart = restart_server();
        const int64_t seq_final = speak_while_reconnecting(seq_before);
        const bool caught_up = wait_for([&] { return everyone_at(seq_final) && rejoined_.load() >= n_; }, o_.timeout);
        const int64_t t_caught = now_ns();
        restarting_ = false;
        const std::vector<int64_t> log = truth();
        Histogram catchup_latency;  // restart lost -> final event in hand, per connection
        // The io threads may still be running handlers; the audience has caught up (or the
        // bound passed), so stop them from touching the state before reading it.
        cleanup();
        const Check c = check(log, seq_final, catchup_latency);
        const int64_t t_down = first_down_ns_.load() ? first_down_ns_.load() : restart.t_cmd;
        json out{{"scenario", "resume"},
                 {"label", o_.label},
                 {"n", n_},
                 {"seq_before", seq_before},
                 {"seq_final", seq_final},
                 {"events_after", o_.events_after},
                 {"restart_cmd_ms", ms(restart.end_ns - restart.t_cmd)},
                 {"rejoined", rejoined_.load()},
                 {"rejoin_errors", rejoin_errors_.load()},
                 {"unexpected_disconnects", lost_.load()},
                 {"caught_up", caught_up},
                 {"all_caught_up_ms", caught_up ? ms(c.last_final_ns - t_down) : -1.0},
                 {"after_restart_caught_up_ms", caught_up ? ms(c.last_final_ns - restart.end_ns) : -1.0},
                 {"wait_ms", ms(t_caught - t_down)},
                 {"reconnect_ms", reconnect_latency_.summary()},
                 {"catchup_ms", catchup_latency.summary()},
                 {"truth_events", log.size()},
                 {"gaps", c.gaps},
                 {"dups", c.dups},
                 {"foreign", c.foreign},
                 {"incomplete", c.incomplete},
                 {"ok", caught_up && c.gaps == 0 && c.dups == 0 && c.foreign == 0 && c.incomplete == 0}};
        std::lock_guard lock(note_mutex_);
        if (!notes_.empty()) out["notes"] = notes_;
        return out;
      },
      [&] { cleanup(); });
}

}  // namespace

json run_resume(const Options& o) { return Resume(o).run(); }

void print_resume(const json& r) {
  std::cout << "  seq " << r["seq_before"] << " -> " << r["seq_final"] << ", restart took "
            << fmt(r, "restart_cmd_ms") << " ms; " << r["rejoined"] << " rejoined\n"
            << "  all caught up " << fmt(r, "all_caught_up_ms") << " ms after the first disconnect ("
            << fmt(r, "after_restart_caught_up_ms") << " ms after the restart finished)\n"
            << "  reconnect " << lat(r["reconnect_ms"]) << "\n"
            << "  gaps " << r["gaps"] << ", dups " << r["dups"] << ", foreign " << r["foreign"] << ", incomplete "
            << r["incomplete"] << " -> " << (r.value("ok", false) ? "OK" : "FAILED") << "\n";
}

}  // namespace ystbench
