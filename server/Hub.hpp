#pragma once
// The registry every connection and HTTP request goes through: rooms by session id,
// tokens by hash, the admin token, the blocked-word list, the one storage writer.
#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "server/Timeline.hpp"
#include "server/StoredList.hpp"
#include "session/year/People.hpp"
#include "session/year/Plan.hpp"
#include "session/year/Topics.hpp"
#include "server/AdminToken.hpp"
#include "server/Config.hpp"
#include "server/Metrics.hpp"
#include "server/Net.hpp"
#include "server/Room.hpp"
#include "server/WrongTokenLockout.hpp"
#include "server/cluster/Cluster.hpp"
#include "session/WordFilter.hpp"
#include "storage/Reader.hpp"
#include "storage/Store.hpp"
#include "storage/Writer.hpp"

namespace yst {

struct TokenOwner {
  std::string session_id;
  Participant participant;
};

struct CreatedParticipant {
  Participant participant;
  std::string token;  // shown once to whoever created it; only its hash is kept
};

class Hub {
 public:
  using Clock = std::function<int64_t()>;  // unix milliseconds

  // One io_context per I/O thread: every connection and every room lives on one of them.
  Hub(std::vector<net::io_context*> contexts, const Config& config, Clock clock = {});
  Hub(net::io_context& ioc, const Config& config, Clock clock = {})
      : Hub(std::vector<net::io_context*>{&ioc}, config, std::move(clock)) {}
  ~Hub();

  // Start-up only: opens the SQLite store in the data directory (or takes `store`),
  // settles the admin token, replays every session and starts the writer.
  void load();
  void load(std::unique_ptr<Store> store);

  const Config& config() const { return config_; }
  const std::vector<net::io_context*>& contexts() const { return contexts_; }
  // The index of the io_context an executor belongs to (0 if none of them).
  size_t thread_index_of(const net::any_io_executor& executor) const;
  Metrics& metrics() { return metrics_; }
  // This node's part in a cluster, or null for a single node.
  Cluster* cluster() const { return cluster_.get(); }
  // Once listening (the node's default name is its address): joins the cluster when
  // --cluster says so.
  void start_cluster(const std::string& url);
  // Another node changed something an admin edits: re-read it from the store.
  // `what` is "session" (with its id), "plan", "people" or "topics".
  // `then` runs once a session's re-read is applied (or found nothing), on the writer's
  // thread: a join for a session or a token created on another node a moment ago waits
  // for it instead of being refused.
  void refresh(const std::string& what, const std::string& session_id, std::function<void()> then = nullptr);
  // A join for a session (or with a token) this node does not know: one re-read of the
  // session for all the joins that ask at once, and none for 2 s after it found nothing.
  // `then` runs when it is done (at once when nothing is read).
  void look_up_session(const std::string& session_id, std::function<void()> then);
  Writer& writer() { return *writer_; }
  // Reads for the rooms off the writer's thread: resumes from further back than a room
  // keeps in memory. Its own connection, so that a minutes export does not hold a phone up.
  Reader& history_reader() { return *history_reader_; }
  // Null unless --timeline was given.
  Timeline* timeline() { return timeline_.get(); }
  int64_t now_ms() const { return clock_(); }
  // Where the store is: the SQLite file in the data directory, or the --store URL.
  std::string database_path() const;

  std::shared_ptr<Room> room(const std::string& id) const;
  std::vector<std::shared_ptr<Room>> rooms() const;

  std::optional<TokenOwner> find_token(std::string_view token) const;
  bool is_admin(std::string_view token) const;

  // The wrong-token lockout, shared by the HTTP API and WebSocket joins. `client` is the
  // request's address (see TrustedProxies). Seconds until `client` may present a token
  // again, or nothing when it may now.
  std::optional<int64_t> token_lockout_seconds(const std::string& client);
  // A token was presented by `client` for `where` (a path, for the log): one that is
  // neither the admin's nor any participant's is counted against `client`, and the count
  // that locks it out is logged, once, with the address and `where` but never the token.
  // A token that belongs to someone, even if not allowed there, is no guess: not counted.
  void record_token_attempt(std::string_view token, const std::string& client, std::string_view where);

  std::shared_ptr<const WordFilter> word_filter() const { return std::atomic_load(&filter_); }
  // Reloads --blocked-words; on failure keeps the old list and says why.
  bool reload_word_filter(std::string& message);

  // Both complete on the writer thread after the commit (the callback must hop to its
  // own executor); on failure they pass an Error.
  using CreatedSession = std::function<void(std::optional<Error>, std::string session_id, std::string host_token)>;
  void create_session(SessionInfo info, std::string host_name, CreatedSession done);
  using CreatedParticipantCb = std::function<void(std::optional<Error>, CreatedParticipant)>;
  void add_participant(const std::string& session_id, Participant p, CreatedParticipantCb done);
  // A lost link: `reissue` gives the participant a new token (in CreatedParticipant),
  // otherwise no token works for them any more. Either way the old token stops working and
  // their open connections are closed.
  void replace_token(const std::string& session_id, const std::string& participant_id, bool reissue,
                     CreatedParticipantCb done);
  // Admin edits. `edit` changes a copy of the current value, or says why it may not; the
  // change is stored, then applied, then `done` is called with the result.
  using SessionEdit = std::function<std::optional<Error>(SessionInfo&, Status)>;
  void edit_session(const std::string& session_id, SessionEdit edit,
                    std::function<void(std::optional<Error>, SessionInfo)> done);
  using ParticipantEdit = std::function<void(Participant&)>;
  void edit_participant(const std::string& session_id, const std::string& participant_id, ParticipantEdit edit,
                        std::function<void(std::optional<Error>, Participant)> done);

  // The year's plan: reads from any thread; a new item gets its id and time here.
  const StoredList<PlanItem>& plan() const { return plan_; }
  void create_plan_item(PlanItem item, StoredList<PlanItem>::Done done);
  void edit_plan_item(const std::string& id, StoredList<PlanItem>::Edit edit, StoredList<PlanItem>::Done done);

  // The roster.
  const StoredList<Person>& people() const { return people_; }
  void create_person(Person p, StoredList<Person>::Done done);
  void edit_person(const std::string& id, StoredList<Person>::Edit edit, StoredList<Person>::Done done);

  // Topics proposed by the public. A device proposes once per kProposeIntervalMs (else a
  // rate_limited Error and `retry_after_s`); a topic with a blocked word is flagged.
  const StoredList<Topic>& topics() const { return topics_; }
  void propose_topic(Topic t, const std::string& client_id, StoredList<Topic>::Done done, int64_t& retry_after_s);
  void moderate_topic(const std::string& id, StoredList<Topic>::Edit edit, StoredList<Topic>::Done done);
  // Once per device, only while open (else conflict); the count is exact however many
  // devices support at once. Completes after the support is stored.
  void support_topic(const std::string& id, const std::string& client_id, std::function<void(std::optional<Error>, int)> done);

  // yst::ensure_demo (server/Demo.hpp) under its old name, for main.cpp.
  std::vector<std::string> ensure_demo(const std::string& base_url);

  void shutdown();
  // After the I/O threads have stopped: drop every room's connections.
  void forget_connections();

 private:
  struct Lookup {
    std::vector<std::function<void()>> waiting;
    int64_t missing_until_ms = 0;
  };
  std::map<std::string, Lookup> lookups_;  // guarded by mutex_
  struct RefreshedSession {
    std::optional<SessionInfo> info;
    std::vector<StoredParticipant> participants;
    std::vector<Event> events;
    std::vector<Upvote> upvotes;
    std::vector<Vote> votes;
    int peak = 0;
  };
  void apply_refreshed_session(bool ok, const std::string& session_id, RefreshedSession& got);
  void add_room(const SessionInfo& info, const std::vector<StoredParticipant>& participants,
                const std::vector<Event>& events, const std::vector<Upvote>& upvotes, const std::vector<Vote>& votes,
                int peak_audience);
  void announce(const std::string& what, const std::string& session_id = {}) {
    if (cluster_) cluster_->announce(what, session_id);
  }
  template <class T>
  typename StoredList<T>::Done announcing(const char* what, typename StoredList<T>::Done done) {
    return [this, what, done = std::move(done)](std::optional<Error> e, T item) {
      if (!e) announce(what);
      done(std::move(e), std::move(item));
    };
  }
  void register_token(const std::string& token_hash, const std::string& session_id, const Participant& p);

  net::io_context& home_context(const std::string& session_id) const;

  std::vector<net::io_context*> contexts_;
  Config config_;
  Clock clock_;
  Metrics metrics_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<Writer> writer_;
  std::unique_ptr<Reader> history_reader_;
  std::unique_ptr<Timeline> timeline_;
  std::unique_ptr<Cluster> cluster_;

  StoredList<PlanItem> plan_;
  StoredList<Person> people_;
  StoredList<Topic> topics_;
  std::mutex proposals_mutex_;
  std::map<std::string, int64_t> last_proposal_ms_;  // by device (hashed client_id)
  mutable std::mutex mutex_;  // guards rooms_ and tokens_; never held across I/O
  std::map<std::string, std::shared_ptr<Room>> rooms_;
  std::unordered_map<std::string, TokenOwner> tokens_;  // by hex SHA-256 of the token
  AdminToken admin_;
  WrongTokenLockout lockout_;
  std::shared_ptr<const WordFilter> filter_;
};

}  // namespace yst
