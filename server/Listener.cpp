#include "server/Listener.hpp"

#include <spdlog/spdlog.h>

#include <sstream>

#include "server/Hub.hpp"
#include "server/HttpConnection.hpp"

namespace yst {

namespace {

// After a failed accept (out of descriptors and the like), before trying again.
constexpr auto kAcceptRetryDelay = std::chrono::milliseconds(50);

// Over a connection limit: the same JSON error as any other refusal, serialized once.
const std::string& too_many_connections_response() {
  static const std::string text = [] {
    HttpRequest unread;  // the request is never read
    unread.keep_alive(false);
    std::ostringstream out;
    auto res = HttpApi::error_response(unread, ErrorCode::rate_limited, "too many connections",
                                       http::status::service_unavailable);
    stamp_common_headers(res);
    out << res;
    return out.str();
  }();
  return text;
}

}  // namespace

Listener::Listener(net::io_context& ioc, tcp::endpoint endpoint, Hub& hub, HttpApi& api, ConnectionLimits& limits,
                   ssl::context* tls)
    : acceptor_(net::make_strand(ioc)), hub_(hub), api_(api), limits_(limits), tls_(tls) {
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(net::socket_base::reuse_address(true));
  acceptor_.bind(endpoint);
  acceptor_.listen(net::socket_base::max_listen_connections);
}

void Listener::run() { do_accept(); }

void Listener::stop() {
  net::post(acceptor_.get_executor(), [self = shared_from_this()] {
    beast::error_code ec;
    self->acceptor_.close(ec);
  });
}

void Listener::do_accept() {
  const auto& contexts = hub_.contexts();
  net::io_context& next = *contexts[next_context_++ % contexts.size()];
  acceptor_.async_accept(next, beast::bind_front_handler(&Listener::on_accept, shared_from_this()));
}

void Listener::on_accept(beast::error_code ec, tcp::socket socket) {
  if (ec == net::error::operation_aborted) return;  // stopped
  if (ec) {
    // Out of descriptors and the like: log, back off a little, keep accepting.
    spdlog::warn("accept: {}", ec.message());
    auto timer = std::make_shared<net::steady_timer>(acceptor_.get_executor(), kAcceptRetryDelay);
    timer->async_wait([self = shared_from_this(), timer](beast::error_code) { self->do_accept(); });
    return;
  }
  beast::error_code addr_ec;
  auto remote = socket.remote_endpoint(addr_ec);
  // In the form limits and logs use throughout (::ffff:10.0.0.1 is 10.0.0.1).
  std::optional<IpAddress> peer_address;
  if (!addr_ec) peer_address = IpAddress::parse(remote.address().to_string());
  const std::string peer = peer_address ? peer_address->to_string() : std::string("unknown");
  // A proxy's connections are its clients': they count against an address once a request
  // says whose they are (HttpConnection).
  const bool from_proxy = peer_address && hub_.config().trusted_proxies.trusts(*peer_address);
  if (auto slot = from_proxy ? limits_.acquire_unattributed() : limits_.acquire(peer)) {
    socket.set_option(tcp::no_delay(true), addr_ec);
    std::make_shared<HttpConnection>(std::move(socket), peer, hub_, api_, std::move(slot), tls_)->run();
  } else {
    hub_.metrics().connections_refused.fetch_add(1, std::memory_order_relaxed);
    // A 503 and close, without reading the request.
    beast::error_code ignored;
    socket.non_blocking(true, ignored);
    socket.write_some(net::buffer(too_many_connections_response()), ignored);
    socket.close(ignored);
  }
  do_accept();
}

}  // namespace yst
