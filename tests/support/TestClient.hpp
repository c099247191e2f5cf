#pragma once
// Real clients for integration tests: a WebSocket client and a small HTTP client, both
// over loopback with bounded waits (no sleeps). Beast stays inside TestClient.cpp so the
// tests compile quickly.
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace yst::test {

using json = nlohmann::json;
using namespace std::chrono_literals;

struct HttpResult {
  int status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names
  json json_body() const { return json::parse(body, nullptr, false); }
};

HttpResult http(uint16_t port, const std::string& method, const std::string& target, const std::string& body = "",
                const std::map<std::string, std::string>& headers = {});
// Sends raw bytes and returns whatever comes back until the server closes (or timeout).
std::string raw_http(uint16_t port, const std::string& bytes, std::chrono::milliseconds timeout = 5s);

class WsClient {
 public:
  explicit WsClient(uint16_t port, const std::map<std::string, std::string>& headers = {});
  ~WsClient();
  WsClient(const WsClient&) = delete;
  WsClient& operator=(const WsClient&) = delete;

  void send(const std::string& text);
  void send_json(const json& j) { send(j.dump()); }
  void send_binary(const std::string& bytes);

  // The next frame (from the inbox first); nullopt on timeout or once closed.
  std::optional<json> recv(std::chrono::milliseconds timeout = 5s);
  // Frames until one satisfies pred (others are kept in order in `seen`).
  std::optional<json> recv_until(const std::function<bool(const json&)>& pred, std::chrono::milliseconds timeout = 5s);
  // Sends `req` with a fresh id and waits for the reply carrying it (ack, error, welcome,
  // pong). Frames received meanwhile are kept in the inbox for recv().
  json request(json req, std::chrono::milliseconds timeout = 5s);
  // Waits for the server to close; returns the close code (0 if none came in time).
  int wait_close(std::chrono::milliseconds timeout = 5s);
  bool is_open() const;
  void close();
  // Stop reading: the kernel buffers fill and the server sees a slow client.
  size_t inbox_size() const { return inbox_.size(); }

  std::deque<json> inbox_;
  // Frames that came as a JSON array (clients that joined with batch); their messages
  // are returned one by one, in order.
  int batched_frames() const { return batched_frames_; }

 private:
  std::deque<json> split_;
  int batched_frames_ = 0;
  struct Impl;
  std::unique_ptr<Impl> impl_;
  int next_id_ = 1;
  std::optional<json> read_one(std::chrono::milliseconds timeout);
};

}  // namespace yst::test
