#pragma once
// The Beast side of a WebSocketConnection, for one kind of stream. Included only by
// WebSocketPlain.cpp and WebSocketTls.cpp, so that each kind is compiled once, apart.
#include <spdlog/spdlog.h>

#include "server/HttpResponses.hpp"
#include "server/WebSocketConnection.hpp"

namespace yst {

template <class NextLayer>
class WebSocketStream final : public WebSocketConnection {
 public:
  WebSocketStream(NextLayer&& next, Hub& hub, std::unique_ptr<ConnectionLimits::Slot> slot, std::string client)
      : WebSocketConnection(beast::get_lowest_layer(next).get_executor(), hub, std::move(slot), std::move(client)),
        ws_(std::move(next)) {}

 private:
  void accept(const websocket::stream_base::timeout& timeouts, http::request<http::string_body> upgrade) override {
    ws_.set_option(timeouts);
    // The message size limit is ours (on_read), not Beast's: Beast 1.81 fails an oversized
    // message by closing the socket after one read of the rest, so a peer still sending
    // gets a TCP reset instead of 1009. async_close drains until the peer's close.
    ws_.read_message_max(0);
    ws_.auto_fragment(false);
    ws_.text(true);  // every frame the server sends is text
    // Also Beast's own refusals of a bad handshake (400, 426) pass through here.
    ws_.set_option(websocket::stream_base::decorator([](websocket::response_type& res) { stamp_common_headers(res); }));
    ws_.async_accept(upgrade, beast::bind_front_handler(&WebSocketStream::on_accept, self()));
  }
  void read_some() override {
    ws_.async_read_some(buffer_, kReadChunk, beast::bind_front_handler(&WebSocketStream::on_read, self()));
  }
  void write(net::const_buffer text) override {
    ws_.async_write(text, beast::bind_front_handler(&WebSocketStream::on_write, self()));
  }
  void send_close(websocket::close_code code, const char* reason) override {
    ws_.async_close(websocket::close_reason(code, reason), [keep = self()](beast::error_code ec) {
      if (ec && !routine(ec)) spdlog::debug("websocket close: {}", ec.message());
    });
  }
  bool got_text() const override { return ws_.got_text(); }
  bool is_message_done() const override { return ws_.is_message_done(); }
  beast::tcp_stream& lowest() override { return beast::get_lowest_layer(ws_); }

  std::shared_ptr<WebSocketConnection> self() { return shared_from_this(); }

  websocket::stream<NextLayer> ws_;
};

}  // namespace yst
