#pragma once
// The Store on SQLite: one file in WAL mode, prepared statements only.
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "storage/Checkpointer.hpp"
#include "storage/Store.hpp"

struct sqlite3;

namespace yst {

// What SQLite holds on the heap across every connection of the process (page caches,
// prepared statements), for /metrics.
int64_t sqlite_memory_bytes();

class SqliteStore final : public Store {
 public:
  // Opens (creating if needed) and migrates the database at `path` (":memory:" works).
  explicit SqliteStore(const std::string& path, Durability durability = Durability::power);
  ~SqliteStore() override;
  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  static constexpr int kSchemaVersion = 4;

  void create_session(const SessionInfo& info) override;
  void add_participant(const Participant& p, const std::string& token_hash) override;
  void set_token_hash(const std::string& participant_id, const std::string& token_hash) override;
  void update_session(const SessionInfo& info) override;
  void update_participant(const Participant& p) override;
  void create_plan_item(const PlanItem& item) override;
  void update_plan_item(const PlanItem& item) override;
  void create_person(const Person& p) override;
  void update_person(const Person& p) override;
  void mark_attended(const std::string& session_id, const std::string& participant_id) override;
  void create_topic(const Topic& t) override;
  void update_topic(const Topic& t) override;
  void add_topic_support(const std::string& topic_id, const std::string& supporter) override;
  void store(const std::string& session_id, const Changes& changes) override;
  void set_peak_audience(const std::string& session_id, int peak) override;
  void set_meta(const std::string& key, const std::string& value) override;
  std::vector<bool> write_batch(std::span<const Job> jobs) override;

  std::optional<std::string> meta(const std::string& key) override;
  const Checkpointer* checkpointer() const { return checkpointer_.get(); }
  std::vector<SessionInfo> sessions() override;
  std::vector<StoredParticipant> participants(const std::string& session_id) override;
  std::vector<Event> events(const std::string& session_id, int64_t after = 0, int64_t limit = -1) override;
  std::vector<Upvote> upvotes(const std::string& session_id) override;
  std::vector<Vote> votes(const std::string& session_id) override;
  int peak_audience(const std::string& session_id) override;
  std::vector<PlanItem> plan_items() override;
  std::vector<Person> people() override;
  std::vector<std::string> attendance(const std::string& session_id) override;
  std::vector<Topic> topics() override;

  // With SQLite's online backup API.
  void backup_to(const std::string& path) override;

 private:
  class Statement;
  class Transaction;
  void exec(const char* sql);
  void migrate();
  // Throws (closing the database) unless the file is empty or a healthy database of this
  // release or an earlier one; before anything is written to it.
  void refuse_unless_ours(const std::string& path);
  Statement& stmt(const char* sql);
  void insert_event(const std::string& session_id, const Event& e);
  void insert_upvote(const std::string& session_id, const Upvote& u);
  void upsert_vote(const std::string& session_id, const Vote& v);

  sqlite3* db_ = nullptr;
  std::unique_ptr<Checkpointer> checkpointer_;  // a file's WAL; none for ":memory:"
  bool in_batch_ = false;  // write_batch is running: writes join its transaction
  std::vector<std::pair<const char*, std::unique_ptr<Statement>>> cache_;
};

}  // namespace yst
