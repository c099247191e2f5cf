#include "server/Room.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "server/Hub.hpp"
#include "server/Wire.hpp"

namespace yst {

namespace {
constexpr auto kTick = std::chrono::milliseconds(200);  // live figures at most 5 times a second
constexpr int kTicksPerPresence = 5;                     // presence at most once a second
constexpr int kAudiencePerFigureTick = 1000;  // audience connections per tick between their live figures
}  // namespace

Room::Room(Hub& hub, net::io_context& home, SessionInfo info)
    : hub_(hub),
      id_(info.id),
      strand_(net::make_strand(home)),
      ticker_(strand_),
      decided_(info),
      committed_(info) {
  for (net::io_context* ioc : hub_.contexts()) shards_.push_back(std::make_shared<RoomShard>(*ioc));
  update_summary();
}

void Room::load(const std::vector<StoredParticipant>& participants, const std::vector<Event>& events,
                const std::vector<Upvote>& upvotes, const std::vector<Vote>& votes, int peak_audience) {
  for (const auto& sp : participants) {
    decided_.add_participant(sp.participant);
    committed_.add_participant(sp.participant);
  }
  history_.reserve(events.size());
  for (const auto& e : events) {
    decided_.apply(e);
    committed_.apply(e);
    history_.push_back(HistoryEntry{e, make_frame(to_wire_json(e).dump())});
  }
  for (const auto& u : upvotes) {
    decided_.apply(u);
    committed_.apply(u);
  }
  for (const auto& v : votes) {
    decided_.apply(v);
    committed_.apply(v);
  }
  peak_audience_ = peak_audience_stored_ = peak_audience;
  update_summary();
}

RoomSummary Room::summary() const {
  std::lock_guard lock(summary_mutex_);
  return summary_;
}

void Room::update_summary() {
  RoomSummary s;
  s.id = id_;
  s.title = committed_.info().title;
  s.status = committed_.status();
  s.scheduled_at = committed_.info().scheduled_at;
  s.started_ms = committed_.started_ms();
  s.ended_ms = committed_.ended_ms();
  s.created_ms = committed_.info().created_ms;
  std::lock_guard lock(summary_mutex_);
  summary_ = std::move(s);
}

json Room::online_json() const {
  json o = json::object();
  for (Role r : kAllRoles) o[std::string(to_string(r))] = online_[static_cast<int>(r)];
  return o;
}

json Room::public_snapshot(Role viewer) const {
  json s = committed_.snapshot(viewer);
  s["online"] = online_json();
  s["peak_audience"] = peak_audience_;
  return s;
}

void Room::join(std::shared_ptr<Peer> peer, Caller caller, std::optional<int64_t> after, json id) {
  net::post(strand_, [self = shared_from_this(), peer = std::move(peer), caller = std::move(caller), after,
                      id = std::move(id)] { self->on_join(peer, caller, after, id); });
}

void Room::request(std::shared_ptr<Peer> peer, Request request, Caller caller, json id) {
  net::post(strand_, [self = shared_from_this(), peer = std::move(peer), request = std::move(request),
                      caller = std::move(caller), id = std::move(id)] { self->on_request(peer, request, caller, id); });
}

void Room::leave(std::shared_ptr<Peer> peer) {
  net::post(strand_, [self = shared_from_this(), peer = std::move(peer)] { self->on_leave(peer); });
}

void Room::add_participant(Participant p) {
  net::post(strand_, [self = shared_from_this(), p = std::move(p)] {
    self->decided_.add_participant(p);
    self->committed_.add_participant(p);
  });
}

void Room::shutdown() {
  net::post(strand_, [self = shared_from_this()] {
    for (auto& m : self->members_) m.peer->close(1001, "server shutting down");
    self->ticker_.cancel();
  });
}

void Room::on_join(const std::shared_ptr<Peer>& peer, const Caller& caller, std::optional<int64_t> after,
                   const json& id) {
  const int64_t last = committed_.last_seq();
  if (after && last - *after > kMaxResume) {
    send(peer, make_frame(error_frame(id, ErrorCode::resume_too_far,
                                      "more than " + std::to_string(kMaxResume) + " events missed; join without after")));
    shards_[peer->shard()]->refuse(peer);
    return;
  }
  json welcome{{"type", "welcome"},
               {"id", id},
               {"you", committed_.you_json(caller)},
               {"session", public_snapshot(caller.role)},
               {"last_seq", last}};
  send(peer, make_frame(welcome.dump(-1, ' ', false, json::error_handler_t::replace)), false);

  // History: the events visible to this role, after `after`, else the last 50. seq n is
  // history_[n-1], so the start of a resume is found without a search.
  size_t begin;
  if (after) {
    begin = static_cast<size_t>(std::min<int64_t>(std::max<int64_t>(*after, 0), static_cast<int64_t>(history_.size())));
  } else {
    begin = history_.size();
    size_t visible = 0;
    while (begin > 0 && visible < kDefaultHistory) {
      --begin;
      if (visible_to(history_[begin].event, caller.role)) ++visible;
    }
  }
  for (size_t i = begin; i < history_.size(); ++i)
    if (visible_to(history_[i].event, caller.role)) send(peer, history_[i].frame, false);

  shards_[peer->shard()]->add(peer, caller.role);
  member_index_[peer.get()] = members_.size();
  members_.push_back(Member{peer, caller.role});
  ++online_[static_cast<int>(caller.role)];
  hub_.metrics().connections_by_role[static_cast<int>(caller.role)].fetch_add(1, std::memory_order_relaxed);
  if (caller.role == Role::audience && online_[static_cast<int>(Role::audience)] > peak_audience_)
    peak_audience_ = online_[static_cast<int>(Role::audience)];
  presence_dirty_ = true;
  ensure_ticking();
}

void Room::on_leave(const std::shared_ptr<Peer>& peer) {
  auto it = member_index_.find(peer.get());
  if (it == member_index_.end()) return;
  size_t i = it->second;
  Role role = members_[i].role;
  member_index_.erase(it);
  if (i + 1 != members_.size()) {
    members_[i] = std::move(members_.back());
    member_index_[members_[i].peer.get()] = i;
  }
  members_.pop_back();
  shards_[peer->shard()]->remove(peer);
  --online_[static_cast<int>(role)];
  hub_.metrics().connections_by_role[static_cast<int>(role)].fetch_sub(1, std::memory_order_relaxed);
  presence_dirty_ = true;
  ensure_ticking();
}

void Room::on_request(const std::shared_ptr<Peer>& peer, const Request& r, const Caller& caller, const json& id) {
  if (!member_index_.count(peer.get())) {
    send(peer, make_frame(error_frame(id, ErrorCode::not_joined, "join first")));
    return;
  }
  if (storage_failed_) {
    send(peer, make_frame(error_frame(id, ErrorCode::internal, "storage failed; the session is read-only")));
    return;
  }
  auto filter = hub_.word_filter();
  Outcome o = decided_.handle(r, caller, hub_.now_ms(), filter.get());
  if (o.error) {
    hub_.metrics().request_errors.fetch_add(1, std::memory_order_relaxed);
    send(peer, make_frame(error_frame(id, o.error->code, o.error->message, o.ack)));
    return;
  }
  if (o.changes.empty()) {
    send(peer, make_frame(ack_frame(id, o.ack)));
    return;
  }
  // The peak audience is otherwise stored on the presence tick; at the end it goes with
  // the session.ended event, so the minutes never miss the last second.
  if (r.type == RequestType::end) peak_audience_stored_ = unsubmitted_peak_ = peak_audience_;
  unsubmitted_.push_back(PendingWrite{peer, id, std::move(o.ack), std::move(o.changes)});
  if (!submit_posted_) {
    // Posted behind the requests already waiting on the strand, so a storm of votes goes
    // to the writer as one job: one hop there and one back for all of them.
    submit_posted_ = true;
    net::post(strand_, [self = shared_from_this()] { self->submit_writes(); });
  }
}

void Room::submit_writes() {
  submit_posted_ = false;
  if (unsubmitted_.empty()) return;
  auto batch = std::make_shared<std::vector<PendingWrite>>(std::move(unsubmitted_));
  unsubmitted_.clear();
  const int peak = std::exchange(unsubmitted_peak_, -1);
  hub_.writer().submit(
      [batch, sid = id_, peak](Database& db) {
        if (peak >= 0) db.set_peak_audience(sid, peak);
        for (const auto& w : *batch) {
          for (const auto& e : w.changes.events) db.insert_event(sid, e);
          for (const auto& u : w.changes.upvotes) db.insert_upvote(sid, u);
          for (const auto& v : w.changes.votes) db.upsert_vote(sid, v);
        }
      },
      [self = shared_from_this(), batch](bool ok) {
        net::post(self->strand_, [self, batch, ok] { self->on_committed(ok, *batch); });
      });
}

void Room::on_committed(bool ok, std::vector<PendingWrite>& batch) {
  if (!ok) {
    // The decided state is now ahead of storage and cannot be rewound safely (later
    // decisions chain on it), so the session stops taking writes rather than risk a gap.
    storage_failed_ = true;
    spdlog::critical("session {}: storage failed; refusing further writes", id_);
    for (auto& w : batch) send(w.peer, make_frame(error_frame(w.id, ErrorCode::internal, "storage failed")));
    return;
  }
  bool any_events = false, any_figures = false;
  for (auto& w : batch) {
    const Changes& changes = w.changes;
    committed_.apply(changes);
    for (const auto& e : changes.events) {
      Frame frame = make_frame(to_wire_json(e).dump());
      history_.push_back(HistoryEntry{e, frame});
      broadcast(frame, staff_only(e.kind) ? Audience::staff : Audience::everyone);
      hub_.metrics().events.fetch_add(1, std::memory_order_relaxed);
    }
    if (!changes.events.empty()) {
      w.ack["seq"] = changes.events.back().seq;
      any_events = true;
    }
    for (const auto& u : changes.upvotes) dirty_questions_.insert(u.question);
    for (const auto& v : changes.votes) dirty_points_.insert(v.point);
    any_figures |= !changes.upvotes.empty() || !changes.votes.empty();
  }
  // The summary (status for HTTP access checks, lists) before any ack: a client that has
  // its `end` acked must find the session ended over HTTP.
  if (any_events) update_summary();
  for (auto& w : batch) send(w.peer, make_frame(ack_frame(w.id, w.ack)));
  if (any_figures) ensure_ticking();
}

void Room::broadcast(const Frame& frame, Audience to) {
  for (auto& shard : shards_) shard->broadcast(frame, to);
  int64_t n = 0;
  for (Role r : kAllRoles)
    if (reaches(to, is_staff(r))) n += online_[static_cast<int>(r)];
  hub_.metrics().deliveries.fetch_add(static_cast<uint64_t>(n), std::memory_order_relaxed);
}

void Room::ensure_ticking() {
  if (ticking_) return;
  ticking_ = true;
  ticker_.expires_after(kTick);
  ticker_.async_wait([self = shared_from_this()](beast::error_code ec) {
    self->ticking_ = false;
    if (!ec) self->on_tick();
  });
}

void Room::on_tick() {
  ++ticks_;
  // Staff see live figures on every tick. The audience's are spaced out as it grows (5
  // a second up to 1999 phones, then one tick in audience/1000, at least once a second),
  // so a figure costs at most about 5000 sends a second: with 5000 phones a storm of
  // votes would otherwise make 10 000 sends every 200 ms.
  const int audience = online_[static_cast<int>(Role::audience)];
  const int audience_every = std::clamp(audience / kAudiencePerFigureTick, 1, kTicksPerPresence);
  const bool audience_due = ticks_ - last_audience_figures_tick_ >= audience_every;
  auto upvotes_frame = [&](const std::string& qid, const Question& q) {
    return make_frame(json{{"type", "upvotes"}, {"question", qid}, {"count", q.upvotes()}}.dump());
  };
  auto tally_frame = [&](const std::string& pid, const Point& p) {
    return make_frame(json{{"type", "tally"}, {"point", pid}, {"tally", p.tally.to_json(committed_.info().settings)}}.dump());
  };
  for (const auto& qid : dirty_questions_)
    if (const Question* q = committed_.question(qid)) broadcast(upvotes_frame(qid, *q), Audience::staff);
  for (const auto& pid : dirty_points_)
    if (const Point* p = committed_.point(pid)) broadcast(tally_frame(pid, *p), Audience::staff);
  audience_dirty_questions_.merge(dirty_questions_);
  audience_dirty_points_.merge(dirty_points_);
  dirty_questions_.clear();
  dirty_points_.clear();
  if (audience_due) {
    for (const auto& qid : audience_dirty_questions_) {
      const Question* q = committed_.question(qid);
      // A question still in moderation has no audience.
      if (q && q->made_public) broadcast(upvotes_frame(qid, *q), Audience::audience);
    }
    for (const auto& pid : audience_dirty_points_)
      if (const Point* p = committed_.point(pid)) broadcast(tally_frame(pid, *p), Audience::audience);
    if (!audience_dirty_questions_.empty() || !audience_dirty_points_.empty()) last_audience_figures_tick_ = ticks_;
    audience_dirty_questions_.clear();
    audience_dirty_points_.clear();
  }
  bool presence_due = ticks_ % kTicksPerPresence == 0;
  if (presence_due && presence_dirty_) {
    presence_dirty_ = false;
    broadcast(make_frame(json{{"type", "presence"}, {"online", online_json()}}.dump()), Audience::everyone);
    if (peak_audience_ > peak_audience_stored_) {
      peak_audience_stored_ = peak_audience_;
      hub_.writer().submit([sid = id_, peak = peak_audience_](Database& db) { db.set_peak_audience(sid, peak); },
                           nullptr);
    }
  }
  if (presence_dirty_ || !audience_dirty_questions_.empty() || !audience_dirty_points_.empty()) ensure_ticking();
}

}  // namespace yst
