#pragma once
// The load tool's network side: an asynchronous WebSocket client connection (many per
// io_context) and a small blocking HTTP client. Everything connects to 127.0.0.1 only.
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace ystbench {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;
using tcp = net::ip::tcp;

using Frame = std::shared_ptr<const std::string>;

// One client WebSocket on an io_context that one thread runs: its handlers never run
// concurrently, so a scenario may keep per-connection state without locks as long as
// only these handlers touch it.
class Conn : public std::enable_shared_from_this<Conn> {
 public:
  using OpenHandler = std::function<void(Conn&)>;
  using MessageHandler = std::function<void(Conn&, std::string_view, int64_t now_ns)>;
  // Called once: after a failed connect/handshake (opened false) or when the open
  // connection ends (opened true), whatever the reason.
  using CloseHandler = std::function<void(Conn&, const beast::error_code&, bool opened)>;

  Conn(net::io_context& ioc, size_t index, uint16_t port, std::string path);

  // Connects, handshakes, calls on_open, then reads until the connection ends.
  void start(OpenHandler on_open, MessageHandler on_message, CloseHandler on_close);
  // From any thread. Frames go out in order, one write in flight.
  void send(Frame frame);
  void send(std::string text) { send(std::make_shared<const std::string>(std::move(text))); }
  // From any thread: closes the socket with a reset (SO_LINGER 0), skipping the close
  // handshake, so that tearing down ten thousand connections leaves no TIME_WAIT behind.
  void abort();

  size_t index() const { return index_; }
  int64_t connect_started_ns() const { return connect_started_ns_; }
  int64_t opened_ns() const { return opened_ns_; }
  uint16_t close_code() const { return close_code_; }

 private:
  void on_connect(beast::error_code ec);
  void on_handshake(beast::error_code ec);
  void do_read();
  void on_read(beast::error_code ec, std::size_t);
  void do_write();
  void on_write(beast::error_code ec, std::size_t);
  void finish(const beast::error_code& ec);

  websocket::stream<beast::tcp_stream> ws_;
  const size_t index_;
  const uint16_t port_;
  const std::string path_;
  OpenHandler on_open_;
  MessageHandler on_message_;
  CloseHandler on_close_;
  beast::flat_buffer buffer_;
  std::deque<Frame> queue_;  // front() is being written while non-empty and open
  bool opened_ = false;
  bool finished_ = false;
  int64_t connect_started_ns_ = 0;
  int64_t opened_ns_ = 0;
  uint16_t close_code_ = 0;
};

struct HttpReply {
  int status = 0;  // 0: no answer (connection failed or timed out)
  std::string body;
};

// A blocking HTTP/1.1 request to 127.0.0.1:port with a 15 s bound.
HttpReply http_request(uint16_t port, const std::string& method, const std::string& target, const std::string& body,
                       const std::string& bearer);

// Raises RLIMIT_NOFILE to the hard limit; returns the new soft limit.
long raise_nofile_limit();

}  // namespace ystbench
