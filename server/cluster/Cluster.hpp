#pragma once
// This node's part in a cluster (--cluster redis://…; the design is docs/cluster.md).
//
// Every session has one owner node at a time, which decides, stores and announces its
// events as a single node does. Ownership is a Redis lease (SET NX PX, renewed) plus an
// epoch kept in the store (PostgreSQL), which every commit of the owner checks: an owner
// that was paused past its lease can store nothing after the node that took over moved
// the epoch on. After each commit the owner appends what it committed to the session's
// stream with its seq as the entry id (a script refuses the append when the epoch in
// Redis is no longer the owner's), and every other node reads the stream, applies the
// same changes to its copy of the session and sends them to its own phones. A phone's
// request to a node that does not own its session travels to the owner on the session's
// inbound stream; the answer comes back on the node's reply stream.
//
// Three threads, each with its own blocking Redis connection, none of them an I/O
// thread: the control thread (heartbeat, presence, leases), the reader (one XREAD over
// every stream this node follows) and the publisher (appends, forwards, replies, in order).
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "server/cluster/Redis.hpp"
#include "session/Types.hpp"

namespace yst {

class Hub;
struct Caller;

// Where the answer to a forwarded request goes: the node that holds the phone, and its
// number for the request there. `request` names the request across every attempt to
// forward it (node, process, number), so the owner applies it once however often it comes;
// after `until_ms` (wall clock) no owner applies it, since its phone is told to try again.
struct RemoteOrigin {
  std::string node;
  uint64_t number = 0;
  std::string request;
  int64_t until_ms = 0;
};

// One node's connections to a session, by role, and the staff among them.
struct NodePresence {
  std::array<int, kRoleCount> online{};
  std::vector<std::string> staff;
  bool operator==(const NodePresence&) const = default;
};

class Cluster {
 public:
  struct Options {
    cluster::RedisAddress redis;
    std::string node_id;
    std::string url;  // how other nodes and operators reach this one
    std::chrono::milliseconds lease{10000};
  };

  // How often a node says it is alive (and its presence), and how long it counts as
  // alive without saying so: a dead node's phones leave the totals within about a second.
  static constexpr std::chrono::milliseconds kBeat{200};
  static constexpr std::chrono::milliseconds kAliveFor{750};
  // A request forwarded to the owner and not answered within kForwardTimeout is forwarded
  // again, under the same name: the owner may have died after storing it, and the node
  // that takes over answers from the stored receipt. The forwarding node keeps asking for
  // give_up() (long enough for a new owner to take the lease over), then tells the phone
  // to try again; no owner applies the request after kApplyMargin before that, so a phone
  // that was told to try again never finds its first attempt applied as well.
  static constexpr std::chrono::milliseconds kForwardTimeout{5000};
  static constexpr std::chrono::milliseconds kApplyMargin{3000};
  std::chrono::milliseconds give_up() const { return options_.lease + kForwardTimeout + std::chrono::milliseconds(2000); }
  // The stream keeps a little more than the 10 000 events a phone may resume over.
  static constexpr int kStreamLength = 12000;

  Cluster(Hub& hub, Options options);
  ~Cluster();
  Cluster(const Cluster&) = delete;
  Cluster& operator=(const Cluster&) = delete;

  void start(std::string node_id, std::string url);
  void stop();
  const std::string& node_id() const { return options_.node_id; }

  // From the owner's room, in commit order: what one commit stored, as the entry
  // `id` ("<seq>-<n>"). `fenced` runs (on the publisher thread) when Redis says another
  // node owns the session now.
  void append(const std::string& session, int64_t epoch, std::string id, std::string batch_json, bool resync,
              std::function<void()> fenced);
  // The new owner, once it has moved the epoch on in the store: Redis learns the epoch,
  // then the events above the stream's top are appended again (a crash between commit
  // and append, or a Redis that restarted empty), then a resync mark.
  void claim(const std::string& session, int64_t epoch, std::vector<std::pair<int64_t, std::string>> recent_events,
             std::string resync_id, std::function<void()> fenced);
  // This node gives a session up (its commit failed, or it was fenced).
  void release(const std::string& session);
  bool owns(const std::string& session) const;

  // `first_ms` (wall clock): when the request was first forwarded.
  void forward(const std::string& session, uint64_t number, const Caller& caller, const std::string& request_text,
               int64_t first_ms);
  void reply(const RemoteOrigin& to, const std::string& session, std::string frame);
  // Another node must re-read something an admin changed: "session" (with its id),
  // "plan", "people" or "topics".
  void announce(const std::string& what, const std::string& session = {});

  // GET /api/cluster: {nodes:[{id,url,connections,sessions_owned,last_seen}], owners:{SID:NODE}}.
  nlohmann::json status() const;

 private:
  struct Command {
    std::vector<std::string> args;
    std::function<void(const cluster::Reply&)> done;
    int64_t expires_ms = 0;  // 0: never (appends)
  };
  void publish(Command c);
  void run_publisher();
  void run_control();
  void run_reader();
  void beat(cluster::Redis& redis);
  void keep_leases(cluster::Redis& redis);
  void read_once(cluster::Redis& redis);
  int64_t redis_now_ms(cluster::Redis& redis);
  bool sleep_for(std::chrono::milliseconds d);  // false once stopping

  Hub& hub_;
  Options options_;
  const std::string incarnation_;  // tells this process's request numbers from an earlier one's
  std::atomic<bool> stopping_{false};
  std::mutex stop_mutex_;
  std::condition_variable stop_wake_;

  mutable std::mutex mutex_;  // guards what follows; never held across a Redis call
  std::set<std::string> owned_;
  std::map<std::string, std::string> event_cursors_;    // ev:{S} → last entry id read
  std::map<std::string, std::string> inbound_cursors_;  // in:{S} → last entry id read (owned sessions)
  std::string reply_cursor_;
  std::string control_cursor_;
  nlohmann::json status_ = nlohmann::json{{"nodes", nlohmann::json::array()}, {"owners", nlohmann::json::object()}};

  std::mutex publish_mutex_;
  std::condition_variable publish_wake_;
  std::deque<Command> outbox_;

  std::thread control_thread_;
  std::thread reader_thread_;
  std::thread publisher_thread_;
};

}  // namespace yst
