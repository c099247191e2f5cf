#include "server/cluster/Cluster.hpp"

#include <spdlog/spdlog.h>

#include "server/Hub.hpp"
#include "server/Room.hpp"

namespace yst {

using cluster::Redis;
using cluster::RedisUnavailable;
using cluster::Reply;
using json = nlohmann::json;

namespace {
// Every key of a session carries {S}, so one session stays in one slot if Redis is ever
// a Redis Cluster.
std::string own_key(const std::string& s) { return "yst:own:{" + s + "}"; }
std::string epoch_key(const std::string& s) { return "yst:epoch:{" + s + "}"; }
std::string events_key(const std::string& s) { return "yst:ev:{" + s + "}"; }
std::string inbound_key(const std::string& s) { return "yst:in:{" + s + "}"; }
std::string reply_key(const std::string& node) { return "yst:rep:" + node; }
std::string node_key(const std::string& node) { return "yst:node:" + node; }
const std::string kNodesKey = "yst:nodes";
const std::string kControlKey = "yst:ctl";

// The append: only while Redis holds this owner's epoch, and only above the stream's top
// (XADD refuses a smaller id), so the stream is the log's order and a fenced owner adds
// nothing. "DUP" when the entry is there already (an append repeated after a takeover).
const char* kAppendScript = R"LUA(
if redis.call('GET', KEYS[2]) ~= ARGV[1] then return redis.error_reply('FENCED') end
local ok, err = pcall(redis.call, 'XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], ARGV[3], 'c', ARGV[4], 'x', ARGV[5])
if ok then return err end
return 'DUP'
)LUA";
// Renewal: only the holder may extend its lease.
const char* kRenewScript = R"LUA(
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
)LUA";
const char* kReleaseScript = R"LUA(
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
)LUA";

int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// "<ms>-<n>" of a stream entry id, as its first number.
int64_t id_major(const std::string& id) { return std::stoll(id.substr(0, id.find('-'))); }

// The fields of a stream entry, as a map.
std::map<std::string, std::string> fields_of(const Reply& entry) {
  std::map<std::string, std::string> out;
  if (entry.elements.size() < 2) return out;
  const auto& kv = entry.elements[1].elements;
  for (size_t i = 0; i + 1 < kv.size(); i += 2) out[kv[i].str] = kv[i + 1].str;
  return out;
}
}  // namespace

Cluster::Cluster(Hub& hub, Options options)
    : hub_(hub), options_(std::move(options)), incarnation_(std::to_string(wall_ms())) {}

Cluster::~Cluster() { stop(); }

void Cluster::start(std::string node_id, std::string url) {
  options_.node_id = std::move(node_id);
  options_.url = std::move(url);
  publisher_thread_ = std::thread([this] { run_publisher(); });
  control_thread_ = std::thread([this] { run_control(); });
  reader_thread_ = std::thread([this] { run_reader(); });
  spdlog::info("cluster: node {} on {}", options_.node_id, options_.redis.to_string());
}

void Cluster::stop() {
  if (stopping_.exchange(true)) return;
  stop_wake_.notify_all();
  publish_wake_.notify_all();
  for (auto* t : {&control_thread_, &reader_thread_, &publisher_thread_})
    if (t->joinable()) t->join();
  // A clean stop hands the sessions on at once instead of after the lease.
  try {
    Redis redis(options_.redis, std::chrono::milliseconds(500));
    std::set<std::string> owned;
    {
      std::lock_guard lock(mutex_);
      owned.swap(owned_);
    }
    for (const auto& s : owned)
      redis.command({"EVAL", kReleaseScript, "1", own_key(s), options_.node_id});
    redis.command({"SREM", kNodesKey, options_.node_id});
    redis.command({"DEL", node_key(options_.node_id)});
  } catch (const std::exception& e) {
    spdlog::warn("cluster: could not hand the sessions on at stop: {}", e.what());
  }
}

bool Cluster::sleep_for(std::chrono::milliseconds d) {
  std::unique_lock lock(stop_mutex_);
  return !stop_wake_.wait_for(lock, d, [this] { return stopping_.load(); });
}

bool Cluster::owns(const std::string& session) const {
  std::lock_guard lock(mutex_);
  return owned_.count(session) > 0;
}

void Cluster::release(const std::string& session) {
  {
    std::lock_guard lock(mutex_);
    if (!owned_.erase(session)) return;
    inbound_cursors_.erase(session);
  }
  publish(Command{{"EVAL", kReleaseScript, "1", own_key(session), options_.node_id}, nullptr, 0});
}

void Cluster::publish(Command c) {
  {
    std::lock_guard lock(publish_mutex_);
    outbox_.push_back(std::move(c));
  }
  publish_wake_.notify_one();
}

void Cluster::append(const std::string& session, int64_t epoch, std::string id, std::string batch_json, bool resync,
                     std::function<void()> fenced) {
  publish(Command{{"EVAL", kAppendScript, "2", events_key(session), epoch_key(session), std::to_string(epoch),
                   std::to_string(kStreamLength), std::move(id), std::move(batch_json), resync ? "1" : "0"},
                  [session, fenced = std::move(fenced)](const Reply& r) {
                    if (r.is_error() && r.str.find("FENCED") != std::string::npos) {
                      spdlog::warn("cluster: session {}: another node owns it now; this node steps down", session);
                      if (fenced) fenced();
                    } else if (r.is_error()) {
                      spdlog::error("cluster: session {}: append refused: {}", session, r.str);
                    }
                  },
                  0});
}

void Cluster::claim(const std::string& session, int64_t epoch, std::vector<std::pair<int64_t, std::string>> recent_events,
                    std::string resync_id, std::function<void()> fenced) {
  publish(Command{{"SET", epoch_key(session), std::to_string(epoch)}, nullptr, 0});
  for (auto& [seq, batch] : recent_events)
    append(session, epoch, std::to_string(seq) + "-0", std::move(batch), false, fenced);
  // Readers re-read upvotes and votes from the store: entries that held only those may
  // have been lost with a Redis that restarted.
  append(session, epoch, std::move(resync_id), "[]", true, fenced);
}

void Cluster::forward(const std::string& session, uint64_t number, const Caller& caller, const std::string& request_text,
                      int64_t first_ms) {
  spdlog::debug("cluster: session {}: forwarding request {}", session, number);
  json r{{"node", options_.node_id},
         {"n", number},
         {"k", options_.node_id + "/" + incarnation_ + "/" + std::to_string(number)},
         {"until", first_ms + (give_up() - kApplyMargin).count()},
         {"participant", caller.participant},
         {"role", to_string(caller.role)},
         {"name", caller.name},
         {"text", request_text},
         {"at", wall_ms()}};
  publish(Command{{"XADD", inbound_key(session), "MAXLEN", "~", "10000", "*", "r", r.dump()}, nullptr,
                  wall_ms() + kForwardTimeout.count()});
}

void Cluster::reply(const RemoteOrigin& to, const std::string& session, std::string frame) {
  json r{{"s", session}, {"n", to.number}, {"f", std::move(frame)}};
  publish(Command{{"XADD", reply_key(to.node), "MAXLEN", "~", "10000", "*", "r", r.dump()}, nullptr,
                  wall_ms() + kForwardTimeout.count()});
}

void Cluster::announce(const std::string& what, const std::string& session) {
  json r{{"what", what}, {"session", session}, {"node", options_.node_id}};
  publish(Command{{"XADD", kControlKey, "MAXLEN", "~", "1000", "*", "r", r.dump()}, nullptr,
                  wall_ms() + 60000});
}

json Cluster::status() const {
  std::lock_guard lock(mutex_);
  return status_;
}

int64_t Cluster::redis_now_ms(Redis& redis) {
  Reply t = redis.command({"TIME"});
  if (t.elements.size() != 2) throw RedisUnavailable("TIME: unexpected reply");
  return std::stoll(t.elements[0].str) * 1000 + std::stoll(t.elements[1].str) / 1000;
}

// ---- publisher ----

void Cluster::run_publisher() {
  Redis redis(options_.redis, std::chrono::milliseconds(2000));
  while (!stopping_) {
    Command c;
    {
      std::unique_lock lock(publish_mutex_);
      publish_wake_.wait(lock, [this] { return stopping_ || !outbox_.empty(); });
      if (stopping_) return;
      c = std::move(outbox_.front());
      outbox_.pop_front();
    }
    // In order: a command is retried until Redis takes it (or it is no longer wanted),
    // and nothing behind it goes first.
    while (!stopping_) {
      if (c.expires_ms && wall_ms() > c.expires_ms) break;
      try {
        Reply r = redis.command(c.args);
        if (c.done) c.done(r);
        break;
      } catch (const RedisUnavailable& e) {
        spdlog::warn("cluster: {}; retrying", e.what());
        if (!sleep_for(std::chrono::milliseconds(200))) return;
      }
    }
  }
}

// ---- control: heartbeat, presence, leases ----

void Cluster::run_control() {
  Redis redis(options_.redis, std::chrono::milliseconds(1000));
  bool was_down = false;
  while (sleep_for(kBeat)) {
    try {
      beat(redis);
      keep_leases(redis);
      if (was_down) spdlog::info("cluster: redis is back");
      was_down = false;
    } catch (const RedisUnavailable& e) {
      if (!was_down) spdlog::error("cluster: {}", e.what());
      was_down = true;
    } catch (const std::exception& e) {
      spdlog::error("cluster: control: {}", e.what());
    }
  }
}

void Cluster::beat(Redis& redis) {
  const int64_t now = wall_ms();
  const auto rooms = hub_.rooms();
  json sessions = json::object();
  int connections = 0;
  std::set<std::string> owned;
  {
    std::lock_guard lock(mutex_);
    owned = owned_;
  }
  for (const auto& room : rooms) {
    NodePresence p = room->local_presence();
    int n = 0;
    for (int c : p.online) n += c;
    if (n == 0) continue;
    connections += n;
    sessions[room->id()] = json{{"online", p.online}, {"staff", p.staff}};
  }
  json me{{"id", options_.node_id},
          {"url", options_.url},
          {"connections", connections},
          {"sessions_owned", owned.size()},
          {"last_seen", now},
          {"sessions", std::move(sessions)}};
  redis.command({"SET", node_key(options_.node_id), me.dump(), "PX", std::to_string(kAliveFor.count())});
  redis.command({"SADD", kNodesKey, options_.node_id});

  // Everyone else's presence, summed by session; a node whose key expired is gone.
  Reply members = redis.command({"SMEMBERS", kNodesKey});
  std::vector<std::string> args{"MGET"};
  for (const auto& m : members.elements) args.push_back(node_key(m.str));
  std::map<std::string, NodePresence> remote;
  json nodes = json::array();
  if (args.size() > 1) {
    Reply values = redis.command(args);
    for (size_t i = 0; i < values.elements.size() && i < members.elements.size(); ++i) {
      const std::string& id = members.elements[i].str;
      if (values.elements[i].is_nil()) {
        redis.command({"SREM", kNodesKey, id});
        continue;
      }
      json node = json::parse(values.elements[i].str, nullptr, false);
      if (node.is_discarded()) continue;
      if (id != options_.node_id && node.contains("sessions")) {
        for (const auto& [sid, p] : node["sessions"].items()) {
          NodePresence& sum = remote[sid];
          const auto& online = p["online"];
          for (size_t r = 0; r < sum.online.size() && r < online.size(); ++r) sum.online[r] += online[r].get<int>();
          for (const auto& s : p["staff"]) sum.staff.push_back(s.get<std::string>());
        }
      }
      node.erase("sessions");
      if (node.contains("last_seen")) node["last_seen"] = format_time_ms(node["last_seen"].get<int64_t>());
      nodes.push_back(std::move(node));
    }
  }
  for (const auto& room : rooms) {
    auto it = remote.find(room->id());
    room->set_remote_presence(it == remote.end() ? NodePresence{} : it->second);
  }
  std::lock_guard lock(mutex_);
  status_["nodes"] = std::move(nodes);
}

void Cluster::keep_leases(Redis& redis) {
  const std::string lease = std::to_string(options_.lease.count());
  json owners = json::object();
  for (const auto& room : hub_.rooms()) {
    const std::string& s = room->id();
    if (owns(s)) {
      Reply renewed = redis.command({"EVAL", kRenewScript, "1", own_key(s), options_.node_id, lease});
      if (renewed.type == Reply::Type::integer && renewed.integer == 1) {
        owners[s] = options_.node_id;
        continue;
      }
      spdlog::warn("cluster: session {}: lease lost; this node steps down", s);
      {
        std::lock_guard lock(mutex_);
        owned_.erase(s);
        inbound_cursors_.erase(s);
      }
      room->step_down();
      continue;
    }
    Reply taken = redis.command({"SET", own_key(s), options_.node_id, "NX", "PX", lease});
    if (taken.type == Reply::Type::status) {
      // Only requests forwarded from now on: an earlier one may have been applied by the
      // previous owner, and reading it again would apply it twice. One that no owner read
      // is answered "try again" by its node when it times out.
      const std::string from = std::to_string(redis_now_ms(redis)) + "-0";
      {
        std::lock_guard lock(mutex_);
        owned_.insert(s);
        inbound_cursors_[s] = from;
        event_cursors_.erase(s);
      }
      spdlog::info("cluster: session {}: this node takes it over", s);
      owners[s] = options_.node_id;
      room->take_over();
      continue;
    }
    Reply holder = redis.command({"GET", own_key(s)});
    if (!holder.is_nil()) owners[s] = holder.str;
  }
  std::lock_guard lock(mutex_);
  status_["owners"] = std::move(owners);
}

// ---- reader: one XREAD over every stream this node follows ----

void Cluster::run_reader() {
  Redis redis(options_.redis, std::chrono::milliseconds(1000));
  bool was_down = false;
  while (!stopping_) {
    try {
      read_once(redis);
      was_down = false;
    } catch (const RedisUnavailable& e) {
      if (!was_down) spdlog::error("cluster: reader: {}", e.what());
      was_down = true;
      if (!sleep_for(std::chrono::milliseconds(200))) return;
    } catch (const std::exception& e) {
      spdlog::error("cluster: reader: {}", e.what());
      if (!sleep_for(std::chrono::milliseconds(200))) return;
    }
  }
}

void Cluster::read_once(Redis& redis) {
  if (reply_cursor_.empty()) {
    const std::string now = std::to_string(redis_now_ms(redis)) + "-0";
    reply_cursor_ = control_cursor_ = now;
  }
  std::vector<std::string> keys, ids;
  keys.push_back(reply_key(options_.node_id));
  ids.push_back(reply_cursor_);
  keys.push_back(kControlKey);
  ids.push_back(control_cursor_);
  const auto rooms = hub_.rooms();
  std::map<std::string, std::shared_ptr<Room>> by_id;
  {
    std::lock_guard lock(mutex_);
    for (const auto& room : rooms) {
      const std::string& s = room->id();
      by_id[s] = room;
      if (owned_.count(s)) {
        keys.push_back(inbound_key(s));
        ids.push_back(inbound_cursors_[s]);
      } else {
        auto [it, fresh] = event_cursors_.try_emplace(s, "");
        // A session newly followed: from what the room holds (entries after it re-apply
        // upvotes and votes the room may have, which changes nothing).
        if (fresh || it->second.empty()) it->second = std::to_string(room->last_seq_applied()) + "-0";
        keys.push_back(events_key(s));
        ids.push_back(it->second);
      }
    }
  }
  std::vector<std::string> args{"XREAD", "COUNT", "512", "BLOCK", "100", "STREAMS"};
  args.insert(args.end(), keys.begin(), keys.end());
  args.insert(args.end(), ids.begin(), ids.end());
  Reply r = redis.blocking_command(args, std::chrono::milliseconds(100));
  if (r.is_error()) throw std::runtime_error("XREAD: " + r.str);
  if (r.type != Reply::Type::array) return;  // nothing new
  for (const auto& stream : r.elements) {
    if (stream.elements.size() != 2) continue;
    const std::string& key = stream.elements[0].str;
    for (const auto& entry : stream.elements[1].elements) {
      if (entry.elements.empty()) continue;
      const std::string& id = entry.elements[0].str;
      auto fields = fields_of(entry);
      if (key == reply_key(options_.node_id)) {
        reply_cursor_ = id;
        json rep = json::parse(fields["r"], nullptr, false);
        if (rep.is_discarded()) continue;
        spdlog::debug("cluster: reply {} for session {}", id, rep.value("s", ""));
        // Looked up now: the room may have come after this read began.
        if (auto room = hub_.room(rep.value("s", "")))
          room->forwarded_reply(rep.value("n", uint64_t{0}), rep.value("f", ""));
      } else if (key == kControlKey) {
        control_cursor_ = id;
        json ctl = json::parse(fields["r"], nullptr, false);
        if (ctl.is_discarded() || ctl.value("node", "") == options_.node_id) continue;
        hub_.refresh(ctl.value("what", ""), ctl.value("session", ""));
      } else {
        const std::string s = key.substr(key.find('{') + 1, key.rfind('}') - key.find('{') - 1);
        auto room = by_id.find(s);
        if (room == by_id.end()) continue;  // streams are only read for rooms in by_id
        if (key.rfind("yst:in:", 0) == 0) {
          {
            std::lock_guard lock(mutex_);
            if (!owned_.count(s)) continue;
            inbound_cursors_[s] = id;
          }
          json req = json::parse(fields["r"], nullptr, false);
          if (req.is_discarded()) continue;
          spdlog::debug("cluster: session {}: request {} from {}", s, id, req.value("node", ""));
          RemoteOrigin origin{req.value("node", ""), req.value("n", uint64_t{0}), req.value("k", ""),
                              req.value("until", int64_t{0})};
          if (wall_ms() > origin.until_ms) continue;  // its phone is told to try again
          Caller caller{req.value("participant", ""),
                        role_from_string(req.value("role", "")).value_or(Role::audience), req.value("name", "")};
          room->second->forwarded(std::move(origin), req.value("text", ""), std::move(caller));
        } else {
          {
            std::lock_guard lock(mutex_);
            if (owned_.count(s)) continue;
            event_cursors_[s] = id;
          }
          room->second->apply_remote(id_major(id), fields["c"], fields["x"] == "1");
        }
      }
    }
  }
}

}  // namespace yst
