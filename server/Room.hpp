#pragma once
// One session at run time: the domain state, its connections and its history.
// Concurrency: every member function named on_* and every callback given to inspect()
// runs on the room's strand, the only place the state below is touched. The public
// entry points only post onto it, so they may be called from any thread.
#include <deque>
#include <memory>
#include <set>
#include <unordered_map>
#include <atomic>
#include <map>
#include <mutex>
#include <tuple>
#include <optional>
#include <string>
#include <vector>

#include "server/LiveFigures.hpp"
#include "server/MemberList.hpp"
#include "server/Net.hpp"
#include "server/Peer.hpp"
#include "server/RoomShard.hpp"
#include "server/cluster/Cluster.hpp"
#include "session/Session.hpp"
#include "storage/Store.hpp"

namespace yst {

class Hub;

inline bool visible_to(const Reach& reach, const Caller& c) {
  return is_staff(c.role) || reach.everyone || (!reach.asker.empty() && reach.asker == c.participant);
}

// An event the room keeps for resumes and lists: its wire frame and what the frame does
// not say. The event itself (its data a second time, as JSON) is not kept: twelve
// thousand of them were most of a long programme's memory.
struct HistoryEntry {
  HistoryEntry(const Event& e, Frame wire, Reach who)
      : seq(e.seq), at_ms(e.at_ms), frame(std::move(wire)), reach(std::move(who)), hash(e.hash),
        staff_only(yst::staff_only(e.kind)) {}
  int64_t seq;
  int64_t at_ms;  // exact: the frame's "at" is rounded, and the hash chain needs it
  Frame frame;    // the wire form, serialized once, shared by every connection
  Reach reach;    // who besides staff sees it
  std::string hash;
  bool staff_only;  // of a kind only staff may see
  bool visible_to(const Caller& c) const { return yst::visible_to(reach, c); }
  bool visible_to(Role r) const { return is_staff(r) || !staff_only; }
  Event event() const;  // rebuilt from the frame
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
  // `text` is the request as the phone sent it: in a cluster it travels to the owner.
  // `read_us`: when the connection read it (Timeline::now_us), for --timeline; 0 without.
  void request(std::shared_ptr<Peer> peer, Request request, Caller caller, json id, std::string text = {},
               int64_t read_us = 0);
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

  // In a cluster (server/cluster/Cluster.hpp). This node got the session's lease: it
  // moves the owner epoch on in the store, catches up from it, then decides.
  void take_over();
  // Another node owns the session now: this one follows its stream.
  void step_down();
  // An entry of the session's stream (`seq` is its id's first number): what the owner
  // committed. `resync`: the owner changed; upvotes and votes are re-read from the store.
  void apply_remote(int64_t seq, std::string batch_json, bool resync);
  // A request from a phone on another node (the owner decides it), and the answer to one
  // this node forwarded.
  void forwarded(RemoteOrigin origin, std::string text, Caller caller);
  void forwarded_reply(uint64_t number, std::string frame);
  // The other nodes' connections to this session, summed.
  void set_remote_presence(NodePresence presence);
  // This node's connections (any thread).
  NodePresence local_presence() const;
  int64_t last_seq_applied() const { return last_seq_applied_.load(std::memory_order_acquire); }

  template <class F>
  void inspect(F&& f) {
    net::post(strand_, [self = shared_from_this(), f = std::forward<F>(f)]() mutable { f(*self); });
  }

  RoomSummary summary() const;
  const std::string& id() const { return id_; }

  // Strand-only accessors.
  const Session& committed() const { return committed_; }
  // The latest events (at most Config::history_kept), oldest first; older ones are in the store.
  const std::deque<HistoryEntry>& history() const { return history_; }
  json online_json() const { return figures_.online_json(); }
  int peak_audience() const { return figures_.peak_audience(); }
  json public_snapshot(Role viewer) const;

  static constexpr size_t kDefaultHistory = 50;
  static constexpr int64_t kMaxResume = 10000;

 private:
  void on_join(const std::shared_ptr<Peer>& peer, const Caller& caller, std::optional<int64_t> after, const json& id);
  // Welcomes a joining connection and sends it what it missed: `stored`, the events
  // between `after` and the history (read from the store), then the history's.
  void admit(const std::shared_ptr<Peer>& peer, const Caller& caller, std::optional<int64_t> after, const json& id,
             const std::vector<Event>& stored);
  // The store's events in (after, upto] for the resume of `peer`, read off the strand.
  void read_stored(const std::shared_ptr<Peer>& peer, int64_t after, int64_t upto);
  void on_stored_read(const std::shared_ptr<Peer>& peer, bool ok, std::vector<Event> events, int64_t upto);
  // Stores, once, that a staff participant was connected while the session was live.
  void mark_attended(const std::string& participant);
  void send_history(const std::shared_ptr<Peer>& peer, const Caller& caller, std::optional<int64_t> after);
  void on_request(const std::shared_ptr<Peer>& peer, const Request& r, const Caller& caller, const json& id,
                  const std::string& text, int64_t read_us);
  // Who waits for the answer to a request whose changes are on their way to storage: a
  // connection of this node, or one of another node (a forwarded request).
  struct Reply {
    std::shared_ptr<Peer> peer;
    json id;
    json ack;
    std::optional<RemoteOrigin> remote;
    int64_t read_us = 0;  // for --timeline
  };
  void answer(const Reply& to, std::string frame);
  void decide(const Request& r, const Caller& caller, Reply to);
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
  void broadcast(const Frame& frame, Audience to, int64_t seq = 0);  // seq: for --timeline
  void send_to_participant(const std::string& participant, const Frame& frame);
  void send(const std::shared_ptr<Peer>& peer, Frame frame, bool counted = true) {
    shards_[peer->thread_index()]->send(peer, std::move(frame), counted);
  }
  void tick_while_pending();
  void on_tick();
  void update_summary();
  // Cluster.
  bool deciding() const { return !cluster_ || mode_ == Mode::owner; }
  void apply_committed(const Changes& c);
  struct CaughtUp {
    std::optional<int64_t> epoch;  // a takeover's
    std::vector<Event> events;
    std::vector<Upvote> upvotes;
    std::vector<Vote> votes;
    std::vector<Receipt> receipts;  // a takeover's
  };
  void catch_up();
  void on_caught_up(bool ok, CaughtUp& got);
  void on_taken_over(bool ok, CaughtUp& got);
  void apply_store_state(CaughtUp& got);
  void release_parked_replies();
  void expire_forwarded();
  void publish_local_presence();

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
  std::deque<HistoryEntry> history_;
  const size_t history_kept_;  // Config::history_kept
  void keep_history(HistoryEntry entry);
  MemberList<Caller> members_;
  // Audience connections by participant (a phone may have two tabs), for the events
  // only their asker sees among the audience.
  std::unordered_map<std::string, std::vector<std::shared_ptr<Peer>>> audience_by_participant_;
  LiveFigures figures_;

  mutable std::mutex summary_mutex_;
  RoomSummary summary_;
  std::set<std::string> attended_;  // staff whose attendance was stored (this run)

  // Cluster (null: a single node, which always decides).
  Cluster* cluster_ = nullptr;
  enum class Mode { owner, replica, taking_over };
  Mode mode_ = Mode::owner;
  int64_t owner_epoch_ = 0;
  int64_t next_minor_ = 1;  // the second number of stream ids of entries without events
  std::atomic<int64_t> last_seq_applied_{0};
  struct Forwarded {
    std::shared_ptr<Peer> peer;
    json id;
    Caller caller;
    std::string text;
    int64_t first_ms = 0;       // first forwarded (wall clock)
    int64_t deadline_ms = 0;    // of this attempt
    int64_t waits_for_seq = 0;  // the answer came before the event it acks
    std::string frame;
  };
  // The owner's receipts of forwarded requests it applied (or its predecessor did), by
  // request name, kept while their forwarding node may still ask again; and those on their
  // way to the store, whose repeats are left unanswered until they are stored.
  void remember_receipt(const std::string& request, json ack, int64_t at_ms);
  std::unordered_map<std::string, json> receipts_;
  std::deque<std::pair<int64_t, std::string>> receipts_by_age_;
  std::set<std::string> receipts_pending_;
  uint64_t next_forward_ = 0;
  std::map<uint64_t, Forwarded> forwarded_;
  net::steady_timer forward_timer_;
  bool forward_timer_set_ = false;
  bool catching_up_ = false;
  std::vector<std::tuple<int64_t, std::string, bool>> during_catch_up_;  // stream entries, in order
  struct ParkedJoin {
    std::shared_ptr<Peer> peer;
    Caller caller;
    std::optional<int64_t> after;
    json id;
  };
  std::vector<ParkedJoin> parked_joins_;  // resuming past what this node has seen
  // Resumes from further back than the history, waiting for the store's events.
  struct StoreResume {
    ParkedJoin join;
    std::vector<Event> stored;  // read so far, from `after` on
  };
  std::unordered_map<const Peer*, StoreResume> resumes_;
  NodePresence remote_presence_;
  mutable std::mutex local_presence_mutex_;
  NodePresence local_presence_;
};

}  // namespace yst
