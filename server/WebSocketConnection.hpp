#pragma once
// One WebSocket connection. Its executor is the io_context of one I/O thread (chosen at
// accept), which no other thread runs: reads, writes and the outgoing queue are touched
// only there. Rooms reach it through that thread's RoomShard; close() posts onto it.
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "server/ConnectionLimits.hpp"
#include "server/Net.hpp"
#include "server/Peer.hpp"
#include "server/WebSocketFrames.hpp"
#include "session/Session.hpp"

namespace yst {

class Hub;
class Room;

// The connection's logic: the handshake, the frames (WebSocketFrames.hpp), the join,
// requests, rate limits, the outgoing queue, pings and the closing handshake. Beast parses
// the upgrade request (HttpConnection); the frames are ours, so that everything queued for
// a connection, broadcast frames built once and shared, goes out in one write of a buffer
// sequence, and an idle connection holds no buffer. The transport (plain TCP or TLS) is in
// WebSocketStream.hpp.
class WebSocketConnection : public Peer,
                            public std::enable_shared_from_this<WebSocketConnection>,
                            private ws::Reader::Handler {
 public:
  ~WebSocketConnection() override;

  void run(const http::request<http::string_body>& upgrade);

  size_t thread_index() const override { return thread_index_; }
  bool deliver(Frame frame, bool counted) override;
  void flush() override;
  void join_refused() override;
  void close(uint16_t code, const char* reason) override;

 protected:
  // `client` is the address the upgrade request came from (see TrustedProxies).
  WebSocketConnection(net::any_io_executor executor, Hub& hub, std::unique_ptr<ConnectionLimits::Slot> slot,
                      std::string client);

  // The transport's side. read_some() ends in on_bytes() (any number of times) and then
  // either read_some() again or on_read_end(); write() ends in on_write().
  virtual void read_some() = 0;
  virtual void write(std::span<const net::const_buffer> buffers) = 0;
  virtual void cut() = 0;  // closes the socket now; the pending read ends with an error

  void on_bytes(char* data, size_t size);
  void on_read_end(beast::error_code ec);
  void on_write(beast::error_code ec, size_t bytes);

  // Errors that only mean "the peer went away": not worth a log line.
  static bool routine(const beast::error_code& ec);

 private:
  // ws::Reader::Handler
  void on_text(std::string_view message) override;
  void on_ping(std::string_view payload) override;
  void on_close(uint16_t code) override;
  void on_fail(uint16_t code, const char* reason) override;

  void handle_join(const Request& r, const json& id);
  void reply(std::string text);
  bool over_rate_limit();
  bool push(Frame frame, bool counted);  // false once the connection is closing
  void push_control(Frame frame);        // pings, pongs, the handshake: never counted, never batched
  void do_write();
  void close_now(uint16_t code, const char* reason);
  void watch_idle();

  const net::any_io_executor executor_;
  Hub& hub_;
  std::unique_ptr<ConnectionLimits::Slot> slot_;
  const std::string client_;
  ws::Reader reader_;
  net::steady_timer timer_;  // the idle ping, then the closing handshake's deadline

  struct Outgoing {
    Frame frame;
    bool counted;
    bool control;
  };
  // Swapped at each write: what the write carries, and what came since. Vectors, not a
  // deque, so that an idle connection's empty queue holds no block.
  std::vector<Outgoing> sending_;
  std::vector<Outgoing> queue_;
  std::vector<net::const_buffer> buffers_;
  std::string batch_buffer_;
  const size_t thread_index_;
  size_t queued_bytes_ = 0;  // counted bytes only
  bool flush_due_ = false;   // deliver() queued frames that flush() has not written yet
  bool writing_ = false;
  bool closing_ = false;     // our close frame is queued: nothing else goes out
  bool close_sent_ = false;  // ... and written
  bool peer_closed_ = false; // the peer's close frame arrived
  bool refused_ = false;     // the handshake was refused: the answer is the last thing sent
  bool read_done_ = false;
  bool heard_ = false;       // something arrived since the last idle check
  bool pinged_ = false;      // the idle check sent a ping, unanswered so far
  bool looked_up_ = false;   // a join in a cluster re-read its session from the store once
  bool batch_ = false;       // the client joined with "batch": true
  static constexpr size_t kMaxBatchMessages = 256;
  static constexpr size_t kMaxBatchBytes = 256 * 1024;

  std::shared_ptr<Room> room_;  // set once a join is sent to the room
  Caller caller_;

  // Requests per second: a fixed one-second window. Past the limit, rate_limited; past
  // three times the limit in one window, the flood is closed with 1008.
  int rate_limit_ = 20;
  int window_count_ = 0;
  int64_t window_start_ms_ = 0;
};

// Defined in WebSocketPlain.cpp and WebSocketTls.cpp.
std::shared_ptr<WebSocketConnection> make_websocket_connection(beast::tcp_stream&& stream, Hub& hub,
                                                               std::unique_ptr<ConnectionLimits::Slot> slot,
                                                               std::string client);
std::shared_ptr<WebSocketConnection> make_websocket_connection(beast::ssl_stream<beast::tcp_stream>&& stream, Hub& hub,
                                                               std::unique_ptr<ConnectionLimits::Slot> slot,
                                                               std::string client);

}  // namespace yst
