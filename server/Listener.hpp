#pragma once
#include <memory>

#include "server/ConnectionLimits.hpp"
#include "server/HttpApi.hpp"
#include "server/Net.hpp"

namespace yst {

class Hub;

// The accept loop. Accepted sockets are dealt to the hub's io_contexts in turn: a
// connection stays on that one I/O thread for its whole life.
class Listener : public std::enable_shared_from_this<Listener> {
 public:
  Listener(net::io_context& ioc, tcp::endpoint endpoint, Hub& hub, HttpApi& api, ConnectionLimits& limits,
           ssl::context* tls = nullptr);
  void run();
  void stop();
  tcp::endpoint local_endpoint() const { return acceptor_.local_endpoint(); }

 private:
  void do_accept();
  void on_accept(beast::error_code ec, tcp::socket socket);

  tcp::acceptor acceptor_;
  size_t next_context_ = 0;
  Hub& hub_;
  HttpApi& api_;
  ConnectionLimits& limits_;
  ssl::context* tls_;
};

}  // namespace yst
