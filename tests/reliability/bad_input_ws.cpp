// Running a WebSocket row of the bad-input suite: a fresh connection joins as the row
// says, sends its frames, and must get the promised answer and, unless it was closed,
// still work.
#include <optional>
#include <thread>

#include "tests/reliability/BadInputRows.hpp"

namespace yst::test::bad_input {

std::vector<WsCase> ws_cases(const World& w) {
  std::vector<WsCase> all;
  for (auto* table : {ws_join_cases, ws_shape_cases, ws_limit_cases, ws_session_cases}) {
    auto rows = table(w);
    all.insert(all.end(), std::make_move_iterator(rows.begin()), std::make_move_iterator(rows.end()));
  }
  return all;
}

namespace {

std::string join_as(World& w, WsClient& c, Who who, Where where, const std::string& client_id) {
  json r;
  if (who == Who::audience)
    r = audience_join(c, S(w, where), "测试听众", client_id);
  else
    r = staff_join(c, S(w, where), w.token.at(where).at(who));
  if (r.value("type", "") != "welcome") return "could not join as " + std::string(who_name(who)) + ": " + r.dump();
  return "";
}

bool is_reply(const json& j) {
  auto t = j.value("type", "");
  return t == "ack" || t == "error" || t == "welcome" || t == "pong";
}

// Sends every frame; a send may fail once the server has closed (that is an answer too).
void send_all(WsClient& c, const std::vector<Frame>& frames) {
  try {
    for (const auto& f : frames) {
      if (f.binary) c.send_binary(f.bytes);
      else c.send(f.bytes);
    }
  } catch (const std::exception&) {
  }
}

}  // namespace

std::string run_ws_case(World& w, const WsCase& k, int index) {
  std::string client_id = k.client_id.empty() ? "bad-input-" + std::to_string(index) : k.client_id;
  std::optional<WsClient> c;
  try {
    c.emplace(w.srv->port());
  } catch (const std::exception& e) {
    return std::string("could not connect: ") + e.what();
  }
  if (k.who != Who::none)
    if (auto e = join_as(w, *c, k.who, k.where, client_id); !e.empty()) return e;
  send_all(*c, k.frames);

  if (k.expect.kind == Expect::close) {
    int code = c->wait_close(5s);
    if (code != k.expect.close_code)
      return "expected close " + std::to_string(k.expect.close_code) + ", got " +
             (code ? std::to_string(code) : std::string("no close"));
    return "";
  }

  // Collect one reply per frame sent (or until the connection ends).
  std::vector<json> replies;
  for (size_t i = 0; i < k.frames.size(); ++i) {
    auto r = c->recv_until(is_reply, 5s);
    if (!r) break;
    replies.push_back(*r);
  }
  if (replies.empty()) return "no reply (open: " + std::to_string(c->is_open()) + ")";
  if (k.frames.size() == 1) {
    const json& r = replies[0];
    if (k.expect.kind == Expect::error) {
      if (r.value("type", "") != "error" || r.value("code", "") != k.expect.value)
        return "expected error " + k.expect.value + ", got " + r.dump().substr(0, 300);
    } else if (r.value("type", "") != k.expect.value) {
      return "expected " + k.expect.value + ", got " + r.dump().substr(0, 300);
    }
    if (k.expect.check)
      if (auto e = k.expect.check(r); !e.empty()) return e;
  } else if (k.expect.kind == Expect::error) {
    bool seen = false;
    for (const auto& r : replies) seen |= r.value("code", "") == k.expect.value;
    if (!seen) return "no " + k.expect.value + " among " + std::to_string(replies.size()) + " replies";
  } else {
    if (replies.size() != k.frames.size())
      return "only " + std::to_string(replies.size()) + " of " + std::to_string(k.frames.size()) + " replies";
    for (const auto& r : replies)
      if (r.value("type", "") != k.expect.value) return "expected all " + k.expect.value + ", got " + r.dump();
  }

  // A bad request never closes the connection by itself: the same connection still works.
  if (k.expect.value == "rate_limited") std::this_thread::sleep_for(1100ms);  // a new one-second window
  const bool joined = k.who != Who::none || (k.expect.kind == Expect::reply && k.expect.value == "welcome");
  try {
    auto r = c->request({{"type", "ping"}});
    if (joined && r.value("type", "") != "pong") return "same connection: ping gave " + r.dump();
    if (!joined && r.value("code", "") != "not_joined") return "same connection: ping gave " + r.dump();
  } catch (const std::exception& e) {
    return std::string("same connection is dead: ") + e.what();
  }
  return "";
}

}  // namespace yst::test::bad_input
