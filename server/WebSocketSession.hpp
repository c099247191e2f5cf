#pragma once
// One WebSocket connection. Its executor is the io_context of one I/O thread (chosen at
// accept), which no other thread runs: reads, writes and the outgoing queue are touched
// only there. Rooms reach it through that thread's RoomShard; close() posts onto it.
#include <deque>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "server/ConnectionLimits.hpp"
#include "server/Net.hpp"
#include "server/Peer.hpp"
#include "session/Session.hpp"

namespace yst {

class Hub;
class Room;

class WebSocketSession : public Peer, public std::enable_shared_from_this<WebSocketSession> {
 public:
  WebSocketSession(beast::tcp_stream&& stream, Hub& hub, std::unique_ptr<ConnectionLimits::Slot> slot);
  WebSocketSession(beast::ssl_stream<beast::tcp_stream>&& stream, Hub& hub,
                   std::unique_ptr<ConnectionLimits::Slot> slot);
  ~WebSocketSession() override;

  void run(http::request<http::string_body> upgrade);

  size_t shard() const override { return shard_; }
  bool deliver(Frame frame, bool counted) override;
  void flush() override;
  void join_refused() override;
  void close(uint16_t code, const char* reason) override;

 private:
  void on_accept(beast::error_code ec);
  void do_read();
  void on_read(beast::error_code ec, size_t bytes);
  void handle_text(std::string_view text);
  void handle_join(const Request& r, const json& id);
  void reply(std::string frame);
  bool over_rate_limit();
  bool push(Frame frame, bool counted);  // false once the connection is closing
  void do_write();
  void on_write(beast::error_code ec, size_t bytes);
  void close_now(websocket::close_code code, const char* reason);

  // Plain or TLS: one connection class for both, the stream chosen at accept.
  using PlainWs = websocket::stream<beast::tcp_stream>;
  using TlsWs = websocket::stream<beast::ssl_stream<beast::tcp_stream>>;
  template <class F>
  decltype(auto) with_ws(F&& f) {
    return std::visit(std::forward<F>(f), ws_);
  }
  beast::tcp_stream& lowest() {
    return std::visit([](auto& ws) -> beast::tcp_stream& { return beast::get_lowest_layer(ws); }, ws_);
  }
  net::any_io_executor executor() { return lowest().get_executor(); }
  void init();

  std::variant<PlainWs, TlsWs> ws_;
  beast::flat_buffer buffer_;
  size_t message_bytes_ = 0;  // of the message being read
  Hub& hub_;
  std::unique_ptr<ConnectionLimits::Slot> slot_;
  net::steady_timer close_timer_;

  struct Outgoing {
    Frame frame;
    bool counted;
  };
  std::deque<Outgoing> queue_;
  const size_t shard_;
  bool flush_due_ = false;   // deliver() queued frames that flush() has not written yet
  size_t queued_bytes_ = 0;  // counted bytes only
  bool writing_ = false;
  bool closing_ = false;
  size_t in_flight_ = 0;  // queue entries the current write carries
  bool batch_ = false;    // the client joined with "batch": true
  std::string batch_buffer_;
  static constexpr size_t kReadChunk = 16 * 1024;
  static constexpr size_t kMaxBatchMessages = 256;
  static constexpr size_t kMaxBatchBytes = 256 * 1024;

  std::shared_ptr<Room> room_;  // set once a join is sent to the room
  Caller caller_;

  // Requests per second: a fixed one-second window. Past the limit, rate_limited; past
  // three times the limit in one window, the flood is closed with 1008.
  int rate_limit_ = 20;
  int64_t window_start_ms_ = 0;
  int window_count_ = 0;
};

}  // namespace yst
