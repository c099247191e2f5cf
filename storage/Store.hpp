#pragma once
// What the server keeps durably, said in the domain's words: sessions, participants (with
// the hash of their token), the Changes a room commits, the peak audience and a few named
// values. SQLite implements it (SqliteStore); another database (PostgreSQL) is meant to
// implement the same contract and to pass the same suite (tests/support/StoreContract.hpp).
//
// A Store is used by one thread at a time: the Writer's thread while the server runs, or
// the caller at start-up, in tests and in the command-line tools.
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "session/Event.hpp"
#include "session/Session.hpp"
#include "session/year/People.hpp"
#include "session/year/Plan.hpp"
#include "session/year/Topics.hpp"
#include "session/Types.hpp"

namespace yst {

// When a commit counts as done, and so when an event may be acked and broadcast.
// power: fsynced (SQLite synchronous=FULL, PostgreSQL synchronous_commit=on): survives a
// power cut. process: handed to the operating system (synchronous=NORMAL in WAL mode):
// survives any crash of the process, SIGKILL included, and may lose the last moments on a
// power cut or a kernel crash. docs/deploy.md argues the default.
enum class Durability { power, process };

// A forwarded request the owner applied, by the key its forwarding node gave it, with the
// ack it got (without the request's id): a node that asks again, because the answer was
// lost with an owner that died, gets the same ack instead of the request applied twice.
struct Receipt {
  std::string request;
  std::string ack;  // JSON
  int64_t at_ms = 0;
};

struct StoredParticipant {
  Participant participant;
  std::string token_hash;  // hex SHA-256 of the token; the token itself is never stored
};

class Store {
 public:
  // One unit of writing, run by write_batch.
  using Job = std::function<void(Store&)>;

  virtual ~Store() = default;

  // Writes. Each is a transaction of its own, unless it runs inside write_batch.
  virtual void create_session(const SessionInfo& info) = 0;
  virtual void add_participant(const Participant& p, const std::string& token_hash) = 0;
  // A lost link: the participant's token is replaced (a new hash) or revoked (empty: no
  // token works any more). The participant and what they did stay.
  virtual void set_token_hash(const std::string& participant_id, const std::string& token_hash) = 0;
  // Edits: a session's title, topic, stream URL, schedule and settings (by its id); a
  // participant's name and affiliation (by its id). Each throws when there is no such row.
  virtual void update_session(const SessionInfo& info) = 0;
  virtual void update_participant(const Participant& p) = 0;
  // The year's plan: an item is created once and replaced whole by an edit (which throws
  // when there is no such item).
  virtual void create_plan_item(const PlanItem& item) = 0;
  virtual void update_plan_item(const PlanItem& item) = 0;
  // The roster, created once and replaced whole by an edit (which throws when there is no
  // such person).
  virtual void create_person(const Person& p) = 0;
  virtual void update_person(const Person& p) = 0;
  // A staff participant was connected while the session was live (once is enough).
  virtual void mark_attended(const std::string& session_id, const std::string& participant_id) = 0;
  // Topics the public proposed: created once, moderated by replacing the row; a device's
  // support is stored once however often it comes.
  virtual void create_topic(const Topic& t) = 0;
  virtual void update_topic(const Topic& t) = 0;
  virtual void add_topic_support(const std::string& topic_id, const std::string& supporter) = 0;
  // What one accepted request changed, in its order. An event's seq is unique in its
  // session (storing one twice throws, so a gap or a fork can never be committed); an
  // upvote is stored once however often it comes; a voter's later vote replaces the earlier.
  virtual void store(const std::string& session_id, const Changes& changes) = 0;
  // Never lowers what is stored.
  virtual void set_peak_audience(const std::string& session_id, int peak) = 0;
  virtual void set_meta(const std::string& key, const std::string& value) = 0;

  // A cluster's fencing token (PostgreSQL; a single node never calls these). A node that
  // takes a session over moves its owner epoch on and gets the new value; every commit of
  // the owner then checks that the epoch is still its own, and holds it there until the
  // commit, so a paused old owner that wakes up can store nothing more.
  virtual int64_t take_ownership(const std::string& session_id) {
    throw std::logic_error("session " + session_id + ": a cluster needs PostgreSQL as its store");
  }
  virtual void expect_owner(const std::string& session_id, int64_t epoch) {
    (void)epoch;
    throw std::logic_error("session " + session_id + ": a cluster needs PostgreSQL as its store");
  }

  // Receipts of forwarded requests (a cluster's, so PostgreSQL's too), stored in the
  // transaction of the changes they acked; those at or after `since_ms`, and older ones
  // forgotten.
  virtual void store_receipt(const std::string& session_id, const Receipt& receipt) {
    (void)receipt;
    throw std::logic_error("session " + session_id + ": a cluster needs PostgreSQL as its store");
  }
  virtual std::vector<Receipt> receipts(const std::string& session_id, int64_t since_ms) {
    (void)since_ms;
    throw std::logic_error("session " + session_id + ": a cluster needs PostgreSQL as its store");
  }
  virtual void forget_receipts(int64_t before_ms) { (void)before_ms; }

  // Group commit: runs the jobs in order in one transaction; a job that throws is undone
  // alone and the others still commit. Says for each job whether it is now durable (none
  // is when the commit itself fails).
  virtual std::vector<bool> write_batch(std::span<const Job> jobs) = 0;
  // Why the last write_batch could not commit at all (a full or failing disk, a database
  // that went away), or empty once one committed: what /healthz reports. Jobs that failed
  // alone (a refused request) do not count.
  const std::string& commit_failure() const { return commit_failure_; }
  void set_commit_failure(std::string why) { commit_failure_ = std::move(why); }

  // Reads. Sessions come in the order they were created, participants and events in the
  // order they were stored.
  virtual std::optional<std::string> meta(const std::string& key) = 0;
  virtual std::vector<SessionInfo> sessions() = 0;
  virtual std::vector<StoredParticipant> participants(const std::string& session_id) = 0;
  // The events with seq > after, at most `limit` of them (-1: all).
  virtual std::vector<Event> events(const std::string& session_id, int64_t after = 0, int64_t limit = -1) = 0;
  virtual std::vector<Upvote> upvotes(const std::string& session_id) = 0;
  virtual std::vector<Vote> votes(const std::string& session_id) = 0;
  virtual int peak_audience(const std::string& session_id) = 0;
  // Every plan item, in the order they were created.
  virtual std::vector<PlanItem> plan_items() = 0;
  virtual std::vector<Person> people() = 0;
  // The participant ids of the session who attended.
  virtual std::vector<std::string> attendance(const std::string& session_id) = 0;
  // Every topic with its supporters, in the order they were proposed.
  virtual std::vector<Topic> topics() = 0;

  // A consistent copy of everything stored, even while another connection writes.
  virtual void backup_to(const std::string& path) = 0;

 protected:
  std::string commit_failure_;  // set by write_batch
};

}  // namespace yst
