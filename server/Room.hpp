#pragma once
// One session at run time: the domain state, its connections and its history.
// Concurrency: every member function named on_* and every callback given to inspect()
// runs on the room's strand, the only place the state below is touched. The public
// entry points only post onto it, so they may be called from any thread.
#include <array>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "server/Net.hpp"
#include "server/Peer.hpp"
#include "server/RoomShard.hpp"
#include "session/Session.hpp"
#include "storage/Database.hpp"

namespace yst {

class Hub;

struct HistoryEntry {
  Event event;
  Frame frame;  // the wire form, serialized once, shared by every connection
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
  void shutdown();
  // Only once no thread runs the strand any more (the end of Server::run).
  void forget_members() {
    members_.clear();
    member_index_.clear();
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
  json online_json() const;
  int peak_audience() const { return peak_audience_; }
  json public_snapshot(Role viewer) const;

  static constexpr size_t kDefaultHistory = 50;
  static constexpr int64_t kMaxResume = 10000;

 private:
  void on_join(const std::shared_ptr<Peer>& peer, const Caller& caller, std::optional<int64_t> after, const json& id);
  void on_request(const std::shared_ptr<Peer>& peer, const Request& r, const Caller& caller, const json& id);
  struct PendingWrite {
    std::shared_ptr<Peer> peer;
    json id;
    json ack;
    Changes changes;
  };
  void submit_writes();
  void on_committed(bool ok, std::vector<PendingWrite>& batch);
  void on_leave(const std::shared_ptr<Peer>& peer);
  void broadcast(const Frame& frame, Audience to);
  void send(const std::shared_ptr<Peer>& peer, Frame frame, bool counted = true) {
    shards_[peer->shard()]->send(peer, std::move(frame), counted);
  }
  void ensure_ticking();
  void on_tick();
  void update_summary();

  struct Member {
    std::shared_ptr<Peer> peer;
    Role role;
  };

  Hub& hub_;
  const std::string id_;
  Strand strand_;
  std::vector<std::shared_ptr<RoomShard>> shards_;  // one per io_context of the hub
  net::steady_timer ticker_;
  bool ticking_ = false;
  int ticks_ = 0;

  Session decided_;    // ahead of storage: decides requests
  Session committed_;  // what is durable: snapshots and broadcasts come from here
  bool storage_failed_ = false;
  std::vector<PendingWrite> unsubmitted_;  // decided, going to the writer at the next submit_writes
  bool submit_posted_ = false;
  int unsubmitted_peak_ = -1;
  std::vector<HistoryEntry> history_;
  std::vector<Member> members_;
  std::unordered_map<Peer*, size_t> member_index_;
  std::array<int, kRoleCount> online_{};
  bool presence_dirty_ = false;
  int peak_audience_ = 0;
  int peak_audience_stored_ = 0;
  std::set<std::string> dirty_questions_;
  std::set<std::string> dirty_points_;
  std::set<std::string> audience_dirty_questions_;  // changed since the audience last saw them
  std::set<std::string> audience_dirty_points_;
  int last_audience_figures_tick_ = 0;

  mutable std::mutex summary_mutex_;
  RoomSummary summary_;
};

}  // namespace yst
