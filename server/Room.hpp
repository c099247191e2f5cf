#pragma once
// One session at run time: the domain state, its connections and its history.
// Concurrency: every member function named on_* and every callback given to inspect()
// runs on the room's strand, the only place the state below is touched. The public
// entry points only post onto it, so they may be called from any thread.
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "server/LiveFigures.hpp"
#include "server/MemberList.hpp"
#include "server/Net.hpp"
#include "server/Peer.hpp"
#include "server/RoomShard.hpp"
#include "session/Session.hpp"
#include "storage/Store.hpp"

namespace yst {

class Hub;

struct HistoryEntry {
  Event event;
  Frame frame;  // the wire form, serialized once, shared by every connection
  Reach reach;  // who besides staff sees it
  bool visible_to(const Caller& c) const {
    return is_staff(c.role) || reach.everyone || (!reach.asker.empty() && reach.asker == c.participant);
  }
};

// What lists and access checks need without going through the strand.
struct RoomSummary {
  std::string id;
  std::string title;
  Status status = Status::scheduled;
  std::string scheduled_at;
  std::optional<int64_t> started_ms;
  std::optional<int64_t> ended_ms;
  int64_t created_ms = 0;
  std::string plan_item;
  std::string venue;
  std::string form;
};

class Room : public std::enable_shared_from_this<Room> {
 public:
  using Strand = net::strand<net::io_context::executor_type>;

  // The room's strand runs on `home`; its connections may be on any of the hub's
  // io_contexts, each reached through its RoomShard.
  Room(Hub& hub, net::io_context& home, SessionInfo info);

  // Start-up only, before the room is shared: replays what storage holds.
  void load(const std::vector<StoredParticipant>& participants, const std::vector<Event>& events,
            const std::vector<Upvote>& upvotes, const std::vector<Vote>& votes, int peak_audience);

  void join(std::shared_ptr<Peer> peer, Caller caller, std::optional<int64_t> after, json id);
  void request(std::shared_ptr<Peer> peer, Request request, Caller caller, json id);
  void leave(std::shared_ptr<Peer> peer);
  void add_participant(Participant p);
  // A revoked or replaced link: the participant's open connections are closed (1008); a
  // new join with the old token is refused as an unknown token.
  void evict(const std::string& participant_id);
  // Stored edits by the admin. A renamed participant's open connections keep the name
  // they joined with until they join again.
  void set_info(SessionInfo info);
  void update_participant(Participant p);
  void shutdown();
  // Only once no thread runs the strand any more (the end of Server::run).
  void forget_members() {
    members_.clear();
    audience_by_participant_.clear();
    for (auto& s : shards_) s->forget_members();
  }

  template <class F>
  void inspect(F&& f) {
    net::post(strand_, [self = shared_from_this(), f = std::forward<F>(f)]() mutable { f(*self); });
  }

  RoomSummary summary() const;
  const std::string& id() const { return id_; }

  // Strand-only accessors.
  const Session& committed() const { return committed_; }
  const std::vector<HistoryEntry>& history() const { return history_; }
  json online_json() const { return figures_.online_json(); }
  int peak_audience() const { return figures_.peak_audience(); }
  json public_snapshot(Role viewer) const;

  static constexpr size_t kDefaultHistory = 50;
  static constexpr int64_t kMaxResume = 10000;

 private:
  void on_join(const std::shared_ptr<Peer>& peer, const Caller& caller, std::optional<int64_t> after, const json& id);
  // Stores, once, that a staff participant was connected while the session was live.
  void mark_attended(const std::string& participant);
  void send_history(const std::shared_ptr<Peer>& peer, const Caller& caller, std::optional<int64_t> after);
  void on_request(const std::shared_ptr<Peer>& peer, const Request& r, const Caller& caller, const json& id);
  // Who waits for the answer to a request whose changes are on their way to storage.
  struct Reply {
    std::shared_ptr<Peer> peer;
    json id;
    json ack;
  };
  // Requests decided but not yet handed to the writer: their changes and replies, in order.
  struct Unsubmitted {
    std::vector<Changes> changes;
    std::vector<Reply> replies;
    std::optional<int> peak_audience;  // to be stored with them (the session's end)
    bool submit_posted = false;
  };
  void submit_writes();
  void on_committed(bool ok, const std::vector<Changes>& changes, std::vector<Reply>& replies);
  void queue_changes(Changes changes, std::optional<Reply> reply);
  void announce(const Event& e);
  void watch_floor_budget();
  void on_leave(const std::shared_ptr<Peer>& peer);
  void broadcast(const Frame& frame, Audience to);
  void send_to_participant(const std::string& participant, const Frame& frame);
  void send(const std::shared_ptr<Peer>& peer, Frame frame, bool counted = true) {
    shards_[peer->thread_index()]->send(peer, std::move(frame), counted);
  }
  void tick_while_pending();
  void on_tick();
  void update_summary();

  Hub& hub_;
  const std::string id_;
  Strand strand_;
  std::vector<std::shared_ptr<RoomShard>> shards_;  // one per io_context of the hub
  net::steady_timer ticker_;
  bool ticking_ = false;
  net::steady_timer floor_timer_;  // fires when the floor's time budget runs out

  Session decided_;    // ahead of storage: decides requests
  Session committed_;  // what is durable: snapshots and broadcasts come from here
  bool storage_failed_ = false;  // a commit failed: nothing is decided until the batches in flight are back
  int batches_in_flight_ = 0;     // submitted to the writer, not yet back
  Unsubmitted unsubmitted_;  // going to the writer at the next submit_writes
  std::vector<HistoryEntry> history_;
  MemberList<Caller> members_;
  // Audience connections by participant (a phone may have two tabs), for the events
  // only their asker sees among the audience.
  std::unordered_map<std::string, std::vector<std::shared_ptr<Peer>>> audience_by_participant_;
  LiveFigures figures_;

  mutable std::mutex summary_mutex_;
  RoomSummary summary_;
  std::set<std::string> attended_;  // staff whose attendance was stored (this run)
};

}  // namespace yst
