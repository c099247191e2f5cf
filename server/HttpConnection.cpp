#include "server/HttpConnection.hpp"

#include <spdlog/spdlog.h>

#include "server/Hub.hpp"
#include "server/WebSocketConnection.hpp"

namespace yst {

namespace {

// Writing a response, however large, must not take longer: a client that stops reading
// is dropped.
constexpr auto kWriteTimeout = std::chrono::seconds(30);
// The TLS close_notify exchange: a peer that never answers is not waited for.
constexpr auto kTlsShutdownTimeout = std::chrono::seconds(5);

std::variant<beast::tcp_stream, beast::ssl_stream<beast::tcp_stream>> make_stream(tcp::socket&& socket,
                                                                                  ssl::context* tls) {
  if (tls) return std::variant<beast::tcp_stream, beast::ssl_stream<beast::tcp_stream>>(
                  std::in_place_type<beast::ssl_stream<beast::tcp_stream>>, std::move(socket), *tls);
  return std::variant<beast::tcp_stream, beast::ssl_stream<beast::tcp_stream>>(std::in_place_type<beast::tcp_stream>,
                                                                              std::move(socket));
}
}  // namespace

HttpConnection::HttpConnection(tcp::socket&& socket, std::string peer, Hub& hub, HttpApi& api,
                               std::unique_ptr<ConnectionLimits::Slot> slot, ssl::context* tls)
    : stream_(make_stream(std::move(socket), tls)),
      peer_(std::move(peer)),
      hub_(hub),
      api_(api),
      slot_(std::move(slot)) {}

void HttpConnection::run() {
  net::dispatch(lowest().get_executor(), [self = shared_from_this()] {
    if (auto* tls = std::get_if<TlsStream>(&self->stream_)) {
      // The handshake counts against the header timeout too: no slow TLS hellos.
      self->lowest().expires_after(std::chrono::seconds(self->hub_.config().header_timeout_s));
      tls->async_handshake(ssl::stream_base::server,
                           beast::bind_front_handler(&HttpConnection::on_handshake, self));
    } else {
      self->do_read();
    }
  });
}

void HttpConnection::on_handshake(beast::error_code ec) {
  if (ec) return;  // not a TLS client, or gone: nothing to answer
  do_read();
}

void HttpConnection::do_read() {
  const Config& cfg = hub_.config();
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(cfg.max_header_bytes));
  parser_->body_limit(cfg.max_body_bytes);
  // The whole request must arrive within the timeout: a slowloris gets nowhere.
  lowest().expires_after(std::chrono::seconds(cfg.header_timeout_s));
  std::visit([&](auto& s) {
    http::async_read(s, buffer_, *parser_, beast::bind_front_handler(&HttpConnection::on_read, shared_from_this()));
  }, stream_);
}

bool HttpConnection::origin_allowed(const HttpRequest& req) const {
  const auto& allowed = hub_.config().allowed_origins;
  if (allowed.empty()) return true;
  auto it = req.find(http::field::origin);
  if (it == req.end()) return true;  // not a browser: Origin is a browser's promise, not a secret
  for (const auto& o : allowed)
    if (it->value() == o) return true;
  return false;
}

std::string HttpConnection::client_of(const HttpRequest& req) const {
  const TrustedProxies& proxies = hub_.config().trusted_proxies;
  if (proxies.empty()) return peer_;
  std::vector<std::string_view> forwarded_for;
  for (auto [it, end] = req.equal_range("X-Forwarded-For"); it != end; ++it) forwarded_for.push_back(it->value());
  return proxies.client_address(peer_, forwarded_for);
}

void HttpConnection::on_read(beast::error_code ec, size_t) {
  if (ec == http::error::end_of_stream || ec == net::error::eof) return do_close();
  if (ec == beast::error::timeout || ec == net::error::operation_aborted || ec == net::error::connection_reset) return;
  HttpRequest unreadable;  // HTTP/1.1, answered and then closed
  unreadable.keep_alive(false);
  if (ec == http::error::body_limit)
    return write(HttpApi::error_response(unreadable, ErrorCode::too_large, "request body too large"), true);
  if (ec == http::error::header_limit)
    return write(HttpApi::error_response(unreadable, ErrorCode::too_large, "request header too large",
                                         http::status::request_header_fields_too_large),
                 true);
  if (ec)
    return write(
        HttpApi::error_response(unreadable, ErrorCode::bad_request, "malformed HTTP request: " + ec.message()), true);

  HttpRequest req = parser_->release();
  const std::string client = client_of(req);
  // Behind a proxy the per-address limit is the client's, which only the request names;
  // a proxy reusing the connection for another client moves the count with it.
  if (!slot_->attribute(client)) {
    hub_.metrics().connections_refused.fetch_add(1, std::memory_order_relaxed);
    return write(HttpApi::error_response(req, ErrorCode::rate_limited, "too many connections",
                                         http::status::service_unavailable),
                 true);
  }
  if (websocket::is_upgrade(req)) {
    std::string_view target = req.target();
    if (target.substr(0, target.find('?')) != "/ws")
      return write(HttpApi::error_response(req, ErrorCode::not_found, "WebSocket endpoint is /ws"), true);
    if (!origin_allowed(req))
      return write(HttpApi::error_response(req, ErrorCode::forbidden, "origin not allowed"), true);
    lowest().expires_never();
    std::visit([&](auto& s) {
      make_websocket_connection(std::move(s), hub_, std::move(slot_), client)->run(req);
    }, stream_);
    return;
  }
  api_.handle(req, client, [self = shared_from_this()](HttpResponse res) {
    net::dispatch(self->lowest().get_executor(),
                  [self, res = std::move(res)]() mutable { self->write(std::move(res)); });
  });
}

void HttpConnection::write(HttpResponse res, bool close_after) {
  stamp_common_headers(res);
  if (close_after) res.keep_alive(false);
  const bool close = !res.keep_alive();
  response_ = std::make_shared<HttpResponse>(std::move(res));
  lowest().expires_after(kWriteTimeout);
  std::visit([&](auto& s) {
    http::async_write(s, *response_, beast::bind_front_handler(&HttpConnection::on_write, shared_from_this(), close));
  }, stream_);
}

void HttpConnection::on_write(bool close, beast::error_code ec, size_t) {
  response_.reset();
  if (ec) return;
  if (close) return do_close();
  do_read();
}

void HttpConnection::do_close() {
  if (auto* tls = std::get_if<TlsStream>(&stream_)) {
    lowest().expires_after(kTlsShutdownTimeout);
    tls->async_shutdown([self = shared_from_this()](beast::error_code) {});
    return;
  }
  beast::error_code ec;
  lowest().socket().shutdown(tcp::socket::shutdown_send, ec);
}

}  // namespace yst
