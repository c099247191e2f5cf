#include "server/Hub.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <filesystem>

#include "server/Demo.hpp"
#include "session/Sha256.hpp"
#include "storage/OpenStore.hpp"

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
    : contexts_(std::move(contexts)),
      config_(config),
      clock_(clock ? std::move(clock) : Clock(system_now_ms)),
      lockout_(WrongTokenLockout::Limits{.window = std::chrono::milliseconds(config.token_lockout_window_ms)}) {
  if (contexts_.empty()) throw std::logic_error("Hub: no io_context");
  if (!config.timeline_path.empty()) timeline_ = std::make_unique<Timeline>(config.timeline_path, contexts_.size());
}

size_t Hub::thread_index_of(const net::any_io_executor& executor) const {
  const net::execution_context* ctx = &net::query(executor, net::execution::context);
  for (size_t i = 0; i < contexts_.size(); ++i)
    if (contexts_[i] == ctx) return i;
  return 0;
}

net::io_context& Hub::home_context(const std::string& session_id) const {
  return *contexts_[std::hash<std::string>{}(session_id) % contexts_.size()];
}

Hub::~Hub() {
  if (cluster_) cluster_->stop();
  if (writer_) writer_->stop();
  if (history_reader_) history_reader_->stop();
}

std::string Hub::database_path() const {
  return config_.store.empty() ? (fs::path(config_.data_dir) / "yishiting.db").string() : config_.store;
}

void Hub::load() {
  // A data directory we create is the owner's only: the generated admin token lives here.
  if (fs::create_directories(config_.data_dir))
    fs::permissions(config_.data_dir, fs::perms::owner_all, fs::perm_options::replace);
  load(open_store(database_path(), config_.durability));
  // A URL may carry a password: the log names the kind of store and the data directory only.
  spdlog::info("storage: {} ({} sessions), durability {}",
               config_.store.empty() ? database_path() : std::string("PostgreSQL (--store)"), rooms_.size(),
               config_.durability == Durability::power ? "power (fsync before ack)" : "process (no fsync before ack)");
}

void Hub::load(std::unique_ptr<Store> store) {
  store_ = std::move(store);
  if (!config_.cluster.empty()) {
    auto redis = cluster::RedisAddress::parse(config_.cluster);
    if (!redis) throw std::runtime_error("--cluster must be redis://HOST:PORT");
    if (config_.store.empty())
      throw std::runtime_error("--cluster needs --store postgresql://…: every node must see the same data");
    cluster_ = std::make_unique<Cluster>(*this, Cluster::Options{*redis, config_.node_id, "",
                                                                 std::chrono::milliseconds(config_.lease_ms)});
  }
  admin_ = AdminToken::settle(config_, *store_);
  for (const auto& info : store_->sessions())
    add_room(info, store_->participants(info.id), store_->events(info.id), store_->upvotes(info.id),
             store_->votes(info.id), store_->peak_audience(info.id));
  plan_.load(store_->plan_items());
  people_.load(store_->people());
  topics_.load(store_->topics());
  if (!config_.blocked_words.empty()) {
    std::string message;
    if (!reload_word_filter(message)) throw std::runtime_error(message);
  }
  writer_ = std::make_unique<Writer>(*store_);
  history_reader_ = std::make_unique<Reader>(database_path());
}

void Hub::add_room(const SessionInfo& info, const std::vector<StoredParticipant>& participants,
                   const std::vector<Event>& events, const std::vector<Upvote>& upvotes, const std::vector<Vote>& votes,
                   int peak_audience) {
  auto room = std::make_shared<Room>(*this, home_context(info.id), info);
  room->load(participants, events, upvotes, votes, peak_audience);
  std::lock_guard lock(mutex_);
  if (rooms_.count(info.id)) return;  // another node's announcement raced this node's own load
  for (const auto& sp : participants)
    if (!sp.token_hash.empty()) tokens_[sp.token_hash] = TokenOwner{info.id, sp.participant};
  rooms_[info.id] = std::move(room);
}

void Hub::start_cluster(const std::string& url) {
  if (!cluster_) return;
  cluster_->start(config_.node_id.empty() ? url.substr(url.find("://") + 3) : config_.node_id, url);
}

void Hub::refresh(const std::string& what, const std::string& session_id, std::function<void()> then) {
  if (what == "plan") return writer_->submit([this](Store& s) { plan_.load(s.plan_items()); }, nullptr);
  if (what == "people") return writer_->submit([this](Store& s) { people_.load(s.people()); }, nullptr);
  if (what == "topics") return writer_->submit([this](Store& s) { topics_.load(s.topics()); }, nullptr);
  if (what != "session" || session_id.empty()) return;
  auto got = std::make_shared<RefreshedSession>();
  const bool known = room(session_id) != nullptr;
  writer_->submit(
      [got, session_id, known](Store& s) {
        for (auto& info : s.sessions())
          if (info.id == session_id) got->info = info;
        if (!got->info) return;
        got->participants = s.participants(session_id);
        if (known) return;
        got->events = s.events(session_id);
        got->upvotes = s.upvotes(session_id);
        got->votes = s.votes(session_id);
        got->peak = s.peak_audience(session_id);
      },
      [this, got, session_id, then = std::move(then)](bool ok) {
        apply_refreshed_session(ok, session_id, *got);
        if (then) then();
      });
}

void Hub::look_up_session(const std::string& session_id, std::function<void()> then) {
  bool answer_now = false;
  {
    std::lock_guard lock(mutex_);
    const int64_t now = now_ms();
    if (lookups_.size() >= 10000)
      std::erase_if(lookups_, [now](const auto& kv) { return kv.second.waiting.empty() && kv.second.missing_until_ms <= now; });
    auto it = lookups_.find(session_id);
    if (it != lookups_.end() && it->second.waiting.empty() && it->second.missing_until_ms > now) {
      answer_now = true;  // the store lacked it a moment ago
    } else if (it == lookups_.end() && lookups_.size() >= 10000) {
      answer_now = true;  // bounded: a flood of made-up ids reads nothing
    } else {
      auto& lookup = lookups_[session_id];
      lookup.waiting.push_back(std::move(then));
      if (lookup.waiting.size() > 1) return;  // the read under way answers this one too
    }
  }
  if (answer_now) return then();
  refresh("session", session_id, [this, session_id] {
    std::vector<std::function<void()>> waiting;
    {
      std::lock_guard lock(mutex_);
      auto& lookup = lookups_[session_id];
      waiting.swap(lookup.waiting);
      if (rooms_.count(session_id)) lookups_.erase(session_id);
      else lookup.missing_until_ms = now_ms() + 2000;
    }
    for (auto& w : waiting) w();
  });
}

void Hub::apply_refreshed_session(bool ok, const std::string& session_id, RefreshedSession& got) {
  if (!ok || !got.info) return;
  auto existing = room(session_id);
  if (!existing) return add_room(*got.info, got.participants, got.events, got.upvotes, got.votes, got.peak);
  existing->set_info(*got.info);
  std::set<std::string> replaced;
  {
    std::lock_guard lock(mutex_);
    std::map<std::string, std::string> before;  // participant → token hash
    for (const auto& [hash, owner] : tokens_)
      if (owner.session_id == session_id) before[owner.participant.id] = hash;
    std::erase_if(tokens_, [&](const auto& kv) { return kv.second.session_id == session_id; });
    for (const auto& sp : got.participants) {
      if (!sp.token_hash.empty()) tokens_[sp.token_hash] = TokenOwner{session_id, sp.participant};
      if (auto it = before.find(sp.participant.id); it != before.end() && it->second != sp.token_hash)
        replaced.insert(sp.participant.id);
    }
  }
  for (const auto& sp : got.participants) {
    existing->add_participant(sp.participant);
    existing->update_participant(sp.participant);
  }
  for (const auto& id : replaced) existing->evict(id);
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

bool Hub::is_admin(std::string_view token) const { return admin_.matches(token); }

std::optional<int64_t> Hub::token_lockout_seconds(const std::string& client) { return lockout_.seconds_locked(client); }

void Hub::record_token_attempt(std::string_view token, const std::string& client, std::string_view where) {
  if (is_admin(token) || find_token(token)) return;
  metrics_.wrong_tokens.fetch_add(1, std::memory_order_relaxed);
  if (!lockout_.count_failure(client)) return;
  metrics_.token_lockouts.fetch_add(1, std::memory_order_relaxed);
  // `where` comes from the request line: cut, so that a long path cannot flood the log.
  constexpr size_t kMaxLoggedPath = 128;
  spdlog::warn("too many wrong tokens from {}: tokens refused from it for {} s (last tried {})", client,
               (config_.token_lockout_window_ms + 999) / 1000, where.substr(0, kMaxLoggedPath));
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
      [info, host, hash](Store& store) {
        store.create_session(info);
        store.add_participant(host, hash);
      },
      [this, info, host, hash, token, done = std::move(done)](bool ok) {
        if (!ok) return done(Error{ErrorCode::unavailable, "could not store the session"}, "", "");
        auto room = std::make_shared<Room>(*this, home_context(info.id), info);
        room->load({StoredParticipant{host, hash}}, {}, {}, {}, 0);
        {
          std::lock_guard lock(mutex_);
          rooms_[info.id] = room;
        }
        register_token(hash, info.id, host);
        announce("session", info.id);
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
  writer_->submit([p, hash](Store& store) { store.add_participant(p, hash); },
                  [this, room, p, hash, token, done = std::move(done)](bool ok) {
                    if (!ok) return done(Error{ErrorCode::unavailable, "could not store the participant"}, {});
                    room->add_participant(p);
                    register_token(hash, p.session_id, p);
                    announce("session", p.session_id);
                    done(std::nullopt, CreatedParticipant{p, token});
                  });
}

void Hub::replace_token(const std::string& session_id, const std::string& participant_id, bool reissue,
                        CreatedParticipantCb done) {
  auto room = this->room(session_id);
  if (!room) return done(Error{ErrorCode::not_found, "no session " + session_id}, {});
  // The participant is read on the room's strand; the store and the token map change after.
  room->inspect([this, room, participant_id, reissue, done = std::move(done)](Room& r) mutable {
    const Participant* found = r.committed().participant(participant_id);
    if (!found || !is_staff(found->role))
      return done(Error{ErrorCode::not_found, "no participant " + participant_id}, {});
    Participant p = *found;
    std::string token = reissue ? random_token(24) : std::string();
    std::string hash = reissue ? sha256_hex(token) : std::string();
    writer_->submit([participant_id, hash](Store& store) { store.set_token_hash(participant_id, hash); },
                    [this, room, p, hash, token, done = std::move(done)](bool ok) {
                      if (!ok) return done(Error{ErrorCode::unavailable, "could not store the new link"}, {});
                      {
                        std::lock_guard lock(mutex_);
                        std::erase_if(tokens_, [&](const auto& kv) { return kv.second.participant.id == p.id; });
                        if (!hash.empty()) tokens_[hash] = TokenOwner{p.session_id, p};
                      }
                      room->evict(p.id);
                      announce("session", p.session_id);
                      done(std::nullopt, CreatedParticipant{p, token});
                    });
  });
}

void Hub::create_plan_item(PlanItem item, StoredList<PlanItem>::Done done) {
  item.id = "pl_" + random_id(8);
  item.created_ms = now_ms();
  plan_.create(
      *writer_, std::move(item), [](Store& s, const PlanItem& i) { s.create_plan_item(i); }, "plan item",
      announcing<PlanItem>("plan", std::move(done)));
}

void Hub::edit_plan_item(const std::string& id, StoredList<PlanItem>::Edit edit, StoredList<PlanItem>::Done done) {
  plan_.edit(
      *writer_, id, std::move(edit), [](Store& s, const PlanItem& i) { s.update_plan_item(i); }, "plan item",
      announcing<PlanItem>("plan", std::move(done)));
}

void Hub::create_person(Person p, StoredList<Person>::Done done) {
  p.id = "pe_" + random_id(8);
  p.created_ms = now_ms();
  people_.create(*writer_, std::move(p), [](Store& s, const Person& x) { s.create_person(x); }, "person", announcing<Person>("people", std::move(done)));
}

void Hub::edit_person(const std::string& id, StoredList<Person>::Edit edit, StoredList<Person>::Done done) {
  people_.edit(*writer_, id, std::move(edit), [](Store& s, const Person& x) { s.update_person(x); }, "person",
               announcing<Person>("people", std::move(done)));
}

void Hub::propose_topic(Topic t, const std::string& client_id, StoredList<Topic>::Done done, int64_t& retry_after_s) {
  const int64_t now = now_ms();
  t.proposer = sha256_hex("topic\n" + client_id);
  {
    std::lock_guard lock(proposals_mutex_);
    auto [it, first] = last_proposal_ms_.try_emplace(t.proposer, now);
    if (!first && now - it->second < kProposeIntervalMs) {
      retry_after_s = (it->second + kProposeIntervalMs - now + 999) / 1000;
      return done(Error{ErrorCode::rate_limited, "one topic per device every 10 minutes; try again in " +
                                                     std::to_string(retry_after_s) + " s"},
                  {});
    }
    it->second = now;
  }
  t.id = "t_" + random_id(8);
  t.created_ms = now;
  t.status = "pending";
  const auto filter = word_filter();
  t.flagged = filter && (filter->matches(t.title) || filter->matches(t.text) || filter->matches(t.name));
  topics_.create(*writer_, std::move(t), [](Store& s, const Topic& x) { s.create_topic(x); }, "topic", announcing<Topic>("topics", std::move(done)));
}

void Hub::moderate_topic(const std::string& id, StoredList<Topic>::Edit edit, StoredList<Topic>::Done done) {
  topics_.edit(*writer_, id, std::move(edit), [](Store& s, const Topic& x) { s.update_topic(x); }, "topic",
               announcing<Topic>("topics", std::move(done)));
}

void Hub::support_topic(const std::string& id, const std::string& client_id,
                        std::function<void(std::optional<Error>, int)> done) {
  const std::string supporter = sha256_hex("topic\n" + client_id);
  bool added = false;
  auto result = topics_.mutate(
      id,
      [&](Topic& t) -> std::optional<Error> {
        if (t.status != "open") return Error{ErrorCode::conflict, "topic " + t.id + " is " + t.status};
        added = t.supporters.insert(supporter).second;
        return std::nullopt;
      },
      "topic");
  if (auto* err = std::get_if<Error>(&result)) return done(*err, 0);
  const int support = std::get<Topic>(result).support();
  if (!added) return done(std::nullopt, support);  // again: the same count
  writer_->submit([id, supporter](Store& s) { s.add_topic_support(id, supporter); },
                  [this, support, done = std::move(done)](bool ok) {
                    if (!ok) return done(Error{ErrorCode::unavailable, "could not store the support"}, 0);
                    announce("topics");
                    done(std::nullopt, support);
                  });
}

void Hub::edit_session(const std::string& session_id, SessionEdit edit,
                       std::function<void(std::optional<Error>, SessionInfo)> done) {
  auto room = this->room(session_id);
  if (!room) return done(Error{ErrorCode::not_found, "no session " + session_id}, {});
  room->inspect([this, room, edit = std::move(edit), done = std::move(done)](Room& r) mutable {
    SessionInfo info = r.committed().info();
    if (auto refused = edit(info, r.committed().status())) return done(*refused, {});
    writer_->submit([info](Store& store) { store.update_session(info); },
                    [this, room, info, done = std::move(done)](bool ok) {
                      if (!ok) return done(Error{ErrorCode::unavailable, "could not store the session"}, {});
                      room->set_info(info);
                      announce("session", info.id);
                      done(std::nullopt, info);
                    });
  });
}

void Hub::edit_participant(const std::string& session_id, const std::string& participant_id, ParticipantEdit edit,
                           std::function<void(std::optional<Error>, Participant)> done) {
  auto room = this->room(session_id);
  if (!room) return done(Error{ErrorCode::not_found, "no session " + session_id}, {});
  room->inspect([this, room, participant_id, edit = std::move(edit), done = std::move(done)](Room& r) mutable {
    const Participant* found = r.committed().participant(participant_id);
    if (!found || !is_staff(found->role))
      return done(Error{ErrorCode::not_found, "no participant " + participant_id}, {});
    Participant p = *found;
    edit(p);
    writer_->submit([p](Store& store) { store.update_participant(p); },
                    [this, room, p, done = std::move(done)](bool ok) {
                      if (!ok) return done(Error{ErrorCode::unavailable, "could not store the participant"}, {});
                      {
                        // The next join with their token takes the new name.
                        std::lock_guard lock(mutex_);
                        for (auto& [hash, owner] : tokens_)
                          if (owner.participant.id == p.id) owner.participant = p;
                      }
                      room->update_participant(p);
                      announce("session", p.session_id);
                      done(std::nullopt, p);
                    });
  });
}

std::vector<std::string> Hub::ensure_demo(const std::string& base_url) { return yst::ensure_demo(*this, base_url); }

void Hub::shutdown() {
  if (cluster_) cluster_->stop();
  for (auto& r : rooms()) r->shutdown();
}

void Hub::forget_connections() {
  for (auto& r : rooms()) r->forget_members();
}

}  // namespace yst
