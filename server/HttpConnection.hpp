#pragma once
// One HTTP connection: reads requests (with size limits and a header timeout), answers
// them through HttpApi, and hands a WebSocket upgrade on /ws to a WebSocketConnection.
#include <memory>
#include <optional>
#include <variant>

#include "server/ConnectionLimits.hpp"
#include "server/HttpApi.hpp"
#include "server/Net.hpp"

namespace yst {

class Hub;

class HttpConnection : public std::enable_shared_from_this<HttpConnection> {
 public:
  // With `tls` set, the connection speaks TLS (handshake first, then HTTP). `peer` is the
  // TCP peer's address; `slot` is counted against it, or, for a trusted proxy, against no
  // address until a request names its client.
  HttpConnection(tcp::socket&& socket, std::string peer, Hub& hub, HttpApi& api,
                 std::unique_ptr<ConnectionLimits::Slot> slot, ssl::context* tls = nullptr);
  void run();

 private:
  void on_handshake(beast::error_code ec);
  void do_read();
  void on_read(beast::error_code ec, size_t bytes);
  void write(HttpResponse res, bool close_after = false);
  void on_write(bool close, beast::error_code ec, size_t bytes);
  void do_close();
  bool origin_allowed(const HttpRequest& req) const;
  // The address `req` comes from: the peer, or behind a trusted proxy the client it names.
  std::string client_of(const HttpRequest& req) const;

  using TlsStream = beast::ssl_stream<beast::tcp_stream>;
  beast::tcp_stream& lowest() {
    return std::visit([](auto& s) -> beast::tcp_stream& { return beast::get_lowest_layer(s); }, stream_);
  }

  std::variant<beast::tcp_stream, TlsStream> stream_;
  const std::string peer_;
  beast::flat_buffer buffer_;
  Hub& hub_;
  HttpApi& api_;
  std::unique_ptr<ConnectionLimits::Slot> slot_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::shared_ptr<HttpResponse> response_;
};

}  // namespace yst
