#pragma once
// One WebSocket connection. Its executor is the io_context of one I/O thread (chosen at
// accept), which no other thread runs: reads, writes and the outgoing queue are touched
// only there. Rooms reach it through that thread's RoomShard; close() posts onto it.
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "server/ConnectionLimits.hpp"
#include "server/Net.hpp"
#include "server/Peer.hpp"
#include "session/Session.hpp"

namespace yst {

class Hub;
class Room;

// The connection's logic: the join, requests, rate limits, the outgoing queue. What
// touches the Beast stream is in WebSocketStream.hpp, instantiated once for plain TCP and
// once for TLS in two files of their own: those instantiations are most of the compile
// time (two minutes under the sanitizers in one file), and apart they build in parallel.
class WebSocketConnection : public Peer, public std::enable_shared_from_this<WebSocketConnection> {
 public:
  ~WebSocketConnection() override;

  void run(http::request<http::string_body> upgrade);

  size_t thread_index() const override { return thread_index_; }
  bool deliver(Frame frame, bool counted) override;
  void flush() override;
  void join_refused() override;
  void close(uint16_t code, const char* reason) override;

 protected:
  // `client` is the address the upgrade request came from (see TrustedProxies).
  WebSocketConnection(net::any_io_executor executor, Hub& hub, std::unique_ptr<ConnectionLimits::Slot> slot,
                      std::string client);

  // The stream's side, each ending in the handler named.
  virtual void accept(const websocket::stream_base::timeout& timeouts,
                      http::request<http::string_body> upgrade) = 0;  // on_accept
  virtual void read_some() = 0;                                       // on_read, into buffer_
  virtual void write(net::const_buffer text) = 0;                     // on_write
  virtual void send_close(websocket::close_code code, const char* reason) = 0;
  virtual bool got_text() const = 0;
  virtual bool is_message_done() const = 0;
  virtual beast::tcp_stream& lowest() = 0;

  // Errors that only mean "the peer went away": not worth a log line.
  static bool routine(const beast::error_code& ec);
  void on_accept(beast::error_code ec);
  void on_read(beast::error_code ec, size_t bytes);
  void on_write(beast::error_code ec, size_t bytes);

  beast::flat_buffer buffer_;
  static constexpr size_t kReadChunk = 16 * 1024;

 private:
  void handle_text(std::string_view text);
  void handle_join(const Request& r, const json& id);
  void reply(std::string frame);
  bool over_rate_limit();
  bool push(Frame frame, bool counted);  // false once the connection is closing
  void do_write();
  void close_now(websocket::close_code code, const char* reason);

  const net::any_io_executor executor_;
  size_t message_bytes_ = 0;  // of the message being read
  Hub& hub_;
  std::unique_ptr<ConnectionLimits::Slot> slot_;
  const std::string client_;
  net::steady_timer close_timer_;

  struct Outgoing {
    Frame frame;
    bool counted;
  };
  std::deque<Outgoing> queue_;
  const size_t thread_index_;
  bool flush_due_ = false;   // deliver() queued frames that flush() has not written yet
  size_t queued_bytes_ = 0;  // counted bytes only
  bool writing_ = false;
  bool closing_ = false;
  size_t in_flight_ = 0;  // queue entries the current write carries
  bool looked_up_ = false;  // a join in a cluster re-read its session from the store once
  bool batch_ = false;    // the client joined with "batch": true
  std::string batch_buffer_;
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

// Defined in WebSocketPlain.cpp and WebSocketTls.cpp.
std::shared_ptr<WebSocketConnection> make_websocket_connection(beast::tcp_stream&& stream, Hub& hub,
                                                               std::unique_ptr<ConnectionLimits::Slot> slot,
                                                               std::string client);
std::shared_ptr<WebSocketConnection> make_websocket_connection(beast::ssl_stream<beast::tcp_stream>&& stream, Hub& hub,
                                                               std::unique_ptr<ConnectionLimits::Slot> slot,
                                                               std::string client);

}  // namespace yst
