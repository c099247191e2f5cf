#pragma once
// SQLite behind a small interface. Prepared statements only. A Database is used by one
// thread at a time: the Writer's thread while the server runs, or the caller at start-up,
// in tests and in the command-line tools.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "session/Event.hpp"
#include "session/Session.hpp"
#include "session/Types.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace yst {

struct StoredParticipant {
  Participant participant;
  std::string token_hash;  // hex SHA-256 of the token; the token itself is never stored
};

class Database {
 public:
  // Opens (creating if needed) and migrates the database at `path` (":memory:" works).
  explicit Database(const std::string& path);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  static constexpr int kSchemaVersion = 1;

  void begin();
  void commit();
  void rollback();
  void savepoint();
  void release_savepoint();
  void rollback_to_savepoint();

  void insert_session(const SessionInfo& s);
  void insert_participant(const Participant& p, const std::string& token_hash);
  void insert_event(const std::string& session_id, const Event& e);
  void insert_upvote(const std::string& session_id, const Upvote& u);
  void upsert_vote(const std::string& session_id, const Vote& v);
  void set_peak_audience(const std::string& session_id, int peak);
  void set_meta(const std::string& key, const std::string& value);

  std::optional<std::string> meta(const std::string& key);
  std::vector<SessionInfo> sessions();
  int peak_audience(const std::string& session_id);
  std::vector<StoredParticipant> participants(const std::string& session_id);
  std::vector<Event> events(const std::string& session_id, int64_t after = 0, int64_t limit = -1);
  std::vector<Upvote> upvotes(const std::string& session_id);
  std::vector<Vote> votes(const std::string& session_id);

  // A consistent copy of the whole database, taken with SQLite's online backup API.
  void backup_to(const std::string& path);

  sqlite3* handle() { return db_; }

 private:
  class Statement;
  void exec(const char* sql);
  void migrate();
  Statement& stmt(const char* sql);

  sqlite3* db_ = nullptr;
  std::vector<std::pair<const char*, std::unique_ptr<Statement>>> cache_;
};

}  // namespace yst
