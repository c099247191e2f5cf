#include "server/Hub.hpp"

#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>

#include "session/Sha256.hpp"

namespace yst {

namespace fs = std::filesystem;

namespace {
int64_t system_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Short, unambiguous, URL-safe ids (no 0/O, 1/l): easy to read aloud on air.
std::string random_id(size_t len) {
  static const char* alphabet = "23456789abcdefghijkmnpqrstuvwxyz";
  std::string raw = random_token(len);  // CSPRNG bytes as base64url
  std::string out;
  for (char c : raw) {
    out.push_back(alphabet[static_cast<unsigned char>(c) % 32]);
    if (out.size() == len) break;
  }
  return out;
}
}  // namespace

Hub::Hub(std::vector<net::io_context*> contexts, const Config& config, Clock clock)
    : contexts_(std::move(contexts)), config_(config), clock_(clock ? std::move(clock) : Clock(system_now_ms)) {
  if (contexts_.empty()) throw std::logic_error("Hub: no io_context");
}

size_t Hub::shard_of(const net::any_io_executor& executor) const {
  const net::execution_context* ctx = &net::query(executor, net::execution::context);
  for (size_t i = 0; i < contexts_.size(); ++i)
    if (contexts_[i] == ctx) return i;
  return 0;
}

net::io_context& Hub::home_context(const std::string& session_id) const {
  return *contexts_[std::hash<std::string>{}(session_id) % contexts_.size()];
}

Hub::~Hub() {
  if (writer_) writer_->stop();
}

std::string Hub::database_path() const { return (fs::path(config_.data_dir) / "yishiting.db").string(); }
std::string Hub::admin_token_file() const { return (fs::path(config_.data_dir) / "admin-token").string(); }

void Hub::load() {
  // A data directory we create is the owner's only: the generated admin token lives here.
  if (fs::create_directories(config_.data_dir))
    fs::permissions(config_.data_dir, fs::perms::owner_all, fs::perm_options::replace);
  db_ = std::make_unique<Database>(database_path());

  // The admin token: only its hash is kept in the database. When none is configured, one
  // is generated on first start and written once, mode 0600, for the operator to read.
  if (!config_.admin_token.empty()) {
    admin_hash_ = sha256_hex(config_.admin_token);
  } else if (auto stored = db_->meta("admin_token_sha256")) {
    admin_hash_ = *stored;
    spdlog::info("admin token: as generated on first start (see {})", admin_token_file());
  } else {
    std::string token = random_token(24);
    std::string path = admin_token_file();
    std::string tmp = path + ".tmp";
    {
      std::ofstream out(tmp, std::ios::trunc);
      out << token << '\n';
      if (!out) throw std::runtime_error("cannot write " + tmp);
    }
    ::chmod(tmp.c_str(), 0600);
    fs::rename(tmp, path);
    admin_hash_ = sha256_hex(token);
    db_->set_meta("admin_token_sha256", admin_hash_);
    spdlog::info("generated an admin token; it is in {} (mode 0600)", path);
  }

  for (const auto& info : db_->sessions()) {
    auto room = std::make_shared<Room>(*this, home_context(info.id), info);
    auto participants = db_->participants(info.id);
    room->load(participants, db_->events(info.id), db_->upvotes(info.id), db_->votes(info.id),
               db_->peak_audience(info.id));
    for (const auto& sp : participants)
      if (!sp.token_hash.empty()) tokens_[sp.token_hash] = TokenOwner{info.id, sp.participant};
    rooms_[info.id] = std::move(room);
  }
  if (!config_.blocked_words.empty()) {
    std::string message;
    if (!reload_word_filter(message)) throw std::runtime_error(message);
  }
  writer_ = std::make_unique<Writer>(*db_);
  spdlog::info("storage: {} ({} sessions)", database_path(), rooms_.size());
}

std::shared_ptr<Room> Hub::room(const std::string& id) const {
  std::lock_guard lock(mutex_);
  auto it = rooms_.find(id);
  return it == rooms_.end() ? nullptr : it->second;
}

std::vector<std::shared_ptr<Room>> Hub::rooms() const {
  std::lock_guard lock(mutex_);
  std::vector<std::shared_ptr<Room>> out;
  for (const auto& [id, r] : rooms_) out.push_back(r);
  return out;
}

std::optional<TokenOwner> Hub::find_token(std::string_view token) const {
  if (token.empty() || token.size() > 256) return std::nullopt;
  // The map is keyed by the token's SHA-256, so a lookup reveals nothing about stored
  // tokens through timing; the final comparison is constant-time anyway.
  std::string hash = sha256_hex(token);
  std::lock_guard lock(mutex_);
  auto it = tokens_.find(hash);
  if (it == tokens_.end() || !constant_time_equal(it->first, hash)) return std::nullopt;
  return it->second;
}

bool Hub::is_admin(std::string_view token) const {
  if (token.empty() || token.size() > 256) return false;
  return constant_time_equal(sha256_hex(token), admin_hash_);
}

bool Hub::reload_word_filter(std::string& message) {
  if (config_.blocked_words.empty()) {
    message = "no --blocked-words file configured";
    return false;
  }
  try {
    auto filter = std::make_shared<const WordFilter>(WordFilter::from_file(config_.blocked_words));
    message = "loaded " + std::to_string(filter->size()) + " blocked words from " + config_.blocked_words;
    std::atomic_store(&filter_, std::shared_ptr<const WordFilter>(std::move(filter)));
    spdlog::info("{}", message);
    return true;
  } catch (const std::exception& e) {
    message = e.what();
    spdlog::error("blocked words not reloaded: {}", message);
    return false;
  }
}

void Hub::register_token(const std::string& token_hash, const std::string& session_id, const Participant& p) {
  std::lock_guard lock(mutex_);
  tokens_[token_hash] = TokenOwner{session_id, p};
}

void Hub::create_session(SessionInfo info, std::string host_name, CreatedSession done) {
  info.id = random_id(8);
  info.created_ms = now_ms();
  Participant host{"p_" + random_id(10), info.id, Role::host, host_name.empty() ? "主持人" : host_name, ""};
  std::string token = random_token(24);
  std::string hash = sha256_hex(token);
  writer_->submit(
      [info, host, hash](Database& db) {
        db.insert_session(info);
        db.insert_participant(host, hash);
      },
      [this, info, host, hash, token, done = std::move(done)](bool ok) {
        if (!ok) return done(Error{ErrorCode::internal, "could not store the session"}, "", "");
        auto room = std::make_shared<Room>(*this, home_context(info.id), info);
        room->load({StoredParticipant{host, hash}}, {}, {}, {}, 0);
        {
          std::lock_guard lock(mutex_);
          rooms_[info.id] = room;
        }
        register_token(hash, info.id, host);
        done(std::nullopt, info.id, token);
      });
}

void Hub::add_participant(const std::string& session_id, Participant p, CreatedParticipantCb done) {
  auto room = this->room(session_id);
  if (!room) return done(Error{ErrorCode::not_found, "no session " + session_id}, {});
  p.id = "p_" + random_id(10);
  p.session_id = session_id;
  std::string token = random_token(24);
  std::string hash = sha256_hex(token);
  writer_->submit([p, hash](Database& db) { db.insert_participant(p, hash); },
                  [this, room, p, hash, token, done = std::move(done)](bool ok) {
                    if (!ok) return done(Error{ErrorCode::internal, "could not store the participant"}, {});
                    room->add_participant(p);
                    register_token(hash, p.session_id, p);
                    done(std::nullopt, CreatedParticipant{p, token});
                  });
}

std::vector<std::string> Hub::ensure_demo(const std::string& base_url) {
  std::vector<std::string> lines;
  // The writer thread owns the database connection, so even this read goes through it.
  std::optional<std::string> existing;
  std::promise<void> read;
  writer_->submit([&existing](Database& db) { existing = db.meta("demo_session"); }, [&read](bool) { read.set_value(); });
  read.get_future().wait();
  if (existing) {
    lines.push_back("demo session " + *existing +
                    " exists already; its join links were printed when it was created (tokens are kept only as hashes)");
    return lines;
  }
  SessionInfo info;
  info.title = "有事来协商——委员议事厅（演示）";
  info.topic = "老旧小区加装电梯如何协商推进";
  std::promise<std::pair<std::string, std::string>> created;
  auto f = created.get_future();
  create_session(info, "主持人 王主持",
                 [&created](std::optional<Error> err, std::string id, std::string token) {
                   if (err) created.set_exception(std::make_exception_ptr(std::runtime_error(err->message)));
                   else created.set_value({id, token});
                 });
  auto [sid, host_token] = f.get();
  lines.push_back("demo session " + sid + ": " + info.title);
  lines.push_back("  audience:   " + base_url + "/s/" + sid);
  lines.push_back("  host:       " + base_url + "/host/" + sid + "#token=" + host_token);
  struct DemoPerson {
    const char* name;
    Role role;
    const char* affiliation;
  };
  const DemoPerson people[] = {{"李委员", Role::member, "区政协委员"},
                               {"张委员", Role::member, "区政协委员"},
                               {"区住建局 陈科长", Role::department, "区住房和城乡建设局"},
                               {"记录员 赵", Role::clerk, "区政协办公室"}};
  for (const auto& person : people) {
    std::promise<CreatedParticipant> added;
    auto af = added.get_future();
    add_participant(sid, Participant{"", sid, person.role, person.name, person.affiliation},
                    [&added](std::optional<Error> err, CreatedParticipant cp) {
                      if (err) added.set_exception(std::make_exception_ptr(std::runtime_error(err->message)));
                      else added.set_value(std::move(cp));
                    });
    auto cp = af.get();
    const std::string page(page_path(person.role));
    std::string label = std::string(to_string(person.role)) + ":";
    label.resize(12, ' ');
    lines.push_back("  " + label + base_url + page + sid + "#token=" + cp.token + "  (" + person.name + ")");
  }
  lines.push_back("  overlay:    " + base_url + "/overlay/" + sid);
  lines.push_back("  admin:      " + base_url + "/admin");
  std::promise<void> marked;
  writer_->submit([sid = sid](Database& db) { db.set_meta("demo_session", sid); },
                  [&marked](bool) { marked.set_value(); });
  marked.get_future().wait();
  return lines;
}

void Hub::shutdown() {
  for (auto& r : rooms()) r->shutdown();
}

void Hub::forget_connections() {
  for (auto& r : rooms()) r->forget_members();
}

}  // namespace yst
