#pragma once
// The rows of the bad-input suite: a name, what is sent and the answer the contract
// (shared/spec/protocol.md) promises: an error code, a close code or an HTTP status.
// The tables are split by transport and theme (bad_input_ws_*_rows.cpp, bad_input_http.cpp);
// bad_input_test.cpp runs them all against one world.
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

#include "tests/reliability/BadInputWorld.hpp"

namespace yst::test::bad_input {

struct Frame {
  std::string bytes;
  bool binary = false;
};

struct Expect {
  enum Kind { error, reply, close } kind = error;
  std::string value;  // error code, or reply type (pong, ack, welcome)
  int close_code = 0;
  // Extra checks on the reply; returns what is wrong, or "".
  std::function<std::string(const json&)> check;
};

inline Expect err(std::string code, std::function<std::string(const json&)> check = {}) {
  return Expect{Expect::error, std::move(code), 0, std::move(check)};
}
inline Expect ok(std::string type, std::function<std::string(const json&)> check = {}) {
  return Expect{Expect::reply, std::move(type), 0, std::move(check)};
}
inline Expect closes(int code) { return Expect{Expect::close, "", code, {}}; }

inline std::function<std::string(const json&)> id_is(json id) {
  return [id](const json& r) {
    return r.contains("id") && r["id"] == id ? "" : "id not echoed: want " + id.dump() + ", got " + r.dump().substr(0, 200);
  };
}

struct WsCase {
  WsCase(std::string n, Who w, Where at, std::vector<Frame> f, Expect e, std::string cid = "")
      : name(std::move(n)), who(w), where(at), frames(std::move(f)), expect(std::move(e)), client_id(std::move(cid)) {}
  std::string name;
  Who who = Who::none;
  Where where = Where::main;
  std::vector<Frame> frames;
  Expect expect;
  std::string client_id;  // audience: default a fresh one per row
};

struct HttpCase {
  HttpCase(std::string n, std::string r, int st, std::string c = "", std::string nc = "root:x:0:0")
      : name(std::move(n)), request(std::move(r)), status(st), code(std::move(c)), must_not_contain(std::move(nc)) {}
  std::string name;
  std::string request;  // raw bytes
  int status;           // expected HTTP status
  std::string code;     // expected error.code in the JSON body ("" = not checked)
  std::string must_not_contain;
};

// A row that needs more than one request and its answer: it runs itself, returning what
// is wrong, or "".
struct SlowCase {
  std::string name;
  std::function<std::string(World&)> run;
};

inline Frame T(std::string s) { return Frame{std::move(s), false}; }
inline Frame B(std::string s) { return Frame{std::move(s), true}; }
inline Frame J(const json& j) { return Frame{j.dump(), false}; }

inline std::string repeat(const std::string& unit, size_t n) {
  std::string s;
  s.reserve(unit.size() * n);
  for (size_t i = 0; i < n; ++i) s += unit;
  return s;
}

// A JSON text frame of exactly `size` bytes: a ping padded with ASCII.
inline std::string ping_of_size(size_t size) {
  std::string head = R"({"type":"ping","pad":")", tail = "\"}";
  return head + std::string(size - head.size() - tail.size(), 'x') + tail;
}

inline std::string nested(int levels) {
  // {"type":"ping","x": [[...[]...]] } with `levels` containers in all (the object counts).
  return R"({"type":"ping","x":)" + std::string(levels - 1, '[') + std::string(levels - 1, ']') + "}";
}

// A raw HTTP request.
inline std::string req(const std::string& method, const std::string& target,
                       const std::vector<std::string>& headers = {}, const std::string& body = "",
                       bool content_length = true) {
  std::string r = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
  for (const auto& h : headers) r += h + "\r\n";
  if (content_length && !body.empty()) r += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  return r + "\r\n" + body;
}

// The status of a raw HTTP response (0: none).
inline int status_of(const std::string& response) {
  if (response.rfind("HTTP/1.", 0) != 0 || response.size() < 12) return 0;
  return std::atoi(response.substr(9, 3).c_str());
}

// A well-formed request of each type, so that only the role (or the state) is wrong
// (bad_input_ws_session_rows.cpp).
json well_formed(const std::string& type);

// --- The WebSocket tables, in the order the suite runs them (a row's index names its
// audience client_id), and how a row is run.
std::vector<WsCase> ws_join_cases(const World& w);     // bad_input_ws_join_rows.cpp
std::vector<WsCase> ws_shape_cases(const World& w);    // bad_input_ws_shape_rows.cpp
std::vector<WsCase> ws_limit_cases(const World& w);    // bad_input_ws_limit_rows.cpp
std::vector<WsCase> ws_session_cases(const World& w);  // bad_input_ws_session_rows.cpp
std::vector<WsCase> ws_cases(const World& w);          // all of them; bad_input_ws.cpp
// Joins as k.who, sends k.frames, checks the answer and that the connection still works;
// returns what is wrong, or "".
std::string run_ws_case(World& w, const WsCase& k, int index);

// --- The HTTP tables (bad_input_http.cpp).
std::vector<HttpCase> http_cases(const World& w);
std::string run_http_case(World& w, const HttpCase& k);
std::vector<SlowCase> slow_cases();  // slow clients (the server runs with --header-timeout 2)

}  // namespace yst::test::bad_input
