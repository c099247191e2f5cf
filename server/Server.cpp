#include "server/Server.hpp"

#include "server/Systemd.hpp"

#include <boost/asio/ip/host_name.hpp>
#include <spdlog/spdlog.h>

#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#if defined(__GLIBC__)  // known once a libc header is in
#include <malloc.h>
#endif

namespace yst {

namespace fs = std::filesystem;

namespace {

#if defined(__GLIBC__)
// glibc keeps what is freed in each thread's arena. A programme's churn (welcomes that
// list every public question, resumes that replay what a phone missed) frees big blocks
// all the time; measured in the soak, the server's RSS grew by a tenth with memory not in
// use, which malloc_trim gave back. Done off the I/O threads, once a minute.
constexpr auto kTrimEvery = std::chrono::seconds(60);

class MemoryTrimmer {
 public:
  MemoryTrimmer()
      : thread_([this] {
          std::unique_lock lock(mutex_);
          while (!wake_.wait_for(lock, kTrimEvery, [this] { return stopping_; })) malloc_trim(0);
        }) {}
  ~MemoryTrimmer() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_one();
    thread_.join();
  }

 private:
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};
#else
struct MemoryTrimmer {};
#endif

}  // namespace

namespace {
std::vector<std::unique_ptr<IoContext>> make_contexts(int threads) {
  std::vector<std::unique_ptr<IoContext>> out;
  for (int i = 0; i < std::max(threads, 1); ++i) out.push_back(std::make_unique<IoContext>(1));
  return out;
}
}  // namespace

Server::Server(Config config)
    : config_(std::move(config)),
      contexts_(make_contexts(config_.threads)),
      ioc_(*contexts_.front()),
      signals_(ioc_, SIGINT, SIGTERM),
      reload_signal_(ioc_, SIGHUP),
      shutdown_timer_(ioc_) {}

Server::~Server() = default;

void Server::start() {
  if (config_.web_dir.empty()) {
    config_.web_dir = fs::exists("web/index.html") ? "web" : YST_WEB_FALLBACK_DIR;
  }
  if (!fs::exists(fs::path(config_.web_dir) / "index.html"))
    spdlog::warn("no index.html in the web directory {}", config_.web_dir);
  std::vector<net::io_context*> contexts;
  for (auto& c : contexts_) contexts.push_back(c.get());
  hub_ = std::make_unique<Hub>(std::move(contexts), config_);
  hub_->load();
  files_ = std::make_unique<StaticFiles>(config_.web_dir);
  api_ = std::make_unique<HttpApi>(*hub_, *files_, !config_.tls_cert.empty());
  limits_ = std::make_unique<ConnectionLimits>(config_.max_connections, config_.max_connections_per_address);

  if (!config_.tls_cert.empty()) {
    tls_ = std::make_unique<ssl::context>(ssl::context::tls_server);
    tls_->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                      ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::single_dh_use);
    try {
      tls_->use_certificate_chain_file(config_.tls_cert);
      tls_->use_private_key_file(config_.tls_key, ssl::context::pem);
    } catch (const boost::system::system_error& e) {
      throw std::runtime_error("TLS: cannot load --tls-cert/--tls-key: " + e.code().message());
    }
  }
  beast::error_code ec;
  auto address = net::ip::make_address(config_.bind, ec);
  if (ec) throw std::runtime_error("--bind: not an IP address: " + config_.bind);
  try {
    listener_ = std::make_shared<Listener>(ioc_, tcp::endpoint{address, static_cast<uint16_t>(config_.port)}, *hub_,
                                           *api_, *limits_, tls_.get());
  } catch (const boost::system::system_error& e) {
    throw std::runtime_error("cannot listen on " + config_.bind + ":" + std::to_string(config_.port) + ": " +
                             e.code().message());
  }
  port_ = listener_->local_endpoint().port();
}

void Server::write_port_file() {
  if (config_.port_file.empty()) return;
  std::string tmp = config_.port_file + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << port_ << '\n';
  }
  fs::rename(tmp, config_.port_file);
}

void Server::run() {
  listener_->run();
  signals_.async_wait([this](beast::error_code ec, int sig) {
    if (ec) return;
    spdlog::info("signal {}: shutting down", sig);
    begin_shutdown();
  });
  std::function<void()> wait_reload = [this, &wait_reload] {
    reload_signal_.async_wait([this, &wait_reload](beast::error_code ec, int) {
      if (ec) return;
      std::string message;
      hub_->reload_word_filter(message);
      wait_reload();
    });
  };
  wait_reload();

  std::string host = config_.bind.find(':') != std::string::npos ? "[" + config_.bind + "]" : config_.bind;
  const std::string url = (config_.tls_cert.empty() ? "http://" : "https://") + host + ":" + std::to_string(port_);
  // A wildcard address names no machine, and every node of a cluster would share it: the
  // others and the operators reach this one by its host name.
  if (config_.bind == "0.0.0.0" || config_.bind == "::")
    hub_->start_cluster((config_.tls_cert.empty() ? "http://" : "https://") + net::ip::host_name() + ":" +
                        std::to_string(port_));
  else
    hub_->start_cluster(url);
  write_port_file();
  // Under systemd (Type=notify) this is what ends `systemctl start` and lets the units
  // ordered after this one go: the port is bound and accepting, like the port file.
  if (!systemd::notify("READY=1\nSTATUS=listening on " + url))
    spdlog::warn("could not tell systemd the server is ready ($NOTIFY_SOCKET): {}", std::strerror(errno));
  spdlog::info("listening on {}", url);

  // The other threads' contexts may have nothing to do for a while (no connections yet).
  std::vector<net::executor_work_guard<net::io_context::executor_type>> keep_running;
  std::vector<std::thread> threads;
  MemoryTrimmer trimmer;
  for (size_t i = 1; i < contexts_.size(); ++i) {
    keep_running.push_back(net::make_work_guard(*contexts_[i]));
    threads.emplace_back([c = contexts_[i].get()] { c->run(); });
  }
  ioc_.run();
  keep_running.clear();
  for (auto& c : contexts_) c->stop();
  for (auto& t : threads) t.join();
  // Every acked event was committed before it was acked; this commits what was decided
  // but not yet acked, so nothing accepted is lost either.
  hub_->writer().stop();
  // The storage readers may still be answering: stop them before the handlers their
  // replies would be posted to are destroyed.
  api_->stop();
  hub_->history_reader().stop();
  // Connections that did not finish closing in the grace period still have handlers
  // queued; destroy them now, while everything they point to is alive.
  hub_->forget_connections();
  for (auto& c : contexts_) c->destroy_pending_handlers();
  spdlog::info("stopped");
}

void Server::stop() {
  net::post(ioc_, [this] { begin_shutdown(); });
}

void Server::begin_shutdown() {
  if (shutting_down_) return;
  shutting_down_ = true;
  // Tells systemd the exit that follows is asked for, and shows it in `systemctl status`.
  systemd::notify("STOPPING=1\nSTATUS=closing connections and committing");
  listener_->stop();
  signals_.cancel();
  reload_signal_.cancel();
  hub_->shutdown();  // closes every WebSocket with 1001
  // Give the close handshakes a moment, then stop the loop whatever is left.
  shutdown_deadline_ = std::chrono::steady_clock::now() + std::chrono::milliseconds(config_.shutdown_grace_ms);
  poll_shutdown();
}

void Server::poll_shutdown() {
  if (hub_->metrics().connections_open.load() == 0 || std::chrono::steady_clock::now() >= shutdown_deadline_) {
    ioc_.stop();
    return;
  }
  shutdown_timer_.expires_after(std::chrono::milliseconds(20));
  shutdown_timer_.async_wait([this](beast::error_code) { poll_shutdown(); });
}

}  // namespace yst
