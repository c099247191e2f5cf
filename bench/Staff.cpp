#include "Staff.hpp"

#include "FrameScan.hpp"

namespace ystbench {

void Staff::on_message(std::string_view msg, int64_t now) {
  if (fast && fast(msg, now)) return;
  if (contains(msg, "\"type\":\"ack\"") || contains(msg, "\"type\":\"error\"") ||
      contains(msg, "\"type\":\"welcome\"") || contains(msg, "\"type\":\"pong\"")) {
    json j = json::parse(msg, nullptr, false);
    if (j.is_discarded() || !j.contains("id")) return;
    // The key first: json::operator= takes its argument by value, and C++17 evaluates
    // that argument (the move) before the left-hand side.
    std::string key = j["id"].dump();
    std::lock_guard lock(mutex);
    replies[key] = std::move(j);
  }
}

std::optional<json> Staff::request(json req, double timeout, const std::string& fixed_id) {
  std::string id = fixed_id.empty() ? std::to_string(next_id++) : fixed_id;
  req["id"] = fixed_id.empty() ? json(std::stoll(id)) : json(fixed_id);
  const std::string key = req["id"].dump();
  conn->send(req.dump());
  return await_reply(key, timeout);
}

std::optional<json> Staff::await_reply(const std::string& key, double timeout) {
  std::optional<json> out;
  wait_for(
      [&] {
        std::lock_guard lock(mutex);
        auto it = replies.find(key);
        if (it == replies.end()) return false;
        out = std::move(it->second);
        replies.erase(it);
        return true;
      },
      timeout);
  return out;
}

std::shared_ptr<Staff> start_staff(Runner& r, size_t index, std::function<bool(std::string_view, int64_t)> fast) {
  auto s = std::make_shared<Staff>();
  s->fast = std::move(fast);
  s->conn = r.start(
      index, [s](Conn&) { s->open = true; },
      [s](Conn&, std::string_view msg, int64_t now) { s->on_message(msg, now); },
      [s](Conn&, const beast::error_code&, bool) { s->closed = true; });
  return s;
}

json join_staff(Staff& s, const std::string& session, const std::string& token, double timeout,
                std::optional<int64_t> after) {
  if (!wait_for([&] { return s.open.load() || s.closed.load(); }, timeout) || !s.open)
    throw std::runtime_error("a staff connection did not open");
  json req{{"type", "join"}, {"session", session}, {"token", token}};
  if (after) req["after"] = *after;
  return expect_reply(s.request(req, timeout, "join"), "staff join",
                      [](const json& r) { return r.value("type", "") == "welcome"; });
}

std::string error_text(const json& reply) {
  if (reply.contains("code")) return reply.value("code", "") + ": " + reply.value("message", "");
  return reply.dump();
}

}  // namespace ystbench
