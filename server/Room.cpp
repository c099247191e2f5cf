#include "server/Room.hpp"

#include <algorithm>
#include <iterator>
#include <utility>

#include <spdlog/spdlog.h>

#include "server/Hub.hpp"
#include "server/Wire.hpp"
#include "session/ChangesJson.hpp"

namespace yst {

namespace {
Frame wire_frame(const Event& e) { return make_frame(to_wire_json(e).dump()); }

std::vector<int64_t> seqs_of(const std::vector<Changes>& changes) {
  std::vector<int64_t> seqs;
  for (const auto& c : changes)
    for (const auto& e : c.events) seqs.push_back(e.seq);
  return seqs;
}
}  // namespace

Room::Room(Hub& hub, net::io_context& home, SessionInfo info)
    : hub_(hub),
      id_(info.id),
      strand_(net::make_strand(home)),
      ticker_(strand_),
      floor_timer_(strand_),
      decided_(info),
      committed_(info),
      history_kept_(std::max<size_t>(hub.config().history_kept, 1)),
      cluster_(hub.cluster()),
      mode_(cluster_ ? Mode::replica : Mode::owner),
      forward_timer_(strand_) {
  for (net::io_context* ioc : hub_.contexts())
    shards_.push_back(std::make_shared<RoomShard>(*ioc, shards_.size(), id_, hub_.timeline()));
  update_summary();
}

void Room::load(const std::vector<StoredParticipant>& participants, const std::vector<Event>& events,
                const std::vector<Upvote>& upvotes, const std::vector<Vote>& votes, int peak_audience) {
  for (const auto& sp : participants) {
    decided_.add_participant(sp.participant);
    committed_.add_participant(sp.participant);
  }
  for (size_t i = 0; i < events.size(); ++i) {
    const Event& e = events[i];
    decided_.apply(e);
    committed_.apply(e);
    if (events.size() - i <= history_kept_)
      keep_history(HistoryEntry{e, wire_frame(e), committed_.reach(e)});
  }
  for (const auto& u : upvotes) {
    decided_.apply(u);
    committed_.apply(u);
  }
  for (const auto& v : votes) {
    decided_.apply(v);
    committed_.apply(v);
  }
  figures_.restore_peak_audience(peak_audience);
  last_seq_applied_.store(committed_.last_seq(), std::memory_order_release);
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
  s.plan_item = committed_.info().plan_item;
  s.venue = committed_.info().venue;
  s.form = committed_.info().form;
  std::lock_guard lock(summary_mutex_);
  summary_ = std::move(s);
}

json Room::public_snapshot(Role viewer) const {
  json s = committed_.snapshot(viewer, local_date(hub_.now_ms()));
  s["online"] = figures_.online_json();
  if (is_staff(viewer)) s["online_participants"] = figures_.staff_online_json();
  s["peak_audience"] = figures_.peak_audience();
  return s;
}

void Room::join(std::shared_ptr<Peer> peer, Caller caller, std::optional<int64_t> after, json id) {
  net::post(strand_, [self = shared_from_this(), peer = std::move(peer), caller = std::move(caller), after,
                      id = std::move(id)] { self->on_join(peer, caller, after, id); });
}

void Room::request(std::shared_ptr<Peer> peer, Request request, Caller caller, json id, std::string text,
                   int64_t read_us) {
  net::post(strand_, [self = shared_from_this(), peer = std::move(peer), request = std::move(request),
                      caller = std::move(caller), id = std::move(id), text = std::move(text),
                      read_us] { self->on_request(peer, request, caller, id, text, read_us); });
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

void Room::evict(const std::string& participant_id) {
  net::post(strand_, [self = shared_from_this(), participant_id] {
    for (const auto& m : self->members_)
      if (m.info.participant == participant_id) m.peer->close(1008, "token revoked");
  });
}

void Room::set_info(SessionInfo info) {
  net::post(strand_, [self = shared_from_this(), info = std::move(info)] {
    self->decided_.set_info(info);
    self->committed_.set_info(info);
    self->update_summary();
  });
}

void Room::update_participant(Participant p) {
  net::post(strand_, [self = shared_from_this(), p = std::move(p)] {
    self->decided_.update_participant(p);
    self->committed_.update_participant(p);
  });
}

void Room::shutdown() {
  net::post(strand_, [self = shared_from_this()] {
    for (const auto& m : self->members_) m.peer->close(1001, "server shutting down");
    for (const auto& [_, r] : self->resumes_) r.join.peer->close(1001, "server shutting down");
    for (const auto& j : self->parked_joins_) j.peer->close(1001, "server shutting down");
    self->ticker_.cancel();
    self->floor_timer_.cancel();
    self->forward_timer_.cancel();
  });
}

void Room::on_join(const std::shared_ptr<Peer>& peer, const Caller& caller, std::optional<int64_t> after,
                   const json& id) {
  const int64_t last = committed_.last_seq();
  if (cluster_ && after && *after > last) {
    // The phone saw more on another node than this one has applied yet: it waits for
    // the store, so that it gets neither a gap nor an event twice.
    parked_joins_.push_back(ParkedJoin{peer, caller, after, id});
    catch_up();
    return;
  }
  if (after && last - *after > kMaxResume) {
    send(peer, make_frame(error_frame(id, ErrorCode::resume_too_far,
                                      "more than " + std::to_string(kMaxResume) + " events missed; join without after")));
    shards_[peer->thread_index()]->refuse(peer);
    return;
  }
  // Further back than the history: the events in between come from the store, and the
  // join waits for them (a phone that slept through more than the last few minutes).
  if (after && !history_.empty() && *after < history_.front().seq - 1) {
    resumes_[peer.get()] = StoreResume{ParkedJoin{peer, caller, after, id}, {}};
    hub_.metrics().resumes_from_store.fetch_add(1, std::memory_order_relaxed);
    read_stored(peer, *after, history_.front().seq - 1);
    return;
  }
  admit(peer, caller, after, id, {});
}

void Room::read_stored(const std::shared_ptr<Peer>& peer, int64_t after, int64_t upto) {
  hub_.history_reader().submit([self = shared_from_this(), peer, after, upto](Store& store) {
    std::vector<Event> events;
    bool ok = true;
    try {
      events = store.events(self->id_, after, upto - after);
    } catch (const std::exception& e) {
      spdlog::error("session {}: could not read events {} to {} for a resume: {}", self->id_, after + 1, upto, e.what());
      ok = false;
    }
    net::post(self->strand_, [self, peer, ok, events = std::move(events), upto]() mutable {
      self->on_stored_read(peer, ok, std::move(events), upto);
    });
  });
}

void Room::on_stored_read(const std::shared_ptr<Peer>& peer, bool ok, std::vector<Event> events, int64_t upto) {
  auto it = resumes_.find(peer.get());
  if (it == resumes_.end()) return;  // it left while the store was read
  StoreResume& r = it->second;
  const int64_t from = r.stored.empty() ? *r.join.after : r.stored.back().seq;
  // The store's seqs are consecutive like the history's; anything else is not what the
  // phone missed, and it must not get a gap.
  ok = ok && static_cast<int64_t>(events.size()) == upto - from && !events.empty() && events.front().seq == from + 1;
  if (!ok) {
    send(peer, make_frame(error_frame(r.join.id, ErrorCode::unavailable,
                                      "could not read the events missed from storage; try again in a moment")));
    shards_[peer->thread_index()]->refuse(peer);
    resumes_.erase(it);
    return;
  }
  std::move(events.begin(), events.end(), std::back_inserter(r.stored));
  // The history moved on while the store was read: what left it is read too.
  if (!history_.empty() && history_.front().seq > upto + 1) return read_stored(peer, upto, history_.front().seq - 1);
  StoreResume resume = std::move(it->second);
  resumes_.erase(it);
  admit(peer, resume.join.caller, resume.join.after, resume.join.id, resume.stored);
}

void Room::admit(const std::shared_ptr<Peer>& peer, const Caller& caller, std::optional<int64_t> after, const json& id,
                 const std::vector<Event>& stored) {
  const int64_t last = committed_.last_seq();
  json welcome{{"type", "welcome"},
               {"id", id},
               {"you", committed_.you_json(caller)},
               {"session", public_snapshot(caller.role)},
               {"last_seq", last}};
  send(peer, make_frame(welcome.dump(-1, ' ', false, json::error_handler_t::replace)), false);
  // Seen through today's state: a question approved since shows its earlier events too,
  // one rejected since no longer does.
  for (const Event& e : stored)
    if (visible_to(committed_.reach(e), caller)) send(peer, wire_frame(e), false);
  send_history(peer, caller, after);
  shards_[peer->thread_index()]->add(peer, caller.role);
  members_.add(peer, caller);
  if (caller.role == Role::audience) audience_by_participant_[caller.participant].push_back(peer);
  figures_.joined(caller.role, caller.participant);
  publish_local_presence();
  if (is_staff(caller.role) && committed_.status() == Status::live) mark_attended(caller.participant);
  hub_.metrics().connections_by_role[static_cast<int>(caller.role)].fetch_add(1, std::memory_order_relaxed);
  tick_while_pending();
}

void Room::mark_attended(const std::string& participant) {
  if (participant.empty() || !attended_.insert(participant).second) return;
  // Attendance is a figure of the record, not an event: stored once, nothing waits on it.
  hub_.writer().submit([sid = id_, participant](Store& store) { store.mark_attended(sid, participant); },
                       [sid = id_, participant](bool ok) {
                         if (!ok) spdlog::warn("session {}: could not store the attendance of {}", sid, participant);
                       });
}

void Room::send_history(const std::shared_ptr<Peer>& peer, const Caller& caller, std::optional<int64_t> after) {
  // The events visible to this role, after `after`, else the last 50. Seqs are
  // consecutive, so the start of a resume is found without a search. A resume from
  // further back than the history kept got the rest from the store before.
  size_t begin;
  if (after) {
    const int64_t first = history_.empty() ? committed_.last_seq() + 1 : history_.front().seq;
    // Written so that no `after` a client may send (up to 2^63-1) overflows.
    begin = *after < first ? 0
                           : static_cast<size_t>(std::min<int64_t>(*after - first + 1,
                                                                   static_cast<int64_t>(history_.size())));
  } else {
    begin = history_.size();
    size_t visible = 0;
    while (begin > 0 && visible < kDefaultHistory) {
      --begin;
      if (history_[begin].visible_to(caller)) ++visible;
    }
  }
  for (size_t i = begin; i < history_.size(); ++i)
    if (history_[i].visible_to(caller)) send(peer, history_[i].frame, false);
}

void Room::on_leave(const std::shared_ptr<Peer>& peer) {
  // A join still waiting (for the store, or for this node to catch up) is forgotten.
  resumes_.erase(peer.get());
  std::erase_if(parked_joins_, [&](const ParkedJoin& j) { return j.peer == peer; });
  auto gone = members_.remove(peer.get());
  if (!gone) return;
  shards_[peer->thread_index()]->remove(peer);
  const Caller& caller = gone->info;
  if (auto it = audience_by_participant_.find(caller.participant); it != audience_by_participant_.end()) {
    std::erase(it->second, peer);
    if (it->second.empty()) audience_by_participant_.erase(it);
  }
  figures_.left(caller.role, caller.participant);
  publish_local_presence();
  hub_.metrics().connections_by_role[static_cast<int>(caller.role)].fetch_sub(1, std::memory_order_relaxed);
  tick_while_pending();
}

void Room::on_request(const std::shared_ptr<Peer>& peer, const Request& r, const Caller& caller, const json& id,
                      const std::string& text, int64_t read_us) {
  if (!members_.contains(peer.get())) {
    send(peer, make_frame(error_frame(id, ErrorCode::not_joined, "join first")));
    return;
  }
  if (cluster_ && mode_ == Mode::replica) {
    const uint64_t number = ++next_forward_;
    const int64_t now = hub_.now_ms();
    forwarded_[number] = Forwarded{peer, id, caller, text, now, now + Cluster::kForwardTimeout.count(), 0, {}};
    cluster_->forward(id_, number, caller, text, now);
    expire_forwarded();
    return;
  }
  decide(r, caller, Reply{peer, id, json::object(), std::nullopt, read_us});
}

void Room::decide(const Request& r, const Caller& caller, Reply to) {
  if (storage_failed_ || mode_ == Mode::taking_over) {
    answer(to, error_frame(to.id, ErrorCode::unavailable,
                           storage_failed_ ? "storage failed; try again in a moment"
                                           : "the session is moving to another server; try again in a moment"));
    return;
  }
  auto filter = hub_.word_filter();
  Outcome o = decided_.handle(r, caller, hub_.now_ms(), filter.get());
  if (o.error) {
    hub_.metrics().request_errors.fetch_add(1, std::memory_order_relaxed);
    answer(to, error_frame(to.id, o.error->code, o.error->message, o.ack));
    return;
  }
  if (o.changes.empty()) {
    answer(to, ack_frame(to.id, o.ack));
    return;
  }
  // The peak audience is otherwise stored on the presence tick; at the end it goes with
  // the session.ended event, so the minutes never miss the last second.
  if (r.type == RequestType::end) unsubmitted_.peak_audience = figures_.take_peak_audience_for_end();
  to.ack = std::move(o.ack);
  if (auto* timeline = hub_.timeline()) {
    std::vector<int64_t> seqs;
    for (const auto& e : o.changes.events) seqs.push_back(e.seq);
    timeline->decided(id_, seqs, to.read_us, Timeline::now_us());
  }
  queue_changes(std::move(o.changes), std::move(to));
}

void Room::answer(const Reply& to, std::string frame) {
  if (to.peer) send(to.peer, make_frame(std::move(frame)));
  else if (to.remote && cluster_) cluster_->reply(*to.remote, id_, std::move(frame));
}

// Decided changes wait here for the next submit to the writer; `reply` is null for what
// the session decides by itself (the floor's overrun).
void Room::queue_changes(Changes changes, std::optional<Reply> reply) {
  if (reply && reply->remote && !reply->remote->request.empty()) receipts_pending_.insert(reply->remote->request);
  unsubmitted_.changes.push_back(std::move(changes));
  unsubmitted_.replies.push_back(reply ? std::move(*reply) : Reply{});
  if (!unsubmitted_.submit_posted) {
    // Posted behind the requests already waiting on the strand, so a storm of votes goes
    // to the writer as one job: one hop there and one back for all of them.
    unsubmitted_.submit_posted = true;
    net::post(strand_, [self = shared_from_this()] { self->submit_writes(); });
  }
}

void Room::submit_writes() {
  Unsubmitted batch = std::exchange(unsubmitted_, Unsubmitted{});
  if (batch.changes.empty()) return;
  ++batches_in_flight_;
  // The ack a forwarded request gets (its event's seq added, as on_committed adds it) is
  // stored with its changes, so that whichever node owns the session later can give it
  // again to a forwarding node that did not hear it.
  std::vector<Receipt> receipts;
  for (size_t i = 0; i < batch.replies.size(); ++i) {
    Reply& r = batch.replies[i];
    if (!r.remote || r.remote->request.empty()) continue;
    if (!batch.changes[i].events.empty()) r.ack["seq"] = batch.changes[i].events.back().seq;
    receipts.push_back(Receipt{r.remote->request, r.ack.dump(), hub_.now_ms()});
  }
  auto changes = std::make_shared<const std::vector<Changes>>(std::move(batch.changes));
  auto replies = std::make_shared<std::vector<Reply>>(std::move(batch.replies));
  Timeline* timeline = hub_.timeline();
  if (timeline) timeline->stage(id_, seqs_of(*changes), Timeline::Stage::submitted, Timeline::now_us());
  hub_.writer().submit_changes(
      id_, changes, batch.peak_audience,
      [self = shared_from_this(), changes, replies, timeline](bool ok) {
        if (timeline && ok) timeline->stage(self->id_, seqs_of(*changes), Timeline::Stage::committed, Timeline::now_us());
        net::post(self->strand_, [self, changes, replies, ok] { self->on_committed(ok, *changes, *replies); });
      },
      cluster_ ? std::optional<int64_t>(owner_epoch_) : std::nullopt, std::move(receipts));
}

void Room::remember_receipt(const std::string& request, json ack, int64_t at_ms) {
  receipts_pending_.erase(request);
  if (!receipts_.emplace(request, std::move(ack)).second) return;
  receipts_by_age_.emplace_back(at_ms, request);
  // Kept twice as long as a forwarding node keeps asking.
  const int64_t keep_ms = 2 * cluster_->give_up().count();
  while (!receipts_by_age_.empty() && receipts_by_age_.front().first < at_ms - keep_ms) {
    receipts_.erase(receipts_by_age_.front().second);
    receipts_by_age_.pop_front();
  }
}

void Room::on_committed(bool ok, const std::vector<Changes>& changes, std::vector<Reply>& replies) {
  --batches_in_flight_;
  if (auto* timeline = hub_.timeline(); timeline && ok)
    timeline->stage(id_, seqs_of(changes), Timeline::Stage::applied, Timeline::now_us());
  if (!ok) {
    // The decided state is now ahead of storage. Batches already on their way were decided
    // on top of this one: the store refuses them too (it never stores a gap), and until
    // the last of them is back nothing new is decided. Then the decided state is rewound
    // to what is durable and the session takes writes again: if the store is still gone,
    // the next commit fails the same way, and no client is ever acked for what was lost.
    if (!storage_failed_) spdlog::critical("session {}: storage failed; refusing writes until it recovers", id_);
    storage_failed_ = true;
    for (auto& w : replies) {
      if (w.remote) receipts_pending_.erase(w.remote->request);
      answer(w, error_frame(w.id, ErrorCode::unavailable, "storage failed; try again in a moment"));
    }
    if (cluster_ && mode_ == Mode::owner) {
      // The store is down, or another node took the session over (the epoch moved):
      // either way this node stops deciding, and whichever node holds the lease next
      // starts from what the store has. After a pause past the lease, this is often how
      // the node learns it was taken over, before its lease watch does.
      spdlog::warn("session {}: the store refused this node's writes; this node steps down", id_);
      mode_ = Mode::replica;
      cluster_->release(id_);
      floor_timer_.cancel();
    }
    if (batches_in_flight_ == 0 && unsubmitted_.changes.empty()) {
      decided_ = committed_;
      storage_failed_ = false;
      spdlog::warn("session {}: decisions rewound to seq {}; taking writes again", id_, committed_.last_seq());
    }
    return;
  }
  bool any_events = false;
  for (size_t i = 0; i < changes.size(); ++i) {
    const Changes& c = changes[i];
    apply_committed(c);
    if (!c.events.empty()) {
      replies[i].ack["seq"] = c.events.back().seq;
      any_events = true;
    }
  }
  if (cluster_ && mode_ == Mode::owner) {
    // The other nodes get exactly what was committed, in commit order.
    std::string entry = any_events ? std::to_string(committed_.last_seq()) + "-0"
                                   : std::to_string(committed_.last_seq()) + "-" + std::to_string(next_minor_++);
    if (any_events) next_minor_ = 1;
    cluster_->append(id_, owner_epoch_, std::move(entry), changes_to_json(changes).dump(), false,
                     [self = shared_from_this()] { self->step_down(); });
  }
  // Whoever is connected when the programme starts attends it (later joins are marked as
  // they come): once, at the start, not on every batch of a live programme.
  const bool started = std::any_of(changes.begin(), changes.end(), [](const Changes& c) {
    return std::any_of(c.events.begin(), c.events.end(), [](const Event& e) { return e.kind == "session.started"; });
  });
  if (started)
    for (const auto& participant : figures_.staff_online()) mark_attended(participant);
  // The summary (status for HTTP access checks, lists) before any ack: a client that has
  // its `end` acked must find the session ended over HTTP.
  if (any_events) update_summary();
  for (auto& w : replies) {
    if (w.remote && !w.remote->request.empty()) remember_receipt(w.remote->request, w.ack, hub_.now_ms());
    answer(w, ack_frame(w.id, w.ack));
  }
  if (any_events && deciding()) watch_floor_budget();
  tick_while_pending();
}

void Room::apply_committed(const Changes& c) {
  committed_.apply(c);
  for (const auto& e : c.events) announce(e);
  for (const auto& u : c.upvotes) figures_.question_changed(u.question);
  for (const auto& v : c.votes) figures_.point_changed(v.point);
  last_seq_applied_.store(committed_.last_seq(), std::memory_order_release);
}

void Room::announce(const Event& e) {
  Frame frame = wire_frame(e);
  const Reach reach = committed_.reach(e);
  keep_history(HistoryEntry{e, frame, reach});
  broadcast(frame, reach.everyone ? Audience::everyone : Audience::staff, e.seq);
  if (!reach.everyone && !reach.asker.empty()) send_to_participant(reach.asker, frame);
  if (e.kind == to_string(EventKind::question_merged) && e.data.contains("into"))
    figures_.question_changed(e.data["into"].get<std::string>());  // its upvoters are now both's
  hub_.metrics().events.fetch_add(1, std::memory_order_relaxed);
}

void Room::send_to_participant(const std::string& participant, const Frame& frame) {
  auto it = audience_by_participant_.find(participant);
  if (it == audience_by_participant_.end()) return;
  for (const auto& peer : it->second) send(peer, frame);
}

// The contract's floor.overrun comes within a second of `until`: a timer set for the
// committed grant's budget, deciding on the deciding copy when it fires (the host may
// have moved the floor since).
void Room::watch_floor_budget() {
  const auto& floor = committed_.floor();
  if (!floor || !floor->until_ms || floor->overrun) return;
  // Never a busy loop: while a change of the floor is on its way to storage, the
  // committed grant may look due when the deciding copy has moved on.
  constexpr int64_t kRecheckMs = 20;
  const int64_t wait_ms = std::max<int64_t>(*floor->until_ms - hub_.now_ms(), kRecheckMs);
  floor_timer_.expires_after(std::chrono::milliseconds(wait_ms));
  floor_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
    if (ec || self->storage_failed_ || !self->deciding()) return;
    Changes overrun = self->decided_.expire_floor(self->hub_.now_ms());
    if (!overrun.empty()) self->queue_changes(std::move(overrun), std::nullopt);
    else self->watch_floor_budget();  // the clock was a little behind the timer
  });
}

Event HistoryEntry::event() const {
  json j = json::parse(text_of(frame));
  j["at_ms"] = at_ms;
  j["hash"] = hash;
  return event_from_json(j);
}

void Room::keep_history(HistoryEntry entry) {
  // A room lives as long as the process, so the gauges need no settling at its end.
  auto& m = hub_.metrics();
  m.history_events.fetch_add(1, std::memory_order_relaxed);
  m.history_bytes.fetch_add(static_cast<int64_t>(entry.frame->size()), std::memory_order_relaxed);
  history_.push_back(std::move(entry));
  while (history_.size() > history_kept_) {
    m.history_events.fetch_sub(1, std::memory_order_relaxed);
    m.history_bytes.fetch_sub(static_cast<int64_t>(history_.front().frame->size()), std::memory_order_relaxed);
    history_.pop_front();
  }
}

void Room::broadcast(const Frame& frame, Audience to, int64_t seq) {
  for (auto& shard : shards_) shard->broadcast(frame, to, seq);
  int64_t n = 0;
  for (Role r : kAllRoles)
    if (reaches(to, is_staff(r))) n += figures_.online(r);
  hub_.metrics().deliveries.fetch_add(static_cast<uint64_t>(n), std::memory_order_relaxed);
}

void Room::tick_while_pending() {
  if (ticking_ || !figures_.pending()) return;
  ticking_ = true;
  ticker_.expires_after(LiveFigures::kTick);
  ticker_.async_wait([self = shared_from_this()](beast::error_code ec) {
    self->ticking_ = false;
    if (!ec) self->on_tick();
  });
}

void Room::on_tick() {
  auto peak = figures_.tick(committed_, [this](const Frame& frame, Audience to) { broadcast(frame, to); });
  if (peak && deciding()) hub_.writer().submit_peak_audience(id_, *peak);
  tick_while_pending();
}

}  // namespace yst

// ---- cluster ----

namespace yst {

NodePresence Room::local_presence() const {
  std::lock_guard lock(local_presence_mutex_);
  return local_presence_;
}

void Room::publish_local_presence() {
  if (!cluster_) return;
  NodePresence p;
  for (Role r : kAllRoles) p.online[static_cast<int>(r)] = figures_.local_online(r);
  p.staff = figures_.local_staff();
  std::lock_guard lock(local_presence_mutex_);
  local_presence_ = std::move(p);
}

void Room::set_remote_presence(NodePresence presence) {
  net::post(strand_, [self = shared_from_this(), presence = std::move(presence)] {
    if (presence == self->remote_presence_) return;
    self->remote_presence_ = presence;
    self->figures_.set_remote(presence.online, presence.staff);
    self->tick_while_pending();
  });
}

void Room::take_over() {
  net::post(strand_, [self = shared_from_this()] {
    if (self->mode_ != Mode::replica) return;
    self->mode_ = Mode::taking_over;
    auto got = std::make_shared<CaughtUp>();
    // Moving the epoch on waits for any commit the previous owner has under way, so the
    // reads after it see everything that owner stored, and it can store nothing more.
    self->hub_.writer().submit(
        [sid = self->id_, after = self->committed_.last_seq(), got,
         since = self->hub_.now_ms() - 2 * self->cluster_->give_up().count()](Store& store) {
          got->epoch = store.take_ownership(sid);
          got->events = store.events(sid, after);
          got->upvotes = store.upvotes(sid);
          got->votes = store.votes(sid);
          got->receipts = store.receipts(sid, since);
          store.forget_receipts(since - 3600 * 1000);
        },
        [self, got](bool ok) { net::post(self->strand_, [self, got, ok] { self->on_taken_over(ok, *got); }); });
  });
}

void Room::on_taken_over(bool ok, CaughtUp& got) {
  if (mode_ != Mode::taking_over) return;
  if (!ok || !got.epoch) {
    spdlog::error("session {}: could not take it over from the store; leaving it to another node", id_);
    mode_ = Mode::replica;
    cluster_->release(id_);
    return;
  }
  apply_store_state(got);
  decided_ = committed_;
  owner_epoch_ = *got.epoch;
  for (auto& r : got.receipts) remember_receipt(r.request, json::parse(r.ack, nullptr, false), r.at_ms);
  mode_ = Mode::owner;
  // Entries without events are numbered after the clock, so they sort above whatever the
  // previous owner appended at the same seq.
  next_minor_ = hub_.now_ms();
  // The stream gets what the history holds (its top is appended again only where the
  // previous owner's appends did not reach); a replica further behind than that finds a
  // gap and reads the store, as it does for any entry it missed.
  std::vector<std::pair<int64_t, std::string>> recent;
  const size_t from = history_.size() > static_cast<size_t>(Cluster::kStreamLength)
                          ? history_.size() - static_cast<size_t>(Cluster::kStreamLength)
                          : 0;
  for (size_t i = from; i < history_.size(); ++i) {
    Changes one;
    one.events.push_back(history_[i].event());
    recent.emplace_back(history_[i].seq, changes_to_json({one}).dump());
  }
  cluster_->claim(id_, owner_epoch_, std::move(recent),
                  std::to_string(committed_.last_seq()) + "-" + std::to_string(next_minor_++),
                  [self = shared_from_this()] { self->step_down(); });
  spdlog::info("session {}: owned by this node from seq {} (epoch {})", id_, committed_.last_seq(), owner_epoch_);
  update_summary();
  watch_floor_budget();
  for (auto& j : std::exchange(parked_joins_, {})) on_join(j.peer, j.caller, j.after, j.id);
}

void Room::step_down() {
  net::post(strand_, [self = shared_from_this()] {
    if (self->mode_ == Mode::replica) return;
    self->mode_ = Mode::replica;
    self->floor_timer_.cancel();
    // Decided but not stored: those requests get an error (their phones try again and
    // reach the new owner); what is on its way to the store is answered when it is back.
    for (auto& w : self->unsubmitted_.replies) {
      if (w.remote) self->receipts_pending_.erase(w.remote->request);
      self->answer(w, error_frame(w.id, ErrorCode::unavailable, "the session moved to another server; try again"));
    }
    self->unsubmitted_ = Unsubmitted{};
    if (self->batches_in_flight_ == 0) self->decided_ = self->committed_;
    self->cluster_->release(self->id_);
  });
}

void Room::apply_remote(int64_t seq, std::string batch_json, bool resync) {
  net::post(strand_, [self = shared_from_this(), seq, batch_json = std::move(batch_json), resync]() mutable {
    if (self->mode_ != Mode::replica) return;
    if (self->catching_up_) {
      self->during_catch_up_.emplace_back(seq, std::move(batch_json), resync);
      return;
    }
    std::vector<Changes> batch;
    try {
      batch = changes_from_json(json::parse(batch_json));
    } catch (const std::exception& e) {
      spdlog::error("session {}: unreadable stream entry {}: {}", self->id_, seq, e.what());
      return self->catch_up();
    }
    bool any_events = false;
    for (Changes& c : batch) {
      std::erase_if(c.events, [&](const Event& e) { return e.seq <= self->committed_.last_seq(); });
      if (!c.events.empty() && c.events.front().seq != self->committed_.last_seq() + 1) {
        // Entries went missing (trimmed, or a Redis that lost them): the store has them.
        self->during_catch_up_.emplace_back(seq, std::move(batch_json), resync);
        return self->catch_up();
      }
      any_events = any_events || !c.events.empty();
      self->apply_committed(c);
    }
    if (any_events) {
      self->decided_ = self->committed_;
      self->update_summary();
    }
    self->release_parked_replies();
    self->tick_while_pending();
    if (resync) self->catch_up();
  });
}

void Room::catch_up() {
  if (catching_up_) return;
  catching_up_ = true;
  auto got = std::make_shared<CaughtUp>();
  hub_.writer().submit(
      [sid = id_, after = committed_.last_seq(), got](Store& store) {
        got->events = store.events(sid, after);
        got->upvotes = store.upvotes(sid);
        got->votes = store.votes(sid);
      },
      [self = shared_from_this(), got](bool ok) {
        net::post(self->strand_, [self, got, ok] { self->on_caught_up(ok, *got); });
      });
}

void Room::on_caught_up(bool ok, CaughtUp& got) {
  catching_up_ = false;
  if (!ok) spdlog::error("session {}: could not catch up from the store", id_);
  else apply_store_state(got);
  if (mode_ == Mode::replica) {
    for (auto& [seq, batch, resync] : std::exchange(during_catch_up_, {})) apply_remote(seq, std::move(batch), resync);
  } else {
    during_catch_up_.clear();
  }
  for (auto& j : std::exchange(parked_joins_, {})) on_join(j.peer, j.caller, j.after, j.id);
}

void Room::apply_store_state(CaughtUp& got) {
  bool any_events = false;
  for (const Event& e : got.events) {
    if (e.seq != committed_.last_seq() + 1) continue;
    Changes one;
    one.events.push_back(e);
    apply_committed(one);
    any_events = true;
  }
  // The store's upvotes and votes are the latest: applying them again changes only what
  // this node missed.
  Changes figures;
  figures.upvotes = std::move(got.upvotes);
  figures.votes = std::move(got.votes);
  apply_committed(figures);
  if (mode_ == Mode::replica) decided_ = committed_;
  if (any_events) update_summary();
  release_parked_replies();
  tick_while_pending();
}

void Room::forwarded(RemoteOrigin origin, std::string text, Caller caller) {
  net::post(strand_, [self = shared_from_this(), origin = std::move(origin), text = std::move(text),
                      caller = std::move(caller)] {
    ParsedRequest parsed = parse_request(text);
    Reply to{nullptr, parsed.id, json::object(), origin};
    // Not (yet) the owner: no answer, so the forwarding node asks again and the owner
    // answers, from its receipt if an earlier owner applied it.
    if (self->mode_ != Mode::owner) return;
    // Asked again (the answer was lost, perhaps with the previous owner): the same answer.
    if (auto done = self->receipts_.find(to.remote->request); done != self->receipts_.end()) {
      self->answer(to, ack_frame(parsed.id, done->second));
      return;
    }
    if (self->receipts_pending_.count(to.remote->request)) return;  // answered once it is stored
    if (parsed.error || !parsed.request) {
      ErrorCode code = parsed.error ? parsed.error->code : ErrorCode::bad_request;
      self->answer(to, error_frame(parsed.id, code, parsed.error ? parsed.error->message : "bad request"));
      return;
    }
    self->decide(*parsed.request, caller, std::move(to));
  });
}

void Room::forwarded_reply(uint64_t number, std::string frame) {
  net::post(strand_, [self = shared_from_this(), number, frame = std::move(frame)]() mutable {
    auto it = self->forwarded_.find(number);
    spdlog::debug("session {}: answer to forwarded request {} ({})", self->id_, number,
                  it == self->forwarded_.end() ? "no longer waited for" : "delivered");
    if (it == self->forwarded_.end()) return;  // answered already (timed out)
    json reply = json::parse(frame, nullptr, false);
    // "Try again" from an owner that could not store it (its store failed, or it was
    // fenced): the node that owns the session next may have stored it or may store it, so
    // the phone hears nothing until one of them says so or this node gives up.
    if (reply.is_object() && reply.value("type", "") == "error" && reply.value("code", "") == "unavailable") {
      it->second.deadline_ms = self->hub_.now_ms();
      self->expire_forwarded();
      return;
    }
    // An ack names the seq of its event; the phone gets the event first.
    const int64_t seq = reply.is_object() ? reply.value("seq", int64_t{0}) : 0;
    if (seq > self->committed_.last_seq()) {
      it->second.waits_for_seq = seq;
      it->second.frame = std::move(frame);
      return;
    }
    self->send(it->second.peer, make_frame(std::move(frame)));
    self->forwarded_.erase(it);
  });
}

void Room::release_parked_replies() {
  for (auto it = forwarded_.begin(); it != forwarded_.end();) {
    if (it->second.waits_for_seq && it->second.waits_for_seq <= committed_.last_seq()) {
      send(it->second.peer, make_frame(std::move(it->second.frame)));
      it = forwarded_.erase(it);
    } else {
      ++it;
    }
  }
}

// Forwarded requests whose answer did not come in time (the owner died, or Redis is
// away): the phone is told to try again. Runs while any are waiting.
void Room::expire_forwarded() {
  if (forward_timer_set_ || forwarded_.empty()) return;
  forward_timer_set_ = true;
  forward_timer_.expires_after(std::chrono::milliseconds(500));
  forward_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
    self->forward_timer_set_ = false;
    if (ec) return;
    const int64_t now = self->hub_.now_ms();
    for (auto it = self->forwarded_.begin(); it != self->forwarded_.end();) {
      Forwarded& f = it->second;
      if (f.deadline_ms <= now && !f.waits_for_seq && now - f.first_ms < self->cluster_->give_up().count()) {
        // The owner may have stored it and died: the next one answers from its receipt.
        f.deadline_ms = now + Cluster::kForwardTimeout.count();
        self->cluster_->forward(self->id_, it->first, f.caller, f.text, f.first_ms);
        ++it;
      } else if (f.deadline_ms <= now && !f.waits_for_seq) {
        self->send(f.peer, make_frame(error_frame(f.id, ErrorCode::unavailable,
                                                  "the server holding the session did not answer; try again")));
        it = self->forwarded_.erase(it);
      } else if (it->second.deadline_ms <= now) {
        // Acked but its event has not arrived: the store has it.
        self->catch_up();
        ++it;
      } else {
        ++it;
      }
    }
    self->expire_forwarded();
  });
}

}  // namespace yst
