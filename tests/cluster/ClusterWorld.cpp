#include "tests/cluster/ClusterWorld.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "storage/OpenStore.hpp"

namespace yst::test {

namespace fs = std::filesystem;

namespace {
int free_port() {
  int s = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
  close(s);
  return ntohs(a.sin_port);
}

bool accepts(int port) {
  int s = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  close(s);
  return ok;
}

std::string shell_output(const std::string& command) {
  std::string out;
  if (FILE* p = popen(command.c_str(), "r")) {
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    pclose(p);
  }
  return out;
}

std::atomic<int> world_count{0};
}  // namespace

RedisProcess::RedisProcess() : port_(free_port()), dir_(ServerProcess::make_temp_dir()) {}

RedisProcess::~RedisProcess() {
  kill9();
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

void RedisProcess::start() {
  pid_ = fork();
  if (pid_ == 0) {
    int fd = ::open((dir_ + "/redis.log").c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (fd >= 0) {
      dup2(fd, 1);
      dup2(fd, 2);
      close(fd);
    }
    const std::string port = std::to_string(port_);
    execlp("redis-server", "redis-server", "--port", port.c_str(), "--bind", "127.0.0.1", "--save", "",
           "--appendonly", "no", "--dir", dir_.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  for (int i = 0; i < 500 && !accepts(port_); ++i) std::this_thread::sleep_for(10ms);
  if (!accepts(port_)) throw std::runtime_error("redis-server did not start on port " + std::to_string(port_));
}

void RedisProcess::kill9() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

std::string RedisProcess::info(const std::string& field) const {
  std::string all = shell_output("redis-cli -p " + std::to_string(port_) + " info 2>/dev/null");
  auto at = all.find(field + ":");
  if (at == std::string::npos) return "";
  auto end = all.find_first_of("\r\n", at);
  return all.substr(at + field.size() + 1, end - at - field.size() - 1);
}

std::optional<std::string> ClusterWorld::missing() {
  const char* pg = std::getenv("YST_TEST_PG_URL");
  if (!pg || !*pg) return "YST_TEST_PG_URL (a throwaway PostgreSQL: scripts/pg-throwaway start)";
  if (ServerProcess::on_postgresql()) return "run without YST_TEST_STORE: the nodes share one database of their own";
  if (std::system("command -v redis-server >/dev/null 2>&1") != 0) return "redis-server (apt-get install redis-server)";
  return std::nullopt;
}

ClusterWorld::ClusterWorld() : data_dir(ServerProcess::make_temp_dir()) {
  const std::string admin = std::getenv("YST_TEST_PG_URL");
  const std::string name = "yst_cluster_" + std::to_string(getpid()) + "_" + std::to_string(world_count++);
  if (std::system(("psql -qX '" + admin + "' -c 'CREATE DATABASE " + name + "' >/dev/null").c_str()) != 0)
    throw std::runtime_error("could not create the test database " + name);
  pg_url = admin.substr(0, admin.rfind('/') + 1) + name;
  redis.start();
  nodes.resize(kNodes);
  for (int i = 0; i < kNodes; ++i) start_node(i);
}

ClusterWorld::~ClusterWorld() {
  for (int i : std::set<int>(paused)) resume(i);
  for (auto& n : nodes) n.reset();
  redis.kill9();
  const std::string admin = std::getenv("YST_TEST_PG_URL");
  const std::string name = pg_url.substr(pg_url.rfind('/') + 1);
  std::system(("psql -qX '" + admin + "' -c 'DROP DATABASE IF EXISTS " + name + " WITH (FORCE)' >/dev/null 2>&1").c_str());
  std::error_code ec;
  fs::remove_all(data_dir, ec);
}

void ClusterWorld::start_node(int i) {
  nodes[i].reset();
  nodes[i] = std::make_unique<ServerProcess>(
      std::vector<std::string>{"--cluster", redis.url(), "--store", pg_url, "--node-id", "n" + std::to_string(i),
                               "--lease-ms", std::to_string(kLeaseMs), "--log-level", "debug"},
      data_dir);
}

void ClusterWorld::pause(int i) {
  ASSERT_GT(nodes[i]->pid(), 0);
  ::kill(nodes[i]->pid(), SIGSTOP);
  paused.insert(i);
}

void ClusterWorld::resume(int i) {
  ::kill(nodes[i]->pid(), SIGCONT);
  paused.erase(i);
}

int ClusterWorld::live_node(int not_this) const {
  for (int i = 0; i < kNodes; ++i)
    if (i != not_this && alive(i)) return i;
  return -1;
}

int ClusterWorld::index_of(const std::string& node_id) const {
  for (int i = 0; i < kNodes; ++i)
    if (node_id == "n" + std::to_string(i)) return i;
  return -1;
}

int ClusterWorld::owner_of(const std::string& sid) {
  for (int i = 0; i < kNodes; ++i) {
    if (!alive(i)) continue;
    auto r = http(port(i), "GET", "/api/cluster", "", bearer(admin_token()));
    if (r.status != 200) continue;
    auto owners = r.json_body()["owners"];
    if (owners.contains(sid)) return index_of(owners[sid].get<std::string>());
  }
  return -1;
}

int ClusterWorld::wait_for_owner(const std::string& sid, std::chrono::milliseconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    bool everywhere = true;
    for (int i = 0; i < kNodes; ++i)
      if (alive(i) && http(port(i), "GET", "/api/sessions/" + sid).status != 200) everywhere = false;
    int owner = owner_of(sid);
    if (everywhere && owner >= 0 && alive(owner)) return owner;
    std::this_thread::sleep_for(50ms);
  }
  return -1;
}

std::unique_ptr<Store> ClusterWorld::store() const { return open_store(pg_url); }

bool Phone::join(ClusterWorld& w, const std::string& sid, int node_index) {
  node = node_index;
  try {
    ws = std::make_unique<WsClient>(w.port(node));
  } catch (const std::exception&) {
    ws.reset();
    return false;
  }
  json j{{"type", "join"}, {"session", sid}, {"role", "audience"}, {"name", "听众"}, {"client_id", client_id}};
  if (!seqs.empty()) j["after"] = seqs.back();
  ws->send_json(j);
  return true;
}

void Phone::pump(ClusterWorld& w, const std::string& sid, bool follow) {
  if (ws) {
    while (auto f = ws->recv(1ms)) {
      const std::string type = f->value("type", "");
      if (type == "event") {
        seqs.push_back(f->value("seq", int64_t{0}));
      } else if (type == "ack" && f->value("id", json()) == "up") {
        upvoted = true;
      } else if (type == "error" && f->value("id", json()) == "up") {
        upvote_wanted = true;  // try again
      } else if (type == "presence") {
        last_presence = *f;
      }
    }
    if (ws->is_open()) {
      if (upvote_wanted && !question.empty()) {
        ws->send_json({{"type", "upvote"}, {"question", question}, {"id", "up"}});
        upvote_wanted = false;
      }
      return;
    }
  }
  if (!follow) return;
  // Gone: another node takes the phone, which resumes after the last seq it saw.
  const int next = w.live_node(w.alive(node) ? -1 : node);
  if (next < 0) return;
  ++reconnects;
  if (join(w, sid, next) && !upvoted && !question.empty()) upvote_wanted = true;
}

Speaker::Speaker(ClusterWorld& w, std::string sid, std::string token, int node, int per_second)
    : world_(w), sid_(std::move(sid)), token_(std::move(token)), node_(node), per_second_(per_second) {
  thread_ = std::thread([this] { run(); });
}

Speaker::~Speaker() { stop(); }

void Speaker::stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

std::set<std::string> Speaker::acked() const {
  std::lock_guard lock(mutex_);
  return acked_;
}

void Speaker::run() {
  std::unique_ptr<WsClient> ws;
  int n = 0;
  const auto interval = std::chrono::microseconds(1000000 / per_second_);
  auto next = std::chrono::steady_clock::now();
  while (!stop_) {
    if (!ws || !ws->is_open()) {
      if (!world_.alive(node_)) node_ = world_.live_node();
      if (node_ < 0) return;
      try {
        ws = std::make_unique<WsClient>(world_.port(node_));
        if (staff_join(*ws, sid_, token_).value("type", "") != "welcome") ws.reset();
      } catch (const std::exception&) {
        ws.reset();
      }
      if (!ws) {
        std::this_thread::sleep_for(100ms);
        continue;
      }
    }
    // A host whose statement was refused with "try again" (unavailable) says it again, as
    // the host page lets them: the server must not store it twice. A lost connection is
    // not retried (the contract has no request ids: nobody can know whether it was stored).
    const std::string text = "发言" + std::to_string(n++);
    for (int attempt = 0; attempt < 3; ++attempt) {
      json r = ws->request({{"type", "say"}, {"text", text}}, 30s);
      if (r.value("type", "") == "ack") {
        std::lock_guard lock(mutex_);
        acked_.insert(text);
        break;
      }
      ++refused_;
      if (r.value("code", "") != "unavailable" || !ws->is_open()) break;
    }
    while (ws->recv(0ms)) {
    }
    next += interval;
    std::this_thread::sleep_until(next);
    if (std::chrono::steady_clock::now() > next + 1s) next = std::chrono::steady_clock::now();
  }
}

std::vector<int64_t> visible_seqs(const SessionInfo& info, const std::vector<Event>& events, Role role,
                                  const std::string& who) {
  Session s(info);
  std::vector<int64_t> out;
  for (const auto& e : events) {
    s.apply(e);
    const Reach reach = s.reach(e);
    if (is_staff(role) || reach.everyone || (!reach.asker.empty() && reach.asker == who)) out.push_back(e.seq);
  }
  return out;
}

}  // namespace yst::test
