#include "tests/support/TestClient.hpp"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include <stdexcept>

namespace yst::test {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http_ns = boost::beast::http;
namespace websocket = boost::beast::websocket;
using tcp = net::ip::tcp;

namespace {
// Runs the io_context until `done` or the timeout; on timeout cancels and drains.
template <class Cancel>
bool run_until(net::io_context& ioc, const bool& done, std::chrono::milliseconds timeout, Cancel cancel) {
  ioc.restart();
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done && std::chrono::steady_clock::now() < deadline) ioc.run_one_until(deadline);
  if (!done) {
    cancel();
    ioc.restart();
    while (!done) ioc.run_one();
    return false;
  }
  return true;
}
}  // namespace

HttpResult http(uint16_t port, const std::string& method, const std::string& target, const std::string& body,
                const std::map<std::string, std::string>& headers) {
  net::io_context ioc;
  beast::tcp_stream stream(ioc);
  stream.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  http_ns::request<http_ns::string_body> req{http_ns::string_to_verb(method), target, 11};
  req.set(http_ns::field::host, "127.0.0.1:" + std::to_string(port));
  for (const auto& [k, v] : headers) req.set(k, v);
  if (!body.empty() || method == "POST") {
    req.body() = body;
    if (!req.count(http_ns::field::content_type)) req.set(http_ns::field::content_type, "application/json");
    req.prepare_payload();
  }
  stream.expires_after(std::chrono::seconds(10));
  http_ns::write(stream, req);
  beast::flat_buffer buffer;
  http_ns::response_parser<http_ns::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  parser.skip(method == "HEAD");
  http_ns::read(stream, buffer, parser);
  auto res = parser.release();
  HttpResult out;
  out.status = static_cast<int>(res.result_int());
  out.body = res.body();
  for (const auto& f : res) {
    std::string name(f.name_string());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out.headers[name] = std::string(f.value());
  }
  beast::error_code ec;
  stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  return out;
}

std::string raw_http(uint16_t port, const std::string& bytes, std::chrono::milliseconds timeout) {
  net::io_context ioc;
  tcp::socket sock(ioc);
  sock.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  beast::error_code ec;
  net::write(sock, net::buffer(bytes), ec);
  std::string out;
  char buf[4096];
  bool done = false;
  std::function<void()> read_more = [&] {
    sock.async_read_some(net::buffer(buf), [&](beast::error_code e, size_t n) {
      out.append(buf, n);
      if (e) {
        done = true;
        return;
      }
      read_more();
    });
  };
  read_more();
  run_until(ioc, done, timeout, [&] { sock.cancel(); });
  return out;
}

struct WsClient::Impl {
  net::io_context ioc;
  websocket::stream<beast::tcp_stream> ws{ioc};
  beast::flat_buffer buffer;
  bool open = false;
  int close_code = 0;
  bool read_pending = false;
  bool read_done = false;
  beast::error_code read_result;
};

WsClient::WsClient(uint16_t port, const std::map<std::string, std::string>& headers) : impl_(std::make_unique<Impl>()) {
  auto& lowest = beast::get_lowest_layer(impl_->ws);
  lowest.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  lowest.socket().set_option(tcp::no_delay(true));  // small requests, answered at once: no Nagle delay
  impl_->ws.set_option(websocket::stream_base::decorator([headers](websocket::request_type& req) {
    for (const auto& [k, v] : headers) req.set(k, v);
  }));
  impl_->ws.read_message_max(64 * 1024 * 1024);
  impl_->ws.handshake("127.0.0.1:" + std::to_string(port), "/ws");
  impl_->open = true;
}

WsClient::~WsClient() {
  if (impl_->open) {
    beast::error_code ec;
    beast::get_lowest_layer(impl_->ws).socket().close(ec);
  }
}

void WsClient::send(const std::string& text) {
  // Synchronous writes would mix badly with a pending async read on the same stream;
  // run the write through the io_context as well.
  impl_->ws.text(true);
  bool done = false;
  beast::error_code result;
  impl_->ws.async_write(net::buffer(text), [&](beast::error_code ec, size_t) {
    result = ec;
    done = true;
  });
  impl_->ioc.restart();
  while (!done) impl_->ioc.run_one();
  if (result) throw beast::system_error(result);
}

void WsClient::send_binary(const std::string& bytes) {
  impl_->ws.binary(true);
  bool done = false;
  impl_->ws.async_write(net::buffer(bytes), [&](beast::error_code, size_t) { done = true; });
  impl_->ioc.restart();
  while (!done) impl_->ioc.run_one();
  impl_->ws.text(true);
}

std::optional<json> WsClient::read_one(std::chrono::milliseconds timeout) {
  if (!split_.empty()) {
    json j = std::move(split_.front());
    split_.pop_front();
    return j;
  }
  if (!impl_->open) return std::nullopt;
  // A read that timed out stays pending (cancelling would break the websocket stream);
  // the next call keeps waiting for the same frame.
  if (!impl_->read_pending) {
    impl_->read_pending = true;
    impl_->read_done = false;
    impl_->ws.async_read(impl_->buffer, [impl = impl_.get()](beast::error_code ec, size_t) {
      impl->read_result = ec;
      impl->read_done = true;
    });
  }
  impl_->ioc.restart();
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!impl_->read_done) {
    if (timeout.count() == 0) {
      impl_->ioc.poll();
      if (!impl_->read_done) return std::nullopt;
      break;
    }
    if (impl_->ioc.run_one_until(deadline) == 0 && std::chrono::steady_clock::now() >= deadline) break;
  }
  if (!impl_->read_done) return std::nullopt;
  impl_->read_pending = false;
  if (impl_->read_result) {
    impl_->open = false;
    // The close frame may have arrived even when answering it failed (the server is gone).
    impl_->close_code = impl_->ws.reason().code;
    return std::nullopt;
  }
  std::string text = beast::buffers_to_string(impl_->buffer.data());
  impl_->buffer.consume(impl_->buffer.size());
  json j = json::parse(text);
  if (j.is_array() && !j.empty()) {  // a batched frame (join with batch): one message at a time
    ++batched_frames_;
    for (size_t i = 1; i < j.size(); ++i) split_.push_back(std::move(j[i]));
    return std::move(j[0]);
  }
  return j;
}

std::optional<json> WsClient::recv(std::chrono::milliseconds timeout) {
  if (!inbox_.empty()) {
    json j = std::move(inbox_.front());
    inbox_.pop_front();
    return j;
  }
  return read_one(timeout);
}

std::optional<json> WsClient::recv_until(const std::function<bool(const json&)>& pred, std::chrono::milliseconds timeout) {
  for (auto it = inbox_.begin(); it != inbox_.end(); ++it) {
    if (pred(*it)) {
      json j = std::move(*it);
      inbox_.erase(it);
      return j;
    }
  }
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    auto j = read_one(left);
    if (!j) return std::nullopt;
    if (pred(*j)) return j;
    inbox_.push_back(std::move(*j));
  }
}

json WsClient::request(json req, std::chrono::milliseconds timeout) {
  int id = next_id_++;
  req["id"] = id;
  send_json(req);
  auto reply = recv_until(
      [id](const json& j) {
        auto t = j.value("type", "");
        return (t == "ack" || t == "error" || t == "welcome" || t == "pong") && j.contains("id") && j["id"] == id;
      },
      timeout);
  if (!reply) throw std::runtime_error("no reply to " + req.dump());
  return *reply;
}

int WsClient::wait_close(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (impl_->open) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return 0;
    auto j = read_one(left);
    if (j) inbox_.push_back(std::move(*j));
  }
  return impl_->close_code;
}

bool WsClient::is_open() const { return impl_->open; }

void WsClient::close() {
  if (!impl_->open) return;
  beast::error_code ec;
  impl_->ws.close(websocket::close_code::normal, ec);
  impl_->open = false;
}

}  // namespace yst::test
