#include "storage/PgStore.hpp"

#include <libpq-fe.h>
#include <spdlog/spdlog.h>

#include <stdexcept>
#include <vector>

#include "session/Event.hpp"
#include "storage/GroupCommit.hpp"

namespace yst {

// A result that clears itself; rows and columns as text.
class PgStore::Result {
 public:
  explicit Result(PGresult* r) : r_(r) {}
  ~Result() { PQclear(r_); }
  Result(Result&& o) noexcept : r_(o.r_) { o.r_ = nullptr; }
  Result(const Result&) = delete;
  int rows() const { return PQntuples(r_); }
  std::string text(int row, int col) const { return PQgetvalue(r_, row, col); }
  int64_t integer(int row, int col) const { return std::stoll(PQgetvalue(r_, row, col)); }
  int status() const { return PQresultStatus(r_); }
  std::string error() const { return PQresultErrorMessage(r_); }

 private:
  PGresult* r_;
};

namespace {

constexpr const char* kSchema = R"SQL(
  CREATE TABLE IF NOT EXISTS sessions (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    topic TEXT NOT NULL DEFAULT '',
    stream_url TEXT NOT NULL DEFAULT '',
    scheduled_at TEXT NOT NULL DEFAULT '',
    settings TEXT NOT NULL,
    created_ms BIGINT NOT NULL,
    peak_audience INTEGER NOT NULL DEFAULT 0,
    venue TEXT NOT NULL DEFAULT '',
    form TEXT NOT NULL DEFAULT '',
    episode INTEGER NOT NULL DEFAULT 0,
    plan_item TEXT NOT NULL DEFAULT '',
    -- The chain's end, moved under the row's lock in the transaction that stores events,
    -- so that seq stays gap-free however many writers share the database.
    last_seq BIGINT NOT NULL DEFAULT 0,
    head TEXT NOT NULL DEFAULT ''
  );
  CREATE TABLE IF NOT EXISTS participants (
    ord BIGSERIAL,
    id TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES sessions(id),
    role TEXT NOT NULL,
    name TEXT NOT NULL,
    affiliation TEXT NOT NULL DEFAULT '',
    token_hash TEXT UNIQUE,
    person TEXT NOT NULL DEFAULT ''
  );
  CREATE INDEX IF NOT EXISTS participants_by_session ON participants(session_id);
  CREATE TABLE IF NOT EXISTS events (
    session_id TEXT NOT NULL REFERENCES sessions(id),
    seq BIGINT NOT NULL,
    at_ms BIGINT NOT NULL,
    kind TEXT NOT NULL,
    by_json TEXT,
    data_json TEXT NOT NULL,
    hash TEXT NOT NULL,
    PRIMARY KEY (session_id, seq)
  );
  CREATE TABLE IF NOT EXISTS upvotes (
    session_id TEXT NOT NULL, question TEXT NOT NULL, voter TEXT NOT NULL,
    PRIMARY KEY (session_id, question, voter)
  );
  CREATE TABLE IF NOT EXISTS votes (
    session_id TEXT NOT NULL, point TEXT NOT NULL, voter TEXT NOT NULL, role TEXT NOT NULL, choice TEXT NOT NULL,
    PRIMARY KEY (session_id, point, voter)
  );
  CREATE TABLE IF NOT EXISTS plan_items (
    id TEXT PRIMARY KEY, year INTEGER NOT NULL, topic TEXT NOT NULL, form TEXT NOT NULL,
    venue TEXT NOT NULL DEFAULT '', planned_date TEXT NOT NULL DEFAULT '', lead TEXT NOT NULL DEFAULT '',
    departments TEXT NOT NULL DEFAULT '[]', notes TEXT NOT NULL DEFAULT '', cancelled BOOLEAN NOT NULL DEFAULT false,
    created_ms BIGINT NOT NULL
  );
  CREATE TABLE IF NOT EXISTS people (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL, affiliation TEXT NOT NULL DEFAULT '',
    sector TEXT NOT NULL DEFAULT '', created_ms BIGINT NOT NULL
  );
  CREATE TABLE IF NOT EXISTS attendance (
    session_id TEXT NOT NULL, participant TEXT NOT NULL, PRIMARY KEY (session_id, participant)
  );
  CREATE TABLE IF NOT EXISTS topics (
    id TEXT PRIMARY KEY, title TEXT NOT NULL, text TEXT NOT NULL, name TEXT NOT NULL, proposer TEXT NOT NULL,
    status TEXT NOT NULL, flagged BOOLEAN NOT NULL DEFAULT false, reply TEXT NOT NULL DEFAULT '',
    plan_item TEXT NOT NULL DEFAULT '', created_ms BIGINT NOT NULL
  );
  CREATE TABLE IF NOT EXISTS topic_support (
    topic_id TEXT NOT NULL, supporter TEXT NOT NULL, PRIMARY KEY (topic_id, supporter)
  );
)SQL";

std::string num(int64_t v) { return std::to_string(v); }
std::string boolean(bool v) { return v ? "true" : "false"; }

}  // namespace

PgStore::PgStore(const std::string& url, Durability durability) : url_(url), durability_(durability) {
  conn_ = PQconnectdb(url.c_str());
  if (PQstatus(conn_) != CONNECTION_OK) {
    std::string msg = PQerrorMessage(conn_);
    PQfinish(conn_);
    conn_ = nullptr;
    throw std::runtime_error("postgresql: cannot connect: " + msg);
  }
  // "relation already exists, skipping" and the like are not worth a line on stderr.
  exec("SET client_min_messages = warning");
  migrate();
}

PgStore::~PgStore() { PQfinish(conn_); }

void PgStore::reconnect_if_lost() {
  if (PQstatus(conn_) == CONNECTION_OK) return;
  PQreset(conn_);
  if (PQstatus(conn_) != CONNECTION_OK) throw std::runtime_error(std::string("postgresql: connection lost: ") + PQerrorMessage(conn_));
  spdlog::warn("postgresql: reconnected");
  exec(durability_ == Durability::power ? "SET synchronous_commit = on" : "SET synchronous_commit = off");
}

void PgStore::exec(const char* sql) {
  PGresult* r = PQexec(conn_, sql);
  const auto status = PQresultStatus(r);
  std::string msg = PQresultErrorMessage(r);
  PQclear(r);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) throw std::runtime_error("postgresql: " + msg);
}

// Both throw with PostgreSQL's message when the statement failed.
void PgStore::run(const char* sql, std::initializer_list<std::string> params) { rows(sql, params, false); }

PgStore::Result PgStore::rows(const char* sql, std::initializer_list<std::string> params, bool want_rows) {
  std::vector<const char*> values;
  for (const auto& p : params) values.push_back(p.c_str());
  for (int attempt = 0;; ++attempt) {
    Result r(PQexecParams(conn_, sql, static_cast<int>(values.size()), nullptr, values.data(), nullptr, nullptr, 0));
    const auto status = r.status();
    if (status == PGRES_COMMAND_OK || (want_rows && status == PGRES_TUPLES_OK)) return r;
    // A statement on its own (a read of the minutes, say) survives a database that went
    // away and came back: reconnect and run it once more. Inside a transaction the caller
    // must start over, so the failure stands.
    if (attempt == 0 && !in_transaction_ && PQstatus(conn_) == CONNECTION_BAD) {
      reconnect_if_lost();
      continue;
    }
    throw std::runtime_error("postgresql: " + r.error());
  }
}

template <class Body>
void PgStore::in_transaction(Body&& body) {
  if (in_transaction_) return body();
  if (PQstatus(conn_) == CONNECTION_BAD) reconnect_if_lost();
  exec("BEGIN");
  in_transaction_ = true;
  try {
    body();
    in_transaction_ = false;
    exec("COMMIT");
  } catch (...) {
    in_transaction_ = false;
    try {
      exec("ROLLBACK");
    } catch (...) {  // the connection is gone; nothing to roll back
    }
    throw;
  }
}

void PgStore::migrate() {
  exec(durability_ == Durability::power ? "SET synchronous_commit = on" : "SET synchronous_commit = off");
  in_transaction([&] {
    // Two nodes starting together migrate one after the other.
    exec("SELECT pg_advisory_xact_lock(72019)");
    exec("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
    auto version = meta("schema_version");
    const int v = version ? std::stoi(*version) : 0;
    if (v > kSchemaVersion)
      throw std::runtime_error("the database schema (version " + std::to_string(v) +
                               ") is newer than this program understands (" + std::to_string(kSchemaVersion) + ")");
    if (v < 1) {
      exec(kSchema);
      set_meta("schema_version", "1");
    }
    if (v < 2) {
      exec("ALTER TABLE sessions ADD COLUMN IF NOT EXISTS owner_epoch BIGINT NOT NULL DEFAULT 0");
      set_meta("schema_version", "2");
    }
    if (v < 3) {
      exec("CREATE TABLE IF NOT EXISTS receipts (session_id TEXT NOT NULL REFERENCES sessions(id), "
           "request TEXT NOT NULL, ack TEXT NOT NULL, at_ms BIGINT NOT NULL, PRIMARY KEY (session_id, request))");
      exec("CREATE INDEX IF NOT EXISTS receipts_at ON receipts(at_ms)");
      set_meta("schema_version", "3");
    }
  });
}

void PgStore::create_session(const SessionInfo& s) {
  run("INSERT INTO sessions(id,title,topic,stream_url,scheduled_at,settings,created_ms,venue,form,episode,plan_item) "
      "VALUES($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)", {s.id, s.title, s.topic, s.stream_url, s.scheduled_at, s.settings.to_json().dump(), num(s.created_ms), s.venue, s.form, num(s.episode), s.plan_item});
}

void PgStore::update_session(const SessionInfo& s) {
  auto r = rows("UPDATE sessions SET title=$1,topic=$2,stream_url=$3,scheduled_at=$4,settings=$5,venue=$6,form=$7,"
              "episode=$8,plan_item=$9 WHERE id=$10 RETURNING id", {s.title, s.topic, s.stream_url, s.scheduled_at, s.settings.to_json().dump(), s.venue, s.form, num(s.episode), s.plan_item, s.id});
  if (r.rows() == 0) throw std::runtime_error("postgresql: no session " + s.id);
}

void PgStore::add_participant(const Participant& p, const std::string& token_hash) {
  run("INSERT INTO participants(id,session_id,role,name,affiliation,token_hash,person) "
      "VALUES($1,$2,$3,$4,$5,NULLIF($6,''),$7)", {p.id, p.session_id, std::string(to_string(p.role)), p.name, p.affiliation, token_hash, p.person});
}

void PgStore::set_token_hash(const std::string& participant_id, const std::string& token_hash) {
  auto r = rows("UPDATE participants SET token_hash=NULLIF($1,'') WHERE id=$2 RETURNING id", {token_hash, participant_id});
  if (r.rows() == 0) throw std::runtime_error("postgresql: no participant " + participant_id);
}

void PgStore::update_participant(const Participant& p) {
  auto r = rows("UPDATE participants SET name=$1,affiliation=$2 WHERE id=$3 RETURNING id", {p.name, p.affiliation, p.id});
  if (r.rows() == 0) throw std::runtime_error("postgresql: no participant " + p.id);
}

void PgStore::create_plan_item(const PlanItem& i) {
  run("INSERT INTO plan_items(year,topic,form,venue,planned_date,lead,departments,notes,cancelled,id,created_ms) "
      "VALUES($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)", {num(i.year), i.topic, i.form, i.venue, i.planned_date, i.lead, json(i.departments).dump(), i.notes, boolean(i.cancelled), i.id, num(i.created_ms)});
}

void PgStore::update_plan_item(const PlanItem& i) {
  auto r = rows("UPDATE plan_items SET year=$1,topic=$2,form=$3,venue=$4,planned_date=$5,lead=$6,departments=$7,"
              "notes=$8,cancelled=$9 WHERE id=$10 RETURNING id", {num(i.year), i.topic, i.form, i.venue, i.planned_date, i.lead, json(i.departments).dump(), i.notes, boolean(i.cancelled), i.id});
  if (r.rows() == 0) throw std::runtime_error("postgresql: no plan item " + i.id);
}

void PgStore::create_person(const Person& p) {
  run("INSERT INTO people(id,name,kind,affiliation,sector,created_ms) VALUES($1,$2,$3,$4,$5,$6)", {p.id, p.name, p.kind, p.affiliation, p.sector, num(p.created_ms)});
}

void PgStore::update_person(const Person& p) {
  auto r = rows("UPDATE people SET name=$1,kind=$2,affiliation=$3,sector=$4 WHERE id=$5 RETURNING id", {p.name, p.kind, p.affiliation, p.sector, p.id});
  if (r.rows() == 0) throw std::runtime_error("postgresql: no person " + p.id);
}

void PgStore::mark_attended(const std::string& session_id, const std::string& participant_id) {
  run("INSERT INTO attendance(session_id,participant) VALUES($1,$2) ON CONFLICT DO NOTHING", {session_id, participant_id});
}

void PgStore::create_topic(const Topic& t) {
  run("INSERT INTO topics(id,title,text,name,proposer,status,flagged,reply,plan_item,created_ms) "
      "VALUES($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)", {t.id, t.title, t.text, t.name, t.proposer, t.status, boolean(t.flagged), t.reply, t.plan_item, num(t.created_ms)});
}

void PgStore::update_topic(const Topic& t) {
  auto r = rows("UPDATE topics SET status=$1,reply=$2,plan_item=$3 WHERE id=$4 RETURNING id", {t.status, t.reply, t.plan_item, t.id});
  if (r.rows() == 0) throw std::runtime_error("postgresql: no topic " + t.id);
}

void PgStore::add_topic_support(const std::string& topic_id, const std::string& supporter) {
  run("INSERT INTO topic_support(topic_id,supporter) VALUES($1,$2) ON CONFLICT DO NOTHING", {topic_id, supporter});
}

void PgStore::store(const std::string& session_id, const Changes& changes) {
  in_transaction([&] {
    if (!changes.events.empty()) {
      // The session's row is locked until the commit: another writer of the same session
      // waits, then finds the seq taken and fails rather than fork the chain. The head is
      // kept beside last_seq for the next node that takes the session over.
      auto end = rows("SELECT last_seq, head FROM sessions WHERE id=$1 FOR UPDATE", {session_id});
      if (end.rows() == 0) throw std::runtime_error("postgresql: no session " + session_id);
      int64_t last = end.integer(0, 0);
      std::string head = end.text(0, 1);
      for (const auto& e : changes.events) {
        if (e.seq != last + 1)
          throw std::runtime_error("postgresql: session " + session_id + " is at seq " + num(last) + "; refusing seq " +
                                   num(e.seq));
        run("INSERT INTO events(session_id,seq,at_ms,kind,by_json,data_json,hash) VALUES($1,$2,$3,$4,$5,$6,$7)", {session_id, num(e.seq), num(e.at_ms), e.kind, e.by ? to_json(*e.by).dump() : std::string("null"), e.data.dump(), e.hash});
        last = e.seq;
        head = e.hash;
      }
      run("UPDATE sessions SET last_seq=$1, head=$2 WHERE id=$3", {num(last), head, session_id});
    }
    for (const auto& u : changes.upvotes)
      run("INSERT INTO upvotes(session_id,question,voter) VALUES($1,$2,$3) ON CONFLICT DO NOTHING", {session_id, u.question, u.voter});
    for (const auto& v : changes.votes)
      run("INSERT INTO votes(session_id,point,voter,role,choice) VALUES($1,$2,$3,$4,$5) "
          "ON CONFLICT (session_id,point,voter) DO UPDATE SET role=EXCLUDED.role, choice=EXCLUDED.choice", {session_id, v.point, v.voter, std::string(to_string(v.role)), std::string(to_string(v.choice))});
  });
}

void PgStore::set_peak_audience(const std::string& session_id, int peak) {
  run("UPDATE sessions SET peak_audience=GREATEST(peak_audience,$1) WHERE id=$2", {num(peak), session_id});
}

int64_t PgStore::take_ownership(const std::string& session_id) {
  // Waits for any commit of the previous owner that holds the epoch (expect_owner's lock).
  auto r = rows("UPDATE sessions SET owner_epoch=owner_epoch+1 WHERE id=$1 RETURNING owner_epoch", {session_id});
  if (r.rows() == 0) throw std::runtime_error("postgresql: no session " + session_id);
  return r.integer(0, 0);
}

void PgStore::expect_owner(const std::string& session_id, int64_t epoch) {
  auto r = rows("SELECT owner_epoch FROM sessions WHERE id=$1 FOR SHARE", {session_id});
  if (r.rows() == 0) throw std::runtime_error("postgresql: no session " + session_id);
  if (r.integer(0, 0) != epoch)
    throw std::runtime_error("postgresql: session " + session_id + " was taken over (owner epoch " +
                             num(r.integer(0, 0)) + ", this node's " + num(epoch) + ")");
}

void PgStore::store_receipt(const std::string& session_id, const Receipt& receipt) {
  run("INSERT INTO receipts(session_id,request,ack,at_ms) VALUES($1,$2,$3,$4)",
      {session_id, receipt.request, receipt.ack, num(receipt.at_ms)});
}

std::vector<Receipt> PgStore::receipts(const std::string& session_id, int64_t since_ms) {
  auto r = rows("SELECT request,ack,at_ms FROM receipts WHERE session_id=$1 AND at_ms>=$2 ORDER BY at_ms",
                {session_id, num(since_ms)});
  std::vector<Receipt> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(Receipt{r.text(i, 0), r.text(i, 1), r.integer(i, 2)});
  return out;
}

void PgStore::forget_receipts(int64_t before_ms) {
  run("DELETE FROM receipts WHERE at_ms<$1", {num(before_ms)});
}

void PgStore::set_meta(const std::string& key, const std::string& value) {
  run("INSERT INTO meta(key,value) VALUES($1,$2) ON CONFLICT (key) DO UPDATE SET value=EXCLUDED.value", {key, value});
}

std::vector<bool> PgStore::write_batch(std::span<const Job> jobs) {
  try {
    reconnect_if_lost();
  } catch (const std::exception& e) {
    spdlog::error("storage commit failed: {}", e.what());
    set_commit_failure(e.what());
    return std::vector<bool>(jobs.size(), false);
  }
  static constexpr GroupCommitSql kSql{"BEGIN", "SAVEPOINT job", "RELEASE SAVEPOINT job",
                                       "ROLLBACK TO SAVEPOINT job; RELEASE SAVEPOINT job"};
  return group_commit(jobs, *this, kSql, [this](const char* sql) { exec(sql); }, in_transaction_);
}

std::optional<std::string> PgStore::meta(const std::string& key) {
  auto r = rows("SELECT value FROM meta WHERE key=$1", {key});
  if (r.rows() == 0) return std::nullopt;
  return r.text(0, 0);
}

std::vector<SessionInfo> PgStore::sessions() {
  auto r = rows("SELECT id,title,topic,stream_url,scheduled_at,settings,created_ms,venue,form,episode,plan_item "
              "FROM sessions ORDER BY created_ms, id", {});
  std::vector<SessionInfo> out;
  for (int i = 0; i < r.rows(); ++i) {
    SessionInfo s;
    s.id = r.text(i, 0);
    s.title = r.text(i, 1);
    s.topic = r.text(i, 2);
    s.stream_url = r.text(i, 3);
    s.scheduled_at = r.text(i, 4);
    std::string why;
    auto settings = Settings::from_json(json::parse(r.text(i, 5)), why);
    if (!settings) throw std::runtime_error("stored settings of session " + s.id + " are invalid: " + why);
    s.settings = *settings;
    s.created_ms = r.integer(i, 6);
    s.venue = r.text(i, 7);
    s.form = r.text(i, 8);
    s.episode = static_cast<int>(r.integer(i, 9));
    s.plan_item = r.text(i, 10);
    out.push_back(std::move(s));
  }
  return out;
}

std::vector<StoredParticipant> PgStore::participants(const std::string& session_id) {
  auto r = rows("SELECT id,role,name,affiliation,COALESCE(token_hash,''),person FROM participants WHERE session_id=$1 "
              "ORDER BY ord", {session_id});
  std::vector<StoredParticipant> out;
  for (int i = 0; i < r.rows(); ++i) {
    StoredParticipant sp;
    sp.participant = Participant{r.text(i, 0), session_id, role_from_string(r.text(i, 1)).value_or(Role::audience),
                                 r.text(i, 2), r.text(i, 3), r.text(i, 5)};
    sp.token_hash = r.text(i, 4);
    out.push_back(std::move(sp));
  }
  return out;
}

std::vector<Event> PgStore::events(const std::string& session_id, int64_t after, int64_t limit) {
  auto r = rows("SELECT seq,at_ms,kind,by_json,data_json,hash FROM events WHERE session_id=$1 AND seq>$2 ORDER BY seq "
              "LIMIT CASE WHEN $3::bigint < 0 THEN NULL ELSE $3::bigint END", {session_id, num(after), num(limit)});
  std::vector<Event> out;
  for (int i = 0; i < r.rows(); ++i) {
    Event e;
    e.seq = r.integer(i, 0);
    e.at_ms = r.integer(i, 1);
    e.kind = r.text(i, 2);
    json by = json::parse(r.text(i, 3), nullptr, false);
    if (by.is_object())
      e.by = Actor{by.value("participant", ""), role_from_string(by.value("role", "")).value_or(Role::audience),
                   by.value("name", "")};
    e.data = json::parse(r.text(i, 4), nullptr, false);
    if (e.data.is_discarded()) e.data = json::object();
    e.hash = r.text(i, 5);
    out.push_back(std::move(e));
  }
  return out;
}

std::vector<Upvote> PgStore::upvotes(const std::string& session_id) {
  auto r = rows("SELECT question,voter FROM upvotes WHERE session_id=$1 ORDER BY question, voter", {session_id});
  std::vector<Upvote> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(Upvote{r.text(i, 0), r.text(i, 1)});
  return out;
}

std::vector<Vote> PgStore::votes(const std::string& session_id) {
  auto r = rows("SELECT point,voter,role,choice FROM votes WHERE session_id=$1 ORDER BY point, voter", {session_id});
  std::vector<Vote> out;
  for (int i = 0; i < r.rows(); ++i) {
    const std::string c = r.text(i, 3);
    out.push_back(Vote{r.text(i, 0), r.text(i, 1), role_from_string(r.text(i, 2)).value_or(Role::audience),
                       c == "agree" ? Choice::agree : c == "disagree" ? Choice::disagree : Choice::abstain});
  }
  return out;
}

int PgStore::peak_audience(const std::string& session_id) {
  auto r = rows("SELECT peak_audience FROM sessions WHERE id=$1", {session_id});
  return r.rows() ? static_cast<int>(r.integer(0, 0)) : 0;
}

std::vector<PlanItem> PgStore::plan_items() {
  auto r = rows("SELECT id,year,topic,form,venue,planned_date,lead,departments,notes,cancelled,created_ms FROM plan_items "
              "ORDER BY created_ms, id", {});
  std::vector<PlanItem> out;
  for (int i = 0; i < r.rows(); ++i) {
    PlanItem item{.id = r.text(i, 0),
                  .year = static_cast<int>(r.integer(i, 1)),
                  .topic = r.text(i, 2),
                  .form = r.text(i, 3),
                  .venue = r.text(i, 4),
                  .planned_date = r.text(i, 5),
                  .lead = r.text(i, 6),
                  .departments = {},
                  .notes = r.text(i, 8),
                  .cancelled = r.text(i, 9) == "t",
                  .created_ms = r.integer(i, 10)};
    const json departments = json::parse(r.text(i, 7), nullptr, false);
    if (departments.is_array())
      for (const auto& d : departments)
        if (d.is_string()) item.departments.push_back(d.get<std::string>());
    out.push_back(std::move(item));
  }
  return out;
}

std::vector<Person> PgStore::people() {
  auto r = rows("SELECT id,name,kind,affiliation,sector,created_ms FROM people ORDER BY created_ms, id", {});
  std::vector<Person> out;
  for (int i = 0; i < r.rows(); ++i)
    out.push_back(Person{r.text(i, 0), r.text(i, 1), r.text(i, 2), r.text(i, 3), r.text(i, 4), r.integer(i, 5)});
  return out;
}

std::vector<std::string> PgStore::attendance(const std::string& session_id) {
  auto r = rows("SELECT participant FROM attendance WHERE session_id=$1 ORDER BY participant", {session_id});
  std::vector<std::string> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(r.text(i, 0));
  return out;
}

std::vector<Topic> PgStore::topics() {
  auto r = rows("SELECT id,title,text,name,proposer,status,flagged,reply,plan_item,created_ms FROM topics "
              "ORDER BY created_ms, id", {});
  std::vector<Topic> out;
  for (int i = 0; i < r.rows(); ++i) {
    Topic t;
    t.id = r.text(i, 0);
    t.title = r.text(i, 1);
    t.text = r.text(i, 2);
    t.name = r.text(i, 3);
    t.proposer = r.text(i, 4);
    t.status = r.text(i, 5);
    t.flagged = r.text(i, 6) == "t";
    t.reply = r.text(i, 7);
    t.plan_item = r.text(i, 8);
    t.created_ms = r.integer(i, 9);
    out.push_back(std::move(t));
  }
  auto s = rows("SELECT topic_id,supporter FROM topic_support", {});
  for (int i = 0; i < s.rows(); ++i)
    for (auto& t : out)
      if (t.id == s.text(i, 0)) t.supporters.insert(s.text(i, 1));
  return out;
}

void PgStore::backup_to(const std::string& path) {
  throw std::runtime_error("a PostgreSQL store is backed up with pg_dump, e.g. pg_dump --format=custom --file=" + path +
                           " '<the --store URL>'");
}

}  // namespace yst
