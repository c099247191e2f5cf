// storm: one question and one point; every audience connection upvotes and votes within
// --spread s; acks/s, time until the live figures show the final counts, and an
// exactness check against GET /api/sessions/{id}.
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
#include "Staff.hpp"

namespace ystbench {
namespace {

using namespace std::chrono_literals;

json tally_of(const json& j) { return j.contains("tally") ? j["tally"] : json::object(); }
int64_t tally_total(const json& t) {
  return t.value("agree", int64_t{0}) + t.value("disagree", int64_t{0}) + t.value("abstain", int64_t{0});
}

class Storm {
 public:
  explicit Storm(const Options& o)
      : o_(o), big_n_(static_cast<int64_t>(o.n)), n_(o.n), sess_(create_session(o)), sent_ns_(n_, 0),
        watch_(n_ + 1), runner_(o), conns_(n_) {}
  json run();

 private:
  // What one connection has seen of the live figures.
  struct Watch {
    bool up = false, tally = false, done = false;
  };
  struct Items {
    std::string question, point;
  };
  // The stored counts, from the snapshot.
  struct Stored {
    int64_t upvotes = -1;
    json tally;
    bool exact = false;
  };

  bool watch_live(Watch& w, std::string_view msg);
  void on_audience_message(size_t i, std::string_view msg, int64_t now);
  void on_audience_close(const beast::error_code& ec, bool opened);
  void connect_audience();
  Items prepare();
  void storm(const Items& items, int64_t t0);
  Stored stored(const Items& items);
  json report(int64_t t0, bool all_acked, bool all_final, const Stored& s, const Measurement& m);
  void teardown();

  const Options& o_;
  const int64_t big_n_;  // n as the counts are compared with it
  const size_t n_;
  const SessionSetup sess_;
  Histogram ack_latency_;
  std::atomic<uint64_t> joined_{0}, join_failed_{0}, acks_{0}, errors_{0}, finals_{0}, disconnects_{0};
  std::atomic<int64_t> last_ack_ns_{0}, last_final_ns_{0}, host_final_ns_{0};
  std::atomic<bool> finishing_{false};
  std::mutex note_mutex_;
  std::map<std::string, uint64_t> error_samples_;
  std::vector<int64_t> sent_ns_;  // written before the send is posted, read on its thread
  std::vector<Watch> watch_;      // per connection (n: the host); only its thread touches it
  Runner runner_;
  std::vector<std::shared_ptr<Conn>> conns_;
  std::shared_ptr<Staff> host_, member_;
};

// Live figures: `upvotes` counts and `tally` totals; true once both show N.
bool Storm::watch_live(Watch& w, std::string_view msg) {
  if (w.done) return false;
  if (contains(msg, "\"type\":\"upvotes\"")) {
    auto c = int_after(msg, "\"count\":");
    if (c && *c == big_n_) w.up = true;
  } else if (contains(msg, "\"type\":\"tally\"")) {
    json j = json::parse(msg, nullptr, false);
    if (!j.is_discarded() && tally_total(tally_of(j)) == big_n_) w.tally = true;
  } else {
    return false;
  }
  if (w.up && w.tally) {
    w.done = true;
    return true;
  }
  return false;
}

void Storm::on_audience_message(size_t i, std::string_view msg, int64_t now) {
  if (contains(msg, "\"type\":\"ack\"") || contains(msg, "\"type\":\"error\"")) {
    const bool ack = contains(msg, "\"type\":\"ack\"");
    if (contains(msg, "\"id\":\"j\"")) {  // the join's error
      join_failed_.fetch_add(1);
      return;
    }
    if (ack) {
      ack_latency_.record_ns(now - sent_ns_[i]);
      acks_.fetch_add(1);
      store_max(last_ack_ns_, now);
    } else {
      errors_.fetch_add(1);
      std::lock_guard lock(note_mutex_);
      ++error_samples_[std::string(msg.substr(0, 160))];
    }
    return;
  }
  if (contains(msg, "\"type\":\"welcome\"")) {
    joined_.fetch_add(1);
    return;
  }
  if (watch_live(watch_[i], msg)) {
    finals_.fetch_add(1);
    store_max(last_final_ns_, now);
  }
}

void Storm::on_audience_close(const beast::error_code& ec, bool opened) {
  if (finishing_) return;
  if (!opened) join_failed_.fetch_add(1);
  else disconnects_.fetch_add(1);
  std::lock_guard lock(note_mutex_);
  ++error_samples_["closed: " + ec.message()];
}

void Storm::connect_audience() {
  const bool ok = connect_all(
      n_, o_.connect_window, o_.timeout, conns_,
      [this](size_t i) {
        return runner_.start(
            i, [this, i](Conn& c) { c.send(audience_join(sess_, i, std::nullopt, o_.batch)); },
            [this](Conn& c, std::string_view frame, int64_t now) {
              for_each_message(frame, [&](std::string_view msg) { on_audience_message(c.index(), msg, now); });
            },
            [this](Conn&, const beast::error_code& ec, bool opened) { on_audience_close(ec, opened); });
      },
      [this] { return static_cast<size_t>(joined_.load()); },
      [this] { return static_cast<size_t>(join_failed_.load()); });
  if (!ok || join_failed_.load())
    throw std::runtime_error("only " + std::to_string(joined_.load()) + " of " + std::to_string(n_) + " joined");
}

// The host and the member join; the session starts with one public question and one open point.
Storm::Items Storm::prepare() {
  host_ = start_staff(runner_, n_, [this](std::string_view msg, int64_t now) {
    if (watch_live(watch_[n_], msg)) host_final_ns_ = now;
    return false;
  });
  member_ = start_staff(runner_, n_ + 1);
  join_staff(*host_, sess_.id, sess_.host_token, o_.timeout);
  join_staff(*member_, sess_.id, sess_.member_token, o_.timeout);
  expect_reply(host_->request(json{{"type", "start"}}, o_.timeout), "start", is_ack_reply);
  json asked = expect_reply(member_->request(json{{"type", "ask"}, {"text", "基准测试：这个问题有多少人赞同？"}}, o_.timeout),
                            "ask", [](const json& r) { return r.contains("question"); });
  json proposed = expect_reply(host_->request(json{{"type", "propose"}, {"text", "基准测试：请表决这一条。"}}, o_.timeout),
                               "propose", [](const json& r) { return r.contains("point"); });
  std::this_thread::sleep_for(300ms);  // the question.approved/point.proposed broadcasts pass
  return Items{asked["question"].get<std::string>(), proposed["point"].get<std::string>()};
}

void Storm::storm(const Items& items, int64_t t0) {
  const double step_ns = n_ > 1 ? o_.spread * 1e9 / static_cast<double>(n_) : 0;
  for (size_t i = 0; i < n_; ++i) {
    const int64_t due = t0 + static_cast<int64_t>(static_cast<double>(i) * step_ns);
    std::this_thread::sleep_until(std::chrono::steady_clock::time_point(std::chrono::nanoseconds(due)));
    sent_ns_[i] = now_ns();
    // Both in one go: one latency per request measured from the same send time would
    // blur them, so the second is measured from the first's send as well (an upper bound).
    conns_[i]->send(json{{"type", "upvote"}, {"id", 1}, {"question", items.question}}.dump());
    conns_[i]->send(
        json{{"type", "vote"}, {"id", 2}, {"point", items.point}, {"choice", i % 2 ? "disagree" : "agree"}}.dump());
  }
}

Storm::Stored Storm::stored(const Items& items) {
  Stored s;
  json snap = http_json(o_, "GET", "/api/sessions/" + sess_.id, nullptr, 200, "");
  for (const auto& q : snap.value("questions", json::array()))
    if (q.value("question", "") == items.question) s.upvotes = q.value("upvotes", int64_t{-1});
  for (const auto& p : snap.value("points", json::array()))
    if (p.value("point", "") == items.point) s.tally = p.value("tally", json::object());
  const int64_t want_agree = (big_n_ + 1) / 2, want_disagree = big_n_ / 2;
  s.exact = s.upvotes == big_n_ && s.tally.value("agree", int64_t{-1}) == want_agree &&
            s.tally.value("disagree", int64_t{-1}) == want_disagree && tally_total(s.tally) == big_n_;
  return s;
}

json Storm::report(int64_t t0, bool all_acked, bool all_final, const Stored& s, const Measurement& m) {
  const int64_t last_ack = std::max(last_ack_ns_.load(), t0);
  const double ack_s = static_cast<double>(last_ack - t0) / 1e9;
  json out{{"scenario", "storm"},
           {"label", o_.label},
           {"n", big_n_},
           {"spread_s", o_.spread},
           {"batch", o_.batch},
           {"requests", 2 * n_},
           {"acks", acks_.load()},
           {"errors", errors_.load()},
           {"disconnects", disconnects_.load()},
           {"all_acked", all_acked},
           {"acks_per_s", ack_s > 0 ? std::round(static_cast<double>(acks_.load()) / ack_s) : 0.0},
           {"last_ack_ms", ms(last_ack - t0)},
           {"ack_ms", ack_latency_.summary()},
           {"all_final", all_final},
           {"host_final_ms", host_final_ns_.load() ? ms(host_final_ns_.load() - t0) : -1.0},
           {"all_final_ms", all_final ? ms(last_final_ns_.load() - t0) : -1.0},
           {"upvotes", s.upvotes},
           {"tally", s.tally},
           {"exact", s.exact}};
  m.report(out);
  std::lock_guard lock(note_mutex_);
  if (!error_samples_.empty()) out["error_samples"] = error_samples_;
  return out;
}

void Storm::teardown() {
  finishing_ = true;
  auto all = conns_;
  if (host_) all.push_back(host_->conn);
  if (member_) all.push_back(member_->conn);
  runner_.teardown(all);
}

json Storm::run() {
  return with_cleanup(
      [&] {
        connect_audience();
        const Items items = prepare();
        Measurement m(o_);
        m.start();
        const int64_t t0 = now_ns();
        storm(items, t0);
        const bool all_acked = wait_for([&] { return acks_.load() + errors_.load() >= 2 * n_; }, o_.timeout);
        const bool all_final =
            wait_for([&] { return finals_.load() >= n_ && host_final_ns_.load() != 0; }, o_.timeout);
        m.stop();
        return report(t0, all_acked, all_final, stored(items), m);
      },
      [&] { teardown(); });
}

}  // namespace

json run_storm(const Options& o) { return Storm(o).run(); }

void print_storm(const json& r) {
  std::cout << "  " << r["acks"] << " acks of " << r["requests"] << " requests (errors " << r["errors"] << "), "
            << fmt(r, "acks_per_s") << " acks/s, last ack at " << fmt(r, "last_ack_ms") << " ms\n"
            << "  ack " << lat(r["ack_ms"]) << "\n"
            << "  final counts seen by the host at " << fmt(r, "host_final_ms") << " ms, by every audience at "
            << fmt(r, "all_final_ms") << " ms\n"
            << "  snapshot: upvotes " << r["upvotes"] << ", tally " << r["tally"].dump() << " -> "
            << (r.value("exact", false) ? "exact" : "NOT EXACT") << "\n";
}

}  // namespace ystbench
