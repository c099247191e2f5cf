#pragma once
// A staff connection (host or member) of the load tool, and its join.
#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "Runner.hpp"

namespace ystbench {

using json = nlohmann::json;

// Replies to its requests are collected by id so the main thread can wait for them;
// `fast` sees every frame first and may consume it (the hot paths of the scenarios).
struct Staff {
  std::shared_ptr<Conn> conn;
  std::mutex mutex;
  std::map<std::string, json> replies;  // by id, dumped
  std::function<bool(std::string_view, int64_t)> fast;
  std::atomic<bool> open{false};
  std::atomic<bool> closed{false};
  int next_id = 1000000;  // ids of requests made through request(); main thread only

  // On the connection's io thread.
  void on_message(std::string_view msg, int64_t now);
  // Sends `req` with a fresh id (or `fixed_id`) and waits for its reply (nullopt on timeout).
  std::optional<json> request(json req, double timeout, const std::string& fixed_id = "");
  // Waits for the reply whose id, dumped, is `key`, and takes it (nullopt on timeout).
  std::optional<json> await_reply(const std::string& key, double timeout);
};

// `fast` is installed before the connection starts, so no io thread ever reads it while
// it is being assigned.
std::shared_ptr<Staff> start_staff(Runner& r, size_t index,
                                   std::function<bool(std::string_view, int64_t)> fast = nullptr);

// Joins a staff connection with its token; throws on failure.
json join_staff(Staff& s, const std::string& session, const std::string& token, double timeout,
                std::optional<int64_t> after = std::nullopt);

// "code: message" of an error reply, or the whole reply.
std::string error_text(const json& reply);

inline bool is_ack_reply(const json& r) { return r.value("type", "") == "ack"; }

// The reply, when it came and `accepted` holds for it; else throws "<what> failed: <reason>".
template <class Accepted>
json expect_reply(std::optional<json> reply, const std::string& what, Accepted accepted) {
  if (!reply || !accepted(*reply))
    throw std::runtime_error(what + " failed: " + (reply ? error_text(*reply) : std::string("no reply")));
  return std::move(*reply);
}

}  // namespace ystbench
