#pragma once
// A blocking Redis connection (hiredis) for one thread of the cluster. The cluster's
// threads each own one: a blocking call on its own thread is simpler to get right than an
// event-loop adapter, and nothing on an I/O thread ever waits for Redis.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

struct redisContext;

namespace yst::cluster {

// A reply, copied out of hiredis so it outlives the call.
struct Reply {
  enum class Type { nil, string, integer, array, status, error };
  Type type = Type::nil;
  std::string str;  // string, status, error
  long long integer = 0;
  std::vector<Reply> elements;
  bool is_nil() const { return type == Type::nil; }
  bool is_error() const { return type == Type::error; }
};

// The connection went away or never came: the caller retries later.
struct RedisUnavailable : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct RedisAddress {
  std::string host;
  int port = 6379;
  // redis://HOST:PORT (no password, no database: Debian's defaults on a private network).
  static std::optional<RedisAddress> parse(std::string_view url);
  std::string to_string() const { return "redis://" + host + ":" + std::to_string(port); }
};

class Redis {
 public:
  Redis(RedisAddress address, std::chrono::milliseconds timeout);
  ~Redis();
  Redis(const Redis&) = delete;
  Redis& operator=(const Redis&) = delete;

  // Sends one command (binary-safe arguments) and waits for its reply. Connects first
  // when not connected. Throws RedisUnavailable when the server cannot be reached or the
  // connection breaks (the connection is dropped and the next call reconnects); an error
  // reply is returned as Reply::Type::error, not thrown.
  Reply command(const std::vector<std::string>& args);
  // The same with a longer read timeout, for XREAD BLOCK.
  Reply blocking_command(const std::vector<std::string>& args, std::chrono::milliseconds block);
  bool connected() const { return context_ != nullptr; }
  void disconnect();

 private:
  void connect();
  RedisAddress address_;
  std::chrono::milliseconds timeout_;
  redisContext* context_ = nullptr;
};

}  // namespace yst::cluster
