#include "server/HttpSession.hpp"

#include <spdlog/spdlog.h>

#include "server/Hub.hpp"
#include "server/WebSocketSession.hpp"

namespace yst {

HttpSession::HttpSession(tcp::socket&& socket, Hub& hub, HttpApi& api, std::unique_ptr<ConnectionLimits::Slot> slot)
    : stream_(std::move(socket)), hub_(hub), api_(api), slot_(std::move(slot)) {}

void HttpSession::run() {
  net::dispatch(stream_.get_executor(), beast::bind_front_handler(&HttpSession::do_read, shared_from_this()));
}

void HttpSession::do_read() {
  const Config& cfg = hub_.config();
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(cfg.max_header_bytes));
  parser_->body_limit(cfg.max_body_bytes);
  // The whole request must arrive within the timeout: a slowloris gets nowhere.
  stream_.expires_after(std::chrono::seconds(cfg.header_timeout_s));
  http::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&HttpSession::on_read, shared_from_this()));
}

bool HttpSession::origin_allowed(const HttpRequest& req) const {
  const auto& allowed = hub_.config().allowed_origins;
  if (allowed.empty()) return true;
  auto it = req.find(http::field::origin);
  if (it == req.end()) return true;  // not a browser: Origin is a browser's promise, not a secret
  for (const auto& o : allowed)
    if (it->value() == o) return true;
  return false;
}

void HttpSession::on_read(beast::error_code ec, size_t) {
  if (ec == http::error::end_of_stream || ec == net::error::eof) return do_close();
  if (ec == beast::error::timeout || ec == net::error::operation_aborted || ec == net::error::connection_reset) return;
  HttpRequest dummy;
  dummy.version(11);
  dummy.keep_alive(false);
  if (ec == http::error::body_limit)
    return write(HttpApi::error_response(dummy, ErrorCode::too_large, "request body too large"), true);
  if (ec == http::error::header_limit)
    return write(HttpApi::error_response(dummy, ErrorCode::too_large, "request header too large",
                                         http::status::request_header_fields_too_large),
                 true);
  if (ec) return write(HttpApi::error_response(dummy, ErrorCode::bad_request, "malformed HTTP request: " + ec.message()), true);

  HttpRequest req = parser_->release();
  if (websocket::is_upgrade(req)) {
    std::string_view target = req.target();
    if (target.substr(0, target.find('?')) != "/ws")
      return write(HttpApi::error_response(req, ErrorCode::not_found, "WebSocket endpoint is /ws"), true);
    if (!origin_allowed(req))
      return write(HttpApi::error_response(req, ErrorCode::forbidden, "origin not allowed"), true);
    stream_.expires_never();
    std::make_shared<WebSocketSession>(std::move(stream_), hub_, std::move(slot_))->run(std::move(req));
    return;
  }
  api_.handle(req, [self = shared_from_this()](HttpResponse res) {
    net::dispatch(self->stream_.get_executor(),
                  [self, res = std::move(res)]() mutable { self->write(std::move(res)); });
  });
}

void HttpSession::write(HttpResponse res, bool close_after) {
  if (close_after) res.keep_alive(false);
  const bool close = !res.keep_alive();
  response_ = std::make_shared<HttpResponse>(std::move(res));
  stream_.expires_after(std::chrono::seconds(30));
  http::async_write(stream_, *response_, beast::bind_front_handler(&HttpSession::on_write, shared_from_this(), close));
}

void HttpSession::on_write(bool close, beast::error_code ec, size_t) {
  response_.reset();
  if (ec) return;
  if (close) return do_close();
  do_read();
}

void HttpSession::do_close() {
  beast::error_code ec;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
}

}  // namespace yst
