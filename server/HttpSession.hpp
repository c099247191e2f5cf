#pragma once
// One HTTP connection: reads requests (with size limits and a header timeout), answers
// them through HttpApi, and hands a WebSocket upgrade on /ws to a WebSocketSession.
#include <memory>
#include <optional>

#include "server/ConnectionLimits.hpp"
#include "server/HttpApi.hpp"
#include "server/Net.hpp"

namespace yst {

class Hub;

class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(tcp::socket&& socket, Hub& hub, HttpApi& api, std::unique_ptr<ConnectionLimits::Slot> slot);
  void run();

 private:
  void do_read();
  void on_read(beast::error_code ec, size_t bytes);
  void write(HttpResponse res, bool close_after = false);
  void on_write(bool close, beast::error_code ec, size_t bytes);
  void do_close();
  bool origin_allowed(const HttpRequest& req) const;

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  Hub& hub_;
  HttpApi& api_;
  std::unique_ptr<ConnectionLimits::Slot> slot_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::shared_ptr<HttpResponse> response_;
};

}  // namespace yst
