#pragma once
// The transports under a WebSocketConnection: plain TCP and TLS, each built in a file of
// its own (WebSocketPlain.cpp, WebSocketTls.cpp).
#include <array>

#include "server/WebSocketConnection.hpp"

namespace yst {

// Plain TCP. An idle connection waits for the socket to become readable without holding
// a buffer; what is there is read into the thread's own buffer and parsed in place. The
// socket is non-blocking, so the reads after the wait never block the thread.
class PlainWebSocket final : public WebSocketConnection {
 public:
  PlainWebSocket(tcp::socket&& socket, Hub& hub, std::unique_ptr<ConnectionLimits::Slot> slot, std::string client)
      : WebSocketConnection(socket.get_executor(), hub, std::move(slot), std::move(client)),
        socket_(std::move(socket)) {
    beast::error_code ignored;
    socket_.non_blocking(true, ignored);
  }

 private:
  void read_some() override {
    socket_.async_wait(tcp::socket::wait_read, [self = self()](beast::error_code ec) { self->on_readable(ec); });
  }

  void on_readable(beast::error_code ec) {
    if (ec) return on_read_end(ec);
    // One buffer per I/O thread: every connection of the thread parses in it, one at a time.
    thread_local std::array<char, 64 * 1024> scratch;
    // A few buffers' worth at most, then the thread's other connections get their turn.
    for (int reads = 0; reads < 4; ++reads) {
      const size_t n = socket_.read_some(net::buffer(scratch), ec);
      if (ec == net::error::would_block || ec == net::error::try_again) break;
      if (ec) return on_read_end(ec);
      on_bytes(scratch.data(), n);
      if (!socket_.is_open()) return on_read_end(net::error::operation_aborted);
      if (n < scratch.size()) break;
    }
    read_some();
  }

  void write(std::span<const net::const_buffer> buffers) override {
    // Sent at once, as uWebSockets does: nearly every write fits in the socket's buffer,
    // and then it costs one sendmsg and no reactor operation, allocation or completion
    // handler. Only what the kernel does not take waits for the socket to be writable.
    beast::error_code ec;
    const size_t sent = socket_.write_some(buffers, ec);
    if (ec && ec != net::error::would_block && ec != net::error::try_again) return on_write(ec, 0);
    beast::buffers_suffix<std::span<const net::const_buffer>> rest(buffers);
    rest.consume(sent);
    if (net::buffer_size(rest) == 0) return on_write({}, sent);
    net::async_write(socket_, rest, [self = self(), sent](beast::error_code ec, size_t bytes) {
      self->on_write(ec, sent + bytes);
    });
  }

  void cut() override {
    beast::error_code ignored;
    socket_.close(ignored);
  }

  std::shared_ptr<PlainWebSocket> self() { return std::static_pointer_cast<PlainWebSocket>(shared_from_this()); }

  tcp::socket socket_;
};

// TLS: OpenSSL holds the connection's state anyway; reads go through a buffer of its own.
class TlsWebSocket final : public WebSocketConnection {
 public:
  using Stream = beast::ssl_stream<beast::tcp_stream>;
  TlsWebSocket(Stream&& stream, Hub& hub, std::unique_ptr<ConnectionLimits::Slot> slot, std::string client)
      : WebSocketConnection(beast::get_lowest_layer(stream).get_executor(), hub, std::move(slot), std::move(client)),
        stream_(std::move(stream)) {}

 private:
  static constexpr size_t kChunk = 16 * 1024;

  void read_some() override {
    if (!buffer_) buffer_ = std::make_unique<char[]>(kChunk);
    stream_.async_read_some(net::buffer(buffer_.get(), kChunk), [self = self()](beast::error_code ec, size_t n) {
      if (ec) return self->on_read_end(ec);
      self->on_bytes(self->buffer_.get(), n);
      if (!beast::get_lowest_layer(self->stream_).socket().is_open())
        return self->on_read_end(net::error::operation_aborted);
      self->read_some();
    });
  }

  void write(std::span<const net::const_buffer> buffers) override {
    net::async_write(stream_, buffers,
                     [self = self()](beast::error_code ec, size_t bytes) { self->on_write(ec, bytes); });
  }

  void cut() override {
    beast::error_code ignored;
    beast::get_lowest_layer(stream_).socket().close(ignored);
  }

  std::shared_ptr<TlsWebSocket> self() { return std::static_pointer_cast<TlsWebSocket>(shared_from_this()); }

  Stream stream_;
  std::unique_ptr<char[]> buffer_;
};

}  // namespace yst
