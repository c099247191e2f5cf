#pragma once
// Wires the server together: storage, rooms, the listener, the I/O threads and signals.
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "server/Config.hpp"
#include "server/ConnectionLimits.hpp"
#include "server/HttpApi.hpp"
#include "server/Hub.hpp"
#include "server/Listener.hpp"
#include "server/Net.hpp"
#include "server/StaticFiles.hpp"

namespace yst {

// An io_context whose handlers can be destroyed while the objects they refer to still
// exist: run() ends with connections that never finished closing, and their handlers
// hold the hub's metrics and the connection limits.
class IoContext : public net::io_context {
 public:
  using net::io_context::io_context;
  void destroy_pending_handlers() { shutdown(); }
};

class Server {
 public:
  explicit Server(Config config);
  ~Server();

  // Loads storage and binds; throws with a message for the operator on failure.
  void start();
  // Runs until SIGINT/SIGTERM (or stop()); then closes WebSockets with 1001, flushes
  // storage and returns.
  void run();
  void stop();
  uint16_t port() const { return port_; }
  Hub& hub() { return *hub_; }

 private:
  void begin_shutdown();
  void poll_shutdown();
  void write_port_file();

  // Declared in the order they must outlive each other: what handlers and connections
  // refer to comes before them.
  Config config_;
  // One per I/O thread, each run by that thread alone; contexts_[0] is the main
  // thread's and also carries the listener, signals and shutdown.
  std::vector<std::unique_ptr<IoContext>> contexts_;
  IoContext& ioc_;
  std::unique_ptr<ConnectionLimits> limits_;
  std::unique_ptr<ssl::context> tls_;
  std::unique_ptr<Hub> hub_;
  std::unique_ptr<StaticFiles> files_;
  std::unique_ptr<HttpApi> api_;
  std::shared_ptr<Listener> listener_;
  net::signal_set signals_;
  net::signal_set reload_signal_;
  uint16_t port_ = 0;
  net::steady_timer shutdown_timer_;
  std::chrono::steady_clock::time_point shutdown_deadline_;
  bool shutting_down_ = false;
};

}  // namespace yst
