#include "storage/SqliteStore.hpp"

#include "storage/FaultVfs.hpp"
#include "storage/GroupCommit.hpp"

#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include <cstdlib>
#include <stdexcept>

namespace yst {

int64_t sqlite_memory_bytes() { return sqlite3_memory_used(); }

namespace {
[[noreturn]] void fail(sqlite3* db, const std::string& what) {
  throw std::runtime_error("sqlite: " + what + ": " + (db ? sqlite3_errmsg(db) : "out of memory"));
}
}  // namespace

class SqliteStore::Statement {
 public:
  Statement(sqlite3* db, const char* sql) : db_(db) {
    if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr) != SQLITE_OK)
      fail(db, std::string("prepare ") + sql);
  }
  ~Statement() { sqlite3_finalize(stmt_); }

  Statement& reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    next_ = 1;
    return *this;
  }
  Statement& bind(const std::string& s) {
    sqlite3_bind_text(stmt_, next_++, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Statement& bind(int64_t v) {
    sqlite3_bind_int64(stmt_, next_++, v);
    return *this;
  }
  // Returns true while there is a row.
  bool step() {
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    fail(db_, "step");
  }
  void run() {
    while (step()) {
    }
  }
  std::string text(int col) {
    auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
    return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, col))) : std::string();
  }
  int64_t integer(int col) { return sqlite3_column_int64(stmt_, col); }
  bool is_null(int col) { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  int next_ = 1;
};

// Outside write_batch, a write of several statements is a transaction of its own; inside,
// it is part of the batch's.
class SqliteStore::Transaction {
 public:
  explicit Transaction(SqliteStore& store) : store_(store), own_(!store.in_batch_) {
    if (own_) store_.exec("BEGIN IMMEDIATE");
  }
  ~Transaction() {
    if (!own_ || committed_) return;
    try {
      store_.exec("ROLLBACK");
    } catch (const std::exception& e) {
      spdlog::error("sqlite rollback: {}", e.what());
    }
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit() {
    if (own_) store_.exec("COMMIT");
    committed_ = true;
  }

 private:
  SqliteStore& store_;
  const bool own_;
  bool committed_ = false;
};

SqliteStore::SqliteStore(const std::string& path, Durability durability) {
  install_fault_vfs_if_asked();
  if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                      nullptr) != SQLITE_OK) {
    std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    throw std::runtime_error("sqlite: open " + path + ": " + msg);
  }
  sqlite3_busy_timeout(db_, 5000);
  refuse_unless_ours(path);
  exec("PRAGMA journal_mode=WAL");
  // FULL: a commit is on disk before anything is acked, so even a power cut loses
  // nothing acked; group commit keeps the fsyncs few. NORMAL (in WAL mode): a commit is in
  // the operating system's hands, which a crash of the process cannot lose; only the
  // checkpoints fsync, so a stalled disk no longer holds every broadcast back.
  const std::string synchronous = durability == Durability::power ? "FULL" : "NORMAL";
  exec(("PRAGMA synchronous=" + synchronous).c_str());
  exec("PRAGMA foreign_keys=ON");
  if (path != ":memory:" && !path.empty()) {
    checkpointer_ = std::make_unique<Checkpointer>(path, synchronous);
    checkpointer_->attach(db_);
  }
  migrate();
}

SqliteStore::~SqliteStore() {
  checkpointer_.reset();  // its connection first: the last one to close checkpoints the rest
  cache_.clear();
  sqlite3_close(db_);
}

void SqliteStore::exec(const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown";
    sqlite3_free(err);
    throw std::runtime_error(std::string("sqlite: ") + sql + ": " + msg);
  }
}

SqliteStore::Statement& SqliteStore::stmt(const char* sql) {
  // Statements are identified by their literal's address: each call site prepares once.
  for (auto& [key, s] : cache_)
    if (key == sql) return s->reset();
  cache_.emplace_back(sql, std::make_unique<Statement>(db_, sql));
  return cache_.back().second->reset();
}

// A damaged file, another program's database or one a newer release wrote is refused
// before anything is written to it, so the operator gets it back exactly as it was.
void SqliteStore::refuse_unless_ours(const std::string& path) {
  const auto refuse = [&](const std::string& why) {
    sqlite3_close(db_);
    db_ = nullptr;
    throw std::runtime_error(path + ": " + why + "; the file was left as it is");
  };
  // The first column of the first row, or "" when there is none.
  const auto first_text = [&](const char* sql) {
    sqlite3_stmt* s = nullptr;
    std::string out;
    int rc = sqlite3_prepare_v2(db_, sql, -1, &s, nullptr);
    if (rc == SQLITE_OK) rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
      const unsigned char* text = sqlite3_column_text(s, 0);
      out = text ? reinterpret_cast<const char*>(text) : "";
    } else if (rc != SQLITE_DONE) {
      std::string msg = sqlite3_errmsg(db_);
      sqlite3_finalize(s);
      throw std::runtime_error(msg);
    }
    sqlite3_finalize(s);
    return out;
  };
  std::string check;
  try {
    check = first_text("PRAGMA quick_check");
  } catch (const std::exception& e) {
    refuse(std::string("not a Yishiting database, or damaged (") + e.what() + "); restore it from a backup");
  }
  if (check != "ok") refuse("the database is damaged (" + check + "); restore it from a backup");
  const bool has_tables = first_text("SELECT count(*) FROM sqlite_master WHERE type='table'") != "0";
  const bool has_meta = first_text("SELECT count(*) FROM sqlite_master WHERE type='table' AND name='meta'") != "0";
  if (has_tables && !has_meta) refuse("not a Yishiting database (it holds tables but no schema version)");
  if (!has_meta) return;
  const std::string version = first_text("SELECT value FROM meta WHERE key='schema_version'");
  if (!version.empty() && std::atoi(version.c_str()) > kSchemaVersion)
    refuse("written by a newer release of Yishiting (schema " + version + "; this one reads up to " +
           std::to_string(kSchemaVersion) + "); run that release or a newer one");
}

void SqliteStore::migrate() {
  exec("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
  auto version = meta("schema_version");
  int v = version ? std::stoi(*version) : 0;
  if (v > kSchemaVersion)
    throw std::runtime_error("the database schema (version " + std::to_string(v) +
                             ") is newer than this program understands (" + std::to_string(kSchemaVersion) + ")");
  if (v < 1) {
    Transaction migration(*this);
    exec(R"SQL(
      CREATE TABLE sessions (
        id TEXT PRIMARY KEY,
        title TEXT NOT NULL,
        topic TEXT NOT NULL DEFAULT '',
        stream_url TEXT NOT NULL DEFAULT '',
        scheduled_at TEXT NOT NULL DEFAULT '',
        settings TEXT NOT NULL,
        created_ms INTEGER NOT NULL,
        peak_audience INTEGER NOT NULL DEFAULT 0
      );
      CREATE TABLE participants (
        id TEXT PRIMARY KEY,
        session_id TEXT NOT NULL REFERENCES sessions(id),
        role TEXT NOT NULL,
        name TEXT NOT NULL,
        affiliation TEXT NOT NULL DEFAULT '',
        token_hash TEXT UNIQUE
      );
      CREATE INDEX participants_by_session ON participants(session_id);
      CREATE TABLE events (
        session_id TEXT NOT NULL REFERENCES sessions(id),
        seq INTEGER NOT NULL,
        at_ms INTEGER NOT NULL,
        kind TEXT NOT NULL,
        by_json TEXT,
        data_json TEXT NOT NULL,
        hash TEXT NOT NULL,
        PRIMARY KEY (session_id, seq)
      ) WITHOUT ROWID;
      CREATE TABLE upvotes (
        session_id TEXT NOT NULL,
        question TEXT NOT NULL,
        voter TEXT NOT NULL,
        PRIMARY KEY (session_id, question, voter)
      ) WITHOUT ROWID;
      CREATE TABLE votes (
        session_id TEXT NOT NULL,
        point TEXT NOT NULL,
        voter TEXT NOT NULL,
        role TEXT NOT NULL,
        choice TEXT NOT NULL,
        PRIMARY KEY (session_id, point, voter)
      ) WITHOUT ROWID;
    )SQL");
    set_meta("schema_version", "1");
    migration.commit();
  }
  if (v < 2) {  // contract v2: where a session is held, its form, the programme's issue number
    Transaction migration(*this);
    exec(R"SQL(
      ALTER TABLE sessions ADD COLUMN venue TEXT NOT NULL DEFAULT '';
      ALTER TABLE sessions ADD COLUMN form TEXT NOT NULL DEFAULT '';
      ALTER TABLE sessions ADD COLUMN episode INTEGER NOT NULL DEFAULT 0;
    )SQL");
    set_meta("schema_version", "2");
    migration.commit();
  }
  if (v < 3) {  // the year around the broadcast: the consultation plan, sessions linked to its items
    Transaction migration(*this);
    exec(R"SQL(
      CREATE TABLE plan_items (
        id TEXT PRIMARY KEY,
        year INTEGER NOT NULL,
        topic TEXT NOT NULL,
        form TEXT NOT NULL,
        venue TEXT NOT NULL DEFAULT '',
        planned_date TEXT NOT NULL DEFAULT '',
        lead TEXT NOT NULL DEFAULT '',
        departments TEXT NOT NULL DEFAULT '[]',
        notes TEXT NOT NULL DEFAULT '',
        cancelled INTEGER NOT NULL DEFAULT 0,
        created_ms INTEGER NOT NULL
      );
      ALTER TABLE sessions ADD COLUMN plan_item TEXT NOT NULL DEFAULT '';
    )SQL");
    set_meta("schema_version", "3");
    migration.commit();
  }
  if (v < 4) {  // the people: the roster, who attended, the topics the public proposed
    Transaction migration(*this);
    exec(R"SQL(
      CREATE TABLE people (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        kind TEXT NOT NULL,
        affiliation TEXT NOT NULL DEFAULT '',
        sector TEXT NOT NULL DEFAULT '',
        created_ms INTEGER NOT NULL
      );
      ALTER TABLE participants ADD COLUMN person TEXT NOT NULL DEFAULT '';
      CREATE TABLE attendance (
        session_id TEXT NOT NULL,
        participant TEXT NOT NULL,
        PRIMARY KEY (session_id, participant)
      ) WITHOUT ROWID;
      CREATE TABLE topics (
        id TEXT PRIMARY KEY,
        title TEXT NOT NULL,
        text TEXT NOT NULL,
        name TEXT NOT NULL,
        proposer TEXT NOT NULL,
        status TEXT NOT NULL,
        flagged INTEGER NOT NULL DEFAULT 0,
        reply TEXT NOT NULL DEFAULT '',
        plan_item TEXT NOT NULL DEFAULT '',
        created_ms INTEGER NOT NULL
      );
      CREATE TABLE topic_support (
        topic_id TEXT NOT NULL,
        supporter TEXT NOT NULL,
        PRIMARY KEY (topic_id, supporter)
      ) WITHOUT ROWID;
    )SQL");
    set_meta("schema_version", "4");
    migration.commit();
  }
}

std::vector<bool> SqliteStore::write_batch(std::span<const Job> jobs) {
  // IMMEDIATE: the write lock is taken at the start, never midway (where it could fail).
  static constexpr GroupCommitSql kSql{"BEGIN IMMEDIATE", "SAVEPOINT job", "RELEASE job", "ROLLBACK TO job; RELEASE job"};
  return group_commit(jobs, *this, kSql, [this](const char* sql) { exec(sql); }, in_batch_);
}

void SqliteStore::create_session(const SessionInfo& s) {
  stmt("INSERT INTO sessions(id,title,topic,stream_url,scheduled_at,settings,created_ms,venue,form,episode,plan_item) "
       "VALUES(?,?,?,?,?,?,?,?,?,?,?)")
      .bind(s.id)
      .bind(s.title)
      .bind(s.topic)
      .bind(s.stream_url)
      .bind(s.scheduled_at)
      .bind(s.settings.to_json().dump())
      .bind(s.created_ms)
      .bind(s.venue)
      .bind(s.form)
      .bind(int64_t{s.episode})
      .bind(s.plan_item)
      .run();
}

void SqliteStore::add_participant(const Participant& p, const std::string& token_hash) {
  auto& st = stmt("INSERT INTO participants(id,session_id,role,name,affiliation,token_hash,person) VALUES(?,?,?,?,?,?,?)");
  st.bind(p.id).bind(p.session_id).bind(std::string(to_string(p.role))).bind(p.name).bind(p.affiliation);
  st.bind(token_hash).bind(p.person);
  st.run();
}

void SqliteStore::set_token_hash(const std::string& participant_id, const std::string& token_hash) {
  // NULL, not "": the column is UNIQUE, and any number of revoked participants may share NULL.
  auto& st = stmt("UPDATE participants SET token_hash=NULLIF(?,'') WHERE id=?").bind(token_hash).bind(participant_id);
  st.run();
  if (sqlite3_changes(db_) == 0) throw std::runtime_error("sqlite: no participant " + participant_id);
}

void SqliteStore::update_session(const SessionInfo& s) {
  stmt("UPDATE sessions SET title=?,topic=?,stream_url=?,scheduled_at=?,settings=?,venue=?,form=?,episode=?,plan_item=? "
       "WHERE id=?")
      .bind(s.title)
      .bind(s.topic)
      .bind(s.stream_url)
      .bind(s.scheduled_at)
      .bind(s.settings.to_json().dump())
      .bind(s.venue)
      .bind(s.form)
      .bind(int64_t{s.episode})
      .bind(s.plan_item)
      .bind(s.id)
      .run();
  if (sqlite3_changes(db_) == 0) throw std::runtime_error("sqlite: no session " + s.id);
}

void SqliteStore::update_participant(const Participant& p) {
  stmt("UPDATE participants SET name=?,affiliation=? WHERE id=?").bind(p.name).bind(p.affiliation).bind(p.id).run();
  if (sqlite3_changes(db_) == 0) throw std::runtime_error("sqlite: no participant " + p.id);
}

void SqliteStore::store(const std::string& session_id, const Changes& changes) {
  Transaction transaction(*this);
  if (!changes.events.empty()) {
    // Gap-free as well as unique: a batch decided after one that failed to commit is
    // refused too, so the stored record never skips a seq.
    auto& last = stmt("SELECT COALESCE(MAX(seq),0) FROM events WHERE session_id=?").bind(session_id);
    int64_t expected = (last.step() ? last.integer(0) : 0) + 1;
    last.reset();
    for (const auto& e : changes.events)
      if (e.seq != expected++)
        throw std::runtime_error("sqlite: session " + session_id + " expects seq " + std::to_string(expected - 1) +
                                 "; refusing seq " + std::to_string(e.seq));
  }
  for (const auto& e : changes.events) insert_event(session_id, e);
  for (const auto& u : changes.upvotes) insert_upvote(session_id, u);
  for (const auto& v : changes.votes) upsert_vote(session_id, v);
  transaction.commit();
}

void SqliteStore::insert_event(const std::string& session_id, const Event& e) {
  stmt("INSERT INTO events(session_id,seq,at_ms,kind,by_json,data_json,hash) VALUES(?,?,?,?,?,?,?)")
      .bind(session_id)
      .bind(e.seq)
      .bind(e.at_ms)
      .bind(e.kind)
      .bind(e.by ? to_json(*e.by).dump() : std::string("null"))
      .bind(e.data.dump())
      .bind(e.hash)
      .run();
}

void SqliteStore::insert_upvote(const std::string& session_id, const Upvote& u) {
  stmt("INSERT OR IGNORE INTO upvotes(session_id,question,voter) VALUES(?,?,?)")
      .bind(session_id)
      .bind(u.question)
      .bind(u.voter)
      .run();
}

void SqliteStore::upsert_vote(const std::string& session_id, const Vote& v) {
  stmt("INSERT INTO votes(session_id,point,voter,role,choice) VALUES(?,?,?,?,?) "
       "ON CONFLICT(session_id,point,voter) DO UPDATE SET role=excluded.role, choice=excluded.choice")
      .bind(session_id)
      .bind(v.point)
      .bind(v.voter)
      .bind(std::string(to_string(v.role)))
      .bind(std::string(to_string(v.choice)))
      .run();
}

void SqliteStore::set_peak_audience(const std::string& session_id, int peak) {
  stmt("UPDATE sessions SET peak_audience=MAX(peak_audience,?) WHERE id=?").bind(int64_t{peak}).bind(session_id).run();
}

void SqliteStore::set_meta(const std::string& key, const std::string& value) {
  stmt("INSERT INTO meta(key,value) VALUES(?,?) ON CONFLICT(key) DO UPDATE SET value=excluded.value")
      .bind(key)
      .bind(value)
      .run();
}

std::optional<std::string> SqliteStore::meta(const std::string& key) {
  auto& st = stmt("SELECT value FROM meta WHERE key=?").bind(key);
  std::optional<std::string> value;
  if (st.step()) value = st.text(0);
  // A statement left on a row keeps its read transaction open: a connection kept open
  // (the Reader's) would see this snapshot forever, and the WAL could not be checkpointed.
  st.reset();
  return value;
}

std::vector<SessionInfo> SqliteStore::sessions() {
  std::vector<SessionInfo> out;
  auto& st = stmt(
      "SELECT id,title,topic,stream_url,scheduled_at,settings,created_ms,venue,form,episode,plan_item FROM sessions "
      "ORDER BY created_ms, id");
  while (st.step()) {
    SessionInfo s;
    s.id = st.text(0);
    s.title = st.text(1);
    s.topic = st.text(2);
    s.stream_url = st.text(3);
    s.scheduled_at = st.text(4);
    std::string why;
    auto settings = Settings::from_json(json::parse(st.text(5)), why);
    if (!settings) throw std::runtime_error("stored settings of session " + s.id + " are invalid: " + why);
    s.settings = *settings;
    s.created_ms = st.integer(6);
    s.venue = st.text(7);
    s.form = st.text(8);
    s.episode = static_cast<int>(st.integer(9));
    s.plan_item = st.text(10);
    out.push_back(std::move(s));
  }
  return out;
}

int SqliteStore::peak_audience(const std::string& session_id) {
  auto& st = stmt("SELECT peak_audience FROM sessions WHERE id=?").bind(session_id);
  int peak = st.step() ? static_cast<int>(st.integer(0)) : 0;
  st.reset();  // ends the read transaction, as in meta()
  return peak;
}

std::vector<StoredParticipant> SqliteStore::participants(const std::string& session_id) {
  std::vector<StoredParticipant> out;
  auto& st = stmt("SELECT id,role,name,affiliation,token_hash,person FROM participants WHERE session_id=? ORDER BY rowid")
                 .bind(session_id);
  while (st.step()) {
    StoredParticipant sp;
    sp.participant.id = st.text(0);
    sp.participant.session_id = session_id;
    sp.participant.role = role_from_string(st.text(1)).value_or(Role::audience);
    sp.participant.name = st.text(2);
    sp.participant.affiliation = st.text(3);
    sp.token_hash = st.text(4);
    sp.participant.person = st.text(5);
    out.push_back(std::move(sp));
  }
  return out;
}

std::vector<Event> SqliteStore::events(const std::string& session_id, int64_t after, int64_t limit) {
  std::vector<Event> out;
  auto& st = stmt("SELECT seq,at_ms,kind,by_json,data_json,hash FROM events WHERE session_id=? AND seq>? "
                  "ORDER BY seq LIMIT ?")
                 .bind(session_id)
                 .bind(after)
                 .bind(limit);
  while (st.step()) {
    Event e;
    e.seq = st.integer(0);
    e.at_ms = st.integer(1);
    e.kind = st.text(2);
    json by = json::parse(st.text(3), nullptr, false);
    if (by.is_object()) {
      e.by = Actor{by.value("participant", ""), role_from_string(by.value("role", "")).value_or(Role::audience),
                   by.value("name", "")};
    }
    e.data = json::parse(st.text(4), nullptr, false);
    if (e.data.is_discarded()) e.data = json::object();
    e.hash = st.text(5);
    out.push_back(std::move(e));
  }
  return out;
}

std::vector<Upvote> SqliteStore::upvotes(const std::string& session_id) {
  std::vector<Upvote> out;
  auto& st = stmt("SELECT question,voter FROM upvotes WHERE session_id=?").bind(session_id);
  while (st.step()) out.push_back(Upvote{st.text(0), st.text(1)});
  return out;
}

std::vector<Vote> SqliteStore::votes(const std::string& session_id) {
  std::vector<Vote> out;
  auto& st = stmt("SELECT point,voter,role,choice FROM votes WHERE session_id=?").bind(session_id);
  while (st.step()) {
    Vote v;
    v.point = st.text(0);
    v.voter = st.text(1);
    v.role = role_from_string(st.text(2)).value_or(Role::audience);
    std::string c = st.text(3);
    v.choice = c == "agree" ? Choice::agree : c == "disagree" ? Choice::disagree : Choice::abstain;
    out.push_back(std::move(v));
  }
  return out;
}

void SqliteStore::backup_to(const std::string& path) {
  sqlite3* dest = nullptr;
  if (sqlite3_open(path.c_str(), &dest) != SQLITE_OK) {
    std::string msg = dest ? sqlite3_errmsg(dest) : "out of memory";
    sqlite3_close(dest);
    throw std::runtime_error("sqlite: open backup " + path + ": " + msg);
  }
  sqlite3_backup* b = sqlite3_backup_init(dest, "main", db_, "main");
  if (!b) {
    std::string msg = sqlite3_errmsg(dest);
    sqlite3_close(dest);
    throw std::runtime_error("sqlite: backup: " + msg);
  }
  // All pages in one step, inside one read transaction: a consistent snapshot even while
  // the server writes (page-by-page steps restart whenever another process writes).
  int rc;
  int tries = 0;
  do {
    rc = sqlite3_backup_step(b, -1);
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) sqlite3_sleep(10);
  } while ((rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED) && ++tries < 1000);
  sqlite3_backup_finish(b);
  std::string msg = sqlite3_errmsg(dest);
  sqlite3_close(dest);
  if (rc != SQLITE_DONE) throw std::runtime_error("sqlite: backup: " + msg);
}

}  // namespace yst

namespace yst {

namespace {
// The columns an item's edit may change, in the order both statements below name them.
template <class Statement>
Statement& bind_plan_fields(Statement& st, const PlanItem& item) {
  return st.bind(int64_t{item.year})
      .bind(item.topic)
      .bind(item.form)
      .bind(item.venue)
      .bind(item.planned_date)
      .bind(item.lead)
      .bind(json(item.departments).dump())
      .bind(item.notes)
      .bind(int64_t{item.cancelled});
}
}  // namespace

void SqliteStore::create_plan_item(const PlanItem& item) {
  auto& st = stmt(
      "INSERT INTO plan_items(year,topic,form,venue,planned_date,lead,departments,notes,cancelled,id,created_ms) "
      "VALUES(?,?,?,?,?,?,?,?,?,?,?)");
  bind_plan_fields(st, item).bind(item.id).bind(item.created_ms).run();
}

void SqliteStore::update_plan_item(const PlanItem& item) {
  auto& st = stmt(
      "UPDATE plan_items SET year=?,topic=?,form=?,venue=?,planned_date=?,lead=?,departments=?,notes=?,cancelled=? "
      "WHERE id=?");
  bind_plan_fields(st, item).bind(item.id).run();
  if (sqlite3_changes(db_) == 0) throw std::runtime_error("sqlite: no plan item " + item.id);
}

std::vector<PlanItem> SqliteStore::plan_items() {
  std::vector<PlanItem> out;
  auto& st = stmt(
      "SELECT id,year,topic,form,venue,planned_date,lead,departments,notes,cancelled,created_ms FROM plan_items "
      "ORDER BY created_ms, id");
  while (st.step()) {
    PlanItem item;
    item.id = st.text(0);
    item.year = static_cast<int>(st.integer(1));
    item.topic = st.text(2);
    item.form = st.text(3);
    item.venue = st.text(4);
    item.planned_date = st.text(5);
    item.lead = st.text(6);
    const json departments = json::parse(st.text(7), nullptr, false);
    if (departments.is_array())
      for (const auto& d : departments)
        if (d.is_string()) item.departments.push_back(d.get<std::string>());
    item.notes = st.text(8);
    item.cancelled = st.integer(9) != 0;
    item.created_ms = st.integer(10);
    out.push_back(std::move(item));
  }
  return out;
}

}  // namespace yst

namespace yst {

void SqliteStore::create_person(const Person& p) {
  stmt("INSERT INTO people(id,name,kind,affiliation,sector,created_ms) VALUES(?,?,?,?,?,?)")
      .bind(p.id)
      .bind(p.name)
      .bind(p.kind)
      .bind(p.affiliation)
      .bind(p.sector)
      .bind(p.created_ms)
      .run();
}

void SqliteStore::update_person(const Person& p) {
  stmt("UPDATE people SET name=?,kind=?,affiliation=?,sector=? WHERE id=?")
      .bind(p.name)
      .bind(p.kind)
      .bind(p.affiliation)
      .bind(p.sector)
      .bind(p.id)
      .run();
  if (sqlite3_changes(db_) == 0) throw std::runtime_error("sqlite: no person " + p.id);
}

std::vector<Person> SqliteStore::people() {
  std::vector<Person> out;
  auto& st = stmt("SELECT id,name,kind,affiliation,sector,created_ms FROM people ORDER BY created_ms, id");
  while (st.step())
    out.push_back(Person{st.text(0), st.text(1), st.text(2), st.text(3), st.text(4), st.integer(5)});
  return out;
}

void SqliteStore::mark_attended(const std::string& session_id, const std::string& participant_id) {
  stmt("INSERT OR IGNORE INTO attendance(session_id,participant) VALUES(?,?)").bind(session_id).bind(participant_id).run();
}

std::vector<std::string> SqliteStore::attendance(const std::string& session_id) {
  std::vector<std::string> out;
  auto& st = stmt("SELECT participant FROM attendance WHERE session_id=? ORDER BY participant").bind(session_id);
  while (st.step()) out.push_back(st.text(0));
  return out;
}

void SqliteStore::create_topic(const Topic& t) {
  stmt("INSERT INTO topics(id,title,text,name,proposer,status,flagged,reply,plan_item,created_ms) "
       "VALUES(?,?,?,?,?,?,?,?,?,?)")
      .bind(t.id)
      .bind(t.title)
      .bind(t.text)
      .bind(t.name)
      .bind(t.proposer)
      .bind(t.status)
      .bind(int64_t{t.flagged})
      .bind(t.reply)
      .bind(t.plan_item)
      .bind(t.created_ms)
      .run();
}

void SqliteStore::update_topic(const Topic& t) {
  stmt("UPDATE topics SET status=?,reply=?,plan_item=? WHERE id=?").bind(t.status).bind(t.reply).bind(t.plan_item).bind(t.id).run();
  if (sqlite3_changes(db_) == 0) throw std::runtime_error("sqlite: no topic " + t.id);
}

void SqliteStore::add_topic_support(const std::string& topic_id, const std::string& supporter) {
  stmt("INSERT OR IGNORE INTO topic_support(topic_id,supporter) VALUES(?,?)").bind(topic_id).bind(supporter).run();
}

std::vector<Topic> SqliteStore::topics() {
  std::vector<Topic> out;
  auto& st = stmt("SELECT id,title,text,name,proposer,status,flagged,reply,plan_item,created_ms FROM topics "
                  "ORDER BY created_ms, id");
  while (st.step()) {
    Topic t;
    t.id = st.text(0);
    t.title = st.text(1);
    t.text = st.text(2);
    t.name = st.text(3);
    t.proposer = st.text(4);
    t.status = st.text(5);
    t.flagged = st.integer(6) != 0;
    t.reply = st.text(7);
    t.plan_item = st.text(8);
    t.created_ms = st.integer(9);
    out.push_back(std::move(t));
  }
  auto& support = stmt("SELECT topic_id,supporter FROM topic_support");
  while (support.step()) {
    const std::string id = support.text(0);
    for (auto& t : out)
      if (t.id == id) t.supporters.insert(support.text(1));
  }
  return out;
}

}  // namespace yst
