#pragma once
// Three real nodes of a cluster on loopback: a redis-server of the test's own, a
// PostgreSQL database of its own (on the throwaway server of YST_TEST_PG_URL), one data
// directory shared by the nodes (so they share the admin token), and phones that follow
// a session, reconnect to another node with `after` when theirs goes, and log every seq.
#include <sys/types.h>

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "session/Session.hpp"
#include "storage/Store.hpp"
#include "tests/support/Helpers.hpp"

namespace yst::test {

class RedisProcess {
 public:
  RedisProcess();
  ~RedisProcess();
  void start();  // empty: nothing is saved, so a restart starts with no data
  void kill9();
  int port() const { return port_; }
  std::string url() const { return "redis://127.0.0.1:" + std::to_string(port_); }
  // Redis's INFO field (e.g. used_cpu_sys), or "" when it is not running.
  std::string info(const std::string& field) const;

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  std::string dir_;
};

struct ClusterWorld {
  static constexpr int kNodes = 3;
  static constexpr int kLeaseMs = 3000;
  // Both YST_TEST_PG_URL and redis-server are needed; the reason to skip otherwise.
  static std::optional<std::string> missing();

  ClusterWorld();
  ~ClusterWorld();
  void start_node(int i);
  ServerProcess& node(int i) { return *nodes[i]; }
  // A paused node (SIGSTOP) is not asked anything: it would not answer.
  bool alive(int i) const { return nodes[i] && nodes[i]->running() && !paused.count(i); }
  void pause(int i);
  void resume(int i);
  uint16_t port(int i) const { return nodes[i]->port(); }
  std::string admin_token() const { return nodes[0]->admin_token(); }
  // A live node other than `not_this` (-1: any), the lowest first.
  int live_node(int not_this = -1) const;
  int index_of(const std::string& node_id) const;
  // GET /api/cluster's owner of `sid` (asked of a live node), or -1.
  int owner_of(const std::string& sid);
  // Waits (bounded) until every live node knows the session and one of them owns it.
  int wait_for_owner(const std::string& sid, std::chrono::milliseconds limit = 15s);
  std::unique_ptr<Store> store() const;

  std::string pg_url;
  std::string data_dir;
  RedisProcess redis;
  std::vector<std::unique_ptr<ServerProcess>> nodes;
  std::set<int> paused;
};

// An audience phone: joins on a node, logs every event's seq, and when its node goes it
// joins another with `after` set to the last seq it saw.
struct Phone {
  std::string client_id;
  int node = -1;
  std::unique_ptr<WsClient> ws;
  std::vector<int64_t> seqs;
  bool upvote_wanted = false;
  bool upvoted = false;
  std::string question;
  int reconnects = 0;
  std::optional<json> last_presence;

  bool join(ClusterWorld& w, const std::string& sid, int node_index);
  // Reads what has arrived; reconnects when the connection is gone (if `follow`).
  void pump(ClusterWorld& w, const std::string& sid, bool follow = true);
  int64_t last_seq() const { return seqs.empty() ? 0 : seqs.back(); }
};

// The host, saying statements as fast as `per_second` from its own thread, moving to
// another node when its own goes; every acked text is kept.
class Speaker {
 public:
  Speaker(ClusterWorld& w, std::string sid, std::string token, int node, int per_second);
  ~Speaker();
  void stop();
  std::set<std::string> acked() const;
  int refused() const { return refused_; }

 private:
  void run();
  ClusterWorld& world_;
  std::string sid_;
  std::string token_;
  int node_;
  int per_second_;
  std::atomic<bool> stop_{false};
  mutable std::mutex mutex_;
  std::set<std::string> acked_;
  std::atomic<int> refused_{0};
  std::thread thread_;
};

// What a phone of `role` (participant `who`) may see of the stored record, by the
// server's own rules (Session::reach after apply).
std::vector<int64_t> visible_seqs(const SessionInfo& info, const std::vector<Event>& events, Role role,
                                  const std::string& who);

}  // namespace yst::test
