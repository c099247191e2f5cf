#include "BenchNet.hpp"

#include <sys/resource.h>

#include <boost/beast/http.hpp>

#include "BenchStats.hpp"

namespace ystbench {

namespace http = boost::beast::http;

namespace {
const net::ip::address& loopback() {
  static const net::ip::address a = net::ip::make_address("127.0.0.1");
  return a;
}
}  // namespace

Conn::Conn(net::io_context& ioc, size_t index, uint16_t port, std::string path)
    : ws_(ioc.get_executor()), index_(index), port_(port), path_(std::move(path)) {}

void Conn::start(OpenHandler on_open, MessageHandler on_message, CloseHandler on_close) {
  on_open_ = std::move(on_open);
  on_message_ = std::move(on_message);
  on_close_ = std::move(on_close);
  net::dispatch(ws_.get_executor(), [self = shared_from_this()] {
    self->connect_started_ns_ = now_ns();
    auto& tcp_layer = beast::get_lowest_layer(self->ws_);
    tcp_layer.expires_after(std::chrono::seconds(15));
    tcp_layer.async_connect(tcp::endpoint(loopback(), self->port_),
                            beast::bind_front_handler(&Conn::on_connect, self));
  });
}

void Conn::on_connect(beast::error_code ec) {
  if (ec) return finish(ec);
  auto& tcp_layer = beast::get_lowest_layer(ws_);
  tcp_layer.socket().set_option(tcp::no_delay(true), ec);  // small frames, answered at once
  tcp_layer.expires_never();  // from here the websocket layer keeps its own timeouts
  auto timeouts = websocket::stream_base::timeout::suggested(beast::role_type::client);
  timeouts.handshake_timeout = std::chrono::seconds(15);
  ws_.set_option(timeouts);
  ws_.read_message_max(64 * 1024 * 1024);  // a welcome with a big snapshot must not fail the run
  ws_.auto_fragment(false);
  ws_.async_handshake("127.0.0.1:" + std::to_string(port_), path_,
                      beast::bind_front_handler(&Conn::on_handshake, shared_from_this()));
}

void Conn::on_handshake(beast::error_code ec) {
  if (ec) return finish(ec);
  opened_ = true;
  opened_ns_ = now_ns();
  if (!queue_.empty()) do_write();  // frames queued while connecting
  if (on_open_) on_open_(*this);    // its sends start their own write (send runs inline here)
  do_read();
}

void Conn::do_read() { ws_.async_read(buffer_, beast::bind_front_handler(&Conn::on_read, shared_from_this())); }

void Conn::on_read(beast::error_code ec, std::size_t) {
  if (ec) return finish(ec);
  const int64_t t = now_ns();
  auto data = buffer_.cdata();
  on_message_(*this, std::string_view(static_cast<const char*>(data.data()), data.size()), t);
  buffer_.consume(buffer_.size());
  do_read();
}

void Conn::send(Frame frame) {
  net::dispatch(ws_.get_executor(), [self = shared_from_this(), frame = std::move(frame)]() mutable {
    if (self->finished_) return;
    self->queue_.push_back(std::move(frame));
    if (self->opened_ && self->queue_.size() == 1) self->do_write();
  });
}

void Conn::do_write() {
  ws_.text(true);
  ws_.async_write(net::buffer(*queue_.front()), beast::bind_front_handler(&Conn::on_write, shared_from_this()));
}

void Conn::on_write(beast::error_code ec, std::size_t) {
  if (ec) {
    queue_.clear();
    return;  // the read side reports the end of the connection
  }
  if (queue_.empty()) return;  // finish() dropped the queue while this write was in flight
  queue_.pop_front();
  if (!queue_.empty()) do_write();
}

void Conn::abort() {
  net::dispatch(ws_.get_executor(), [self = shared_from_this()] {
    auto& sock = beast::get_lowest_layer(self->ws_).socket();
    beast::error_code ec;
    sock.set_option(net::socket_base::linger(true, 0), ec);
    sock.close(ec);
  });
}

void Conn::finish(const beast::error_code& ec) {
  if (finished_) return;
  finished_ = true;
  queue_.clear();
  close_code_ = ws_.reason().code;
  if (on_close_) on_close_(*this, ec, opened_);
  // Drop the handlers: they may hold references that must not outlive the scenario.
  on_open_ = nullptr;
  on_message_ = nullptr;
  on_close_ = nullptr;
}

HttpReply http_request(uint16_t port, const std::string& method, const std::string& target, const std::string& body,
                       const std::string& bearer) {
  HttpReply out;
  net::io_context ioc;
  beast::tcp_stream stream(ioc);
  http::request<http::string_body> req{http::string_to_verb(method), target, 11};
  req.set(http::field::host, "127.0.0.1:" + std::to_string(port));
  req.set(http::field::connection, "close");
  if (!bearer.empty()) req.set(http::field::authorization, "Bearer " + bearer);
  if (method != "GET") {
    req.set(http::field::content_type, "application/json");
    req.body() = body;
    req.prepare_payload();
  }
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(256 * 1024 * 1024);
  // Async with one deadline over the whole exchange, so that a hung server cannot hang the tool.
  stream.expires_after(std::chrono::seconds(15));
  stream.async_connect(tcp::endpoint(loopback(), port), [&](beast::error_code ec) {
    if (ec) return;
    http::async_write(stream, req, [&](beast::error_code ec2, std::size_t) {
      if (ec2) return;
      http::async_read(stream, buffer, parser, [&](beast::error_code ec3, std::size_t) {
        if (ec3) return;
        out.status = static_cast<int>(parser.get().result_int());
        out.body = parser.get().body();
      });
    });
  });
  ioc.run();
  return out;
}

long raise_nofile_limit() {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return -1;
  rl.rlim_cur = rl.rlim_max;
  setrlimit(RLIMIT_NOFILE, &rl);
  getrlimit(RLIMIT_NOFILE, &rl);
  return static_cast<long>(rl.rlim_cur);
}

}  // namespace ystbench
