#pragma once
// The Store on PostgreSQL, through libpq: for several nodes sharing one database, or a
// database the operators already run, replicate and back up. SQLite stays the default.
// One connection, used from one thread at a time (the writer's, or the reader's own).
// Commits are synchronous (synchronous_commit=on for `power`; `process` lets the server
// ack once the commit is in PostgreSQL's WAL buffers: local for that session only).
#include <memory>
#include <string>

#include "storage/Store.hpp"

struct pg_conn;

namespace yst {

class PgStore final : public Store {
 public:
  // `url`: postgresql://user@host:port/db (libpq's connection URI). Migrates the schema.
  explicit PgStore(const std::string& url, Durability durability = Durability::power);
  ~PgStore() override;
  PgStore(const PgStore&) = delete;
  PgStore& operator=(const PgStore&) = delete;

  // PostgreSQL's own: 1 has everything SQLite has at 4; 2 adds the cluster's owner epoch.
  static constexpr int kSchemaVersion = 3;

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
  int64_t take_ownership(const std::string& session_id) override;
  void expect_owner(const std::string& session_id, int64_t epoch) override;
  void store_receipt(const std::string& session_id, const Receipt& receipt) override;
  std::vector<Receipt> receipts(const std::string& session_id, int64_t since_ms) override;
  void forget_receipts(int64_t before_ms) override;
  void set_meta(const std::string& key, const std::string& value) override;
  std::vector<bool> write_batch(std::span<const Job> jobs) override;

  std::optional<std::string> meta(const std::string& key) override;
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

  // PostgreSQL is backed up with its own tools: this says which command, and throws.
  void backup_to(const std::string& path) override;

 private:
  class Result;
  void run(const char* sql, std::initializer_list<std::string> params = {});
  Result rows(const char* sql, std::initializer_list<std::string> params = {}, bool want_rows = true);
  void exec(const char* sql);
  // Runs `body` in a transaction of its own, or inside the one already open (write_batch's).
  template <class Body>
  void in_transaction(Body&& body);
  void migrate();
  void reconnect_if_lost();

  std::string url_;
  Durability durability_;
  pg_conn* conn_ = nullptr;
  bool in_transaction_ = false;  // write_batch's or in_transaction's: statements join it
};

}  // namespace yst
