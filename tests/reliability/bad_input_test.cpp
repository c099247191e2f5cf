// The wire-level bad-input suite: the real server (ServerProcess), real WebSocket and
// HTTP clients, one table of bad inputs. Each row is a name, what is sent and the answer
// the contract (shared/spec/protocol.md) promises: an error code, a close code or an
// HTTP status. After every row a good client must still get a pong, and at the end
// nothing stored may have changed: the events of every session are byte-for-byte the
// same as before, the snapshot is the same, and /verify is ok.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <thread>
#include <vector>

#include "tests/support/Helpers.hpp"

using namespace yst::test;

namespace {

using Clock = std::chrono::steady_clock;

// Waits (bounded) until a reading thread's count reaches n; the caller's assertions say
// whether it did.
void wait_until_reaches(const std::atomic<int>& count, int n, std::chrono::milliseconds limit) {
  const auto until = Clock::now() + limit;
  while (count.load() < n && Clock::now() < until) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

// ---------------------------------------------------------------------------------------
// The world every row runs in.

enum class Who { none, host, member, department, clerk, audience };
// main: live, with an approved question q1, a pending q2, an open point pt1 (a member
// voted agree) and a closed pt2. scheduled: never started. ended: started and ended.
// novote: live, audience_can_vote false. scratch: live; rows that must be *accepted*
// (limits are inclusive) write here, so main stays untouched.
enum class Where { main, scheduled, ended, novote, scratch, other };

const char* who_name(Who w) {
  switch (w) {
    case Who::none: return "unjoined";
    case Who::host: return "host";
    case Who::member: return "member";
    case Who::department: return "department";
    case Who::clerk: return "clerk";
    case Who::audience: return "audience";
  }
  return "?";
}

struct World {
  std::unique_ptr<ServerProcess> srv;
  std::map<Where, std::string> sid;
  std::map<Where, std::map<Who, std::string>> token;
  std::string setup_audience_client = "setup-audience-0001";
  std::string setup_audience_participant;
  std::unique_ptr<WsClient> keeper;  // the good client: the host of main, joined all along
  int pings = 0;
};

std::string S(const World& w, Where where = Where::main) { return w.sid.at(where); }

// ---------------------------------------------------------------------------------------
// Rows.

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

Expect err(std::string code, std::function<std::string(const json&)> check = {}) {
  return Expect{Expect::error, std::move(code), 0, std::move(check)};
}
Expect ok(std::string type, std::function<std::string(const json&)> check = {}) {
  return Expect{Expect::reply, std::move(type), 0, std::move(check)};
}
Expect closes(int code) { return Expect{Expect::close, "", code, {}}; }

std::function<std::string(const json&)> id_is(json id) {
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

Frame T(std::string s) { return Frame{std::move(s), false}; }
Frame B(std::string s) { return Frame{std::move(s), true}; }
Frame J(const json& j) { return Frame{j.dump(), false}; }

std::string repeat(const std::string& unit, size_t n) {
  std::string s;
  s.reserve(unit.size() * n);
  for (size_t i = 0; i < n; ++i) s += unit;
  return s;
}

// A JSON text frame of exactly `size` bytes: a ping padded with ASCII.
std::string ping_of_size(size_t size) {
  std::string head = R"({"type":"ping","pad":")", tail = "\"}";
  return head + std::string(size - head.size() - tail.size(), 'x') + tail;
}

std::string nested(int levels) {
  // {"type":"ping","x": [[...[]...]] } with `levels` containers in all (the object counts).
  return R"({"type":"ping","x":)" + std::string(levels - 1, '[') + std::string(levels - 1, ']') + "}";
}

// ---------------------------------------------------------------------------------------
// The contract's "who" column, written out independently of the server's role_may().

const std::vector<std::string> kRoles = {"host", "member", "department", "clerk", "audience"};

bool contract_allows(const std::string& role, const std::string& type, bool audience_can_vote) {
  static const std::map<std::string, std::set<std::string>> who = {
      {"start", {"host"}},
      {"end", {"host"}},
      {"say", {"host", "member", "department"}},
      {"ask", {"host", "member", "department", "clerk", "audience"}},
      {"upvote", {"host", "member", "department", "clerk", "audience"}},
      {"moderate", {"host"}},
      {"floor", {"host"}},
      {"propose", {"host", "member", "clerk"}},
      {"vote", {"member", "department", "host", "audience"}},
      {"close_point", {"host"}},
      {"note", {"clerk"}},
      {"ping", {"host", "member", "department", "clerk", "audience"}},
  };
  if (type == "vote" && role == "audience") return audience_can_vote;
  return who.at(type).count(role) > 0;
}

// A well-formed request of each type, so that only the role is wrong.
json well_formed(const std::string& type) {
  if (type == "say") return {{"type", "say"}, {"text", "越权发言"}};
  if (type == "ask") return {{"type", "ask"}, {"text", "越权提问"}};
  if (type == "upvote") return {{"type", "upvote"}, {"question", "q1"}};
  if (type == "moderate") return {{"type", "moderate"}, {"question", "q1"}, {"action", "feature"}};
  if (type == "floor") return {{"type", "floor"}, {"participant", nullptr}};
  if (type == "propose") return {{"type", "propose"}, {"text", "越权提议"}};
  if (type == "vote") return {{"type", "vote"}, {"point", "pt1"}, {"choice", "disagree"}};
  if (type == "close_point") return {{"type", "close_point"}, {"point", "pt1"}};
  if (type == "note") return {{"type", "note"}, {"text", "越权记录"}};
  return {{"type", type}};
}

Who who_of(const std::string& role) {
  if (role == "host") return Who::host;
  if (role == "member") return Who::member;
  if (role == "department") return Who::department;
  if (role == "clerk") return Who::clerk;
  return Who::audience;
}

// ---------------------------------------------------------------------------------------
// The tables.

std::vector<WsCase> ws_cases(const World& w) {
  const std::string s = S(w);
  const std::string host_token = w.token.at(Where::main).at(Who::host);
  auto join_tok = [&](const std::string& tok) { return J({{"type", "join"}, {"session", s}, {"token", tok}}); };
  auto aud = [&](json extra) {
    json j{{"type", "join"}, {"session", s}, {"role", "audience"}, {"name", "听众"}, {"client_id", "bad-input-join-01"}};
    for (auto& [k, v] : extra.items()) {
      if (v.is_null() && k.rfind("drop:", 0) == 0) j.erase(k.substr(5));
      else j[k] = v;
    }
    return J(j);
  };
  auto drop = [](const std::string& k) { return json{{"drop:" + k, nullptr}}; };
  auto after = [&](const std::string& raw) {
    return T(R"({"type":"join","session":")" + s + R"(","token":")" + host_token + R"(","after":)" + raw + "}");
  };
  auto with_id = [](const std::string& raw_id) { return T(R"({"type":"ping","id":)" + raw_id + "}"); };
  auto say = [](const std::string& text) { return J({{"type", "say"}, {"text", text}}); };
  auto say_raw = [](const std::string& raw_text) { return T(R"({"type":"say","text":")" + raw_text + "\"}"); };

  const std::string zh2001 = repeat("议", 2001), zh2000 = repeat("议", 2000);
  const std::string emoji2001 = repeat("\xF0\x9F\x98\x80", 2001), emoji2000 = repeat("\xF0\x9F\x98\x80", 2000);

  std::vector<WsCase> c = {
      // --- Before joining: not_joined comes first in the precedence.
      {"before join: say", Who::none, Where::main, {J({{"type", "say"}, {"text", "插话"}})}, err("not_joined")},
      {"before join: ping", Who::none, Where::main, {J({{"type", "ping"}})}, err("not_joined")},
      {"before join: not JSON", Who::none, Where::main, {T("hello")}, err("not_joined")},
      {"before join: unknown type", Who::none, Where::main, {T(R"({"type":"dance"})")}, err("not_joined")},
      {"before join: array", Who::none, Where::main, {T("[]")}, err("not_joined")},
      {"before join: vote", Who::none, Where::main, {J(well_formed("vote"))}, err("not_joined")},
      {"before join: note", Who::none, Where::main, {J(well_formed("note"))}, err("not_joined")},
      {"before join: empty frame", Who::none, Where::main, {T("")}, err("not_joined")},
      {"before join: id is echoed", Who::none, Where::main, {T(R"({"type":"say","id":"x-1"})")},
       err("not_joined", id_is("x-1"))},

      // --- Bad joins.
      {"join: no session", Who::none, Where::main, {T(R"({"type":"join"})")}, err("bad_request")},
      {"join: session is a number", Who::none, Where::main, {T(R"({"type":"join","session":42,"token":"x"})")},
       err("bad_request")},
      {"join: session empty", Who::none, Where::main, {T(R"({"type":"join","session":"","token":"x"})")},
       err("bad_request")},
      {"join: session 65 chars", Who::none, Where::main,
       {J({{"type", "join"}, {"session", std::string(65, 's')}, {"token", host_token}})}, err("bad_request")},
      {"join: unknown session", Who::none, Where::main,
       {J({{"type", "join"}, {"session", "nosuchsession"}, {"token", host_token}})}, err("not_found")},
      {"join: session ../../etc/passwd", Who::none, Where::main,
       {J({{"type", "join"}, {"session", "../../etc/passwd"}, {"token", host_token}})}, err("not_found")},
      {"join: forged token", Who::none, Where::main, {join_tok("forged-token-0000000000000000")}, err("unauthorized")},
      {"join: other session's host token", Who::none, Where::main, {join_tok(w.token.at(Where::other).at(Who::host))},
       err("unauthorized")},
      {"join: other session's member token", Who::none, Where::main,
       {join_tok(w.token.at(Where::other).at(Who::member))}, err("unauthorized")},
      {"join: the admin token is not a participant's", Who::none, Where::main, {join_tok(w.srv->admin_token())},
       err("unauthorized")},
      {"join: host token plus one char", Who::none, Where::main, {join_tok(host_token + "x")}, err("unauthorized")},
      {"join: host token minus one char", Who::none, Where::main,
       {join_tok(host_token.substr(0, host_token.size() - 1))}, err("unauthorized")},
      {"join: host token with a flipped char", Who::none, Where::main,
       {join_tok(std::string(1, host_token[0] == 'A' ? 'B' : 'A') + host_token.substr(1))}, err("unauthorized")},
      {"join: token empty", Who::none, Where::main, {join_tok("")}, err("bad_request")},
      {"join: token 257 chars", Who::none, Where::main, {join_tok(std::string(257, 't'))}, err("bad_request")},
      {"join: token is a number", Who::none, Where::main,
       {T(R"({"type":"join","session":")" + s + R"(","token":12345})")}, err("bad_request")},
      {"join: token is null", Who::none, Where::main, {T(R"({"type":"join","session":")" + s + R"(","token":null})")},
       err("bad_request")},
      {"join: neither token nor role", Who::none, Where::main, {J({{"type", "join"}, {"session", s}})},
       err("bad_request")},
      {"audience join: no name", Who::none, Where::main, {aud(drop("name"))}, err("bad_request")},
      {"audience join: name empty", Who::none, Where::main, {aud({{"name", ""}})}, err("bad_request")},
      {"audience join: name 33 chars", Who::none, Where::main, {aud({{"name", repeat("名", 33)}})}, err("bad_request")},
      {"audience join: name with BEL", Who::none, Where::main, {aud({{"name", "听\a众"}})}, err("bad_request")},
      {"audience join: name is a number", Who::none, Where::main, {aud({{"name", 7}})}, err("bad_request")},
      {"audience join: no client_id", Who::none, Where::main, {aud(drop("client_id"))}, err("bad_request")},
      {"audience join: client_id 7 chars", Who::none, Where::main, {aud({{"client_id", "abcdefg"}})},
       err("bad_request")},
      {"audience join: client_id 65 chars", Who::none, Where::main, {aud({{"client_id", std::string(65, 'c')}})},
       err("bad_request")},
      {"audience join: client_id Chinese", Who::none, Where::main, {aud({{"client_id", "听众的设备号码很长"}})},
       err("bad_request")},
      {"audience join: client_id with ../", Who::none, Where::main, {aud({{"client_id", "../../../etc"}})},
       err("bad_request")},
      {"audience join: client_id with space", Who::none, Where::main, {aud({{"client_id", "client id 01"}})},
       err("bad_request")},
      {"audience join: role host without token", Who::none, Where::main, {aud({{"role", "host"}})},
       err("bad_request")},
      {"audience join: role admin", Who::none, Where::main, {aud({{"role", "admin"}})}, err("bad_request")},
      {"audience join: role is a number", Who::none, Where::main, {aud({{"role", 5}})}, err("bad_request")},
      {"join: after -1", Who::none, Where::main, {after("-1")}, err("bad_request")},
      {"join: after \"5\"", Who::none, Where::main, {after("\"5\"")}, err("bad_request")},
      {"join: after 1.5", Who::none, Where::main, {after("1.5")}, err("bad_request")},
      {"join: after 2^64", Who::none, Where::main, {after("18446744073709551616")}, err("bad_request")},
      {"join: after 2^64-1", Who::none, Where::main, {after("18446744073709551615")}, err("bad_request")},
      {"join: after -2^63", Who::none, Where::main, {after("-9223372036854775808")}, err("bad_request")},
      {"join: after true", Who::none, Where::main, {after("true")}, err("bad_request")},
      {"join: after -0.0", Who::none, Where::main, {after("-0.0")}, err("bad_request")},
      // Fixed in 9763bb7 (found by this suite): a number no double can hold used to make
      // the whole frame "not JSON", so a joining client was told not_joined.
      {"join: after 1e400", Who::none, Where::main, {after("1e400")}, err("bad_request")},
      {"join: after -1e400", Who::none, Where::main, {after("-1e400")}, err("bad_request")},
      {"join: id 1e400", Who::none, Where::main,
       {T(R"({"type":"join","id":1e400,"session":")" + s + R"(","token":")" + host_token + R"("})")},
       err("bad_request")},
      {"join: batch \"yes\"", Who::none, Where::main,
       {T(R"({"type":"join","session":")" + s + R"(","token":")" + host_token + R"(","batch":"yes"})")},
       err("bad_request")},
      // Numbers at the edge that are valid: -0 is zero; 2^63-1 is past every seq (no history, no crash).
      {"join: after -0 is zero", Who::none, Where::main, {after("-0")}, ok("welcome")},
      {"join: after 2^63-1", Who::none, Where::main, {after("9223372036854775807")},
       ok("welcome", [](const json& r) { return r["last_seq"].get<int64_t>() > 0 ? "" : "no last_seq"; })},
      // Extra fields are ignored, and cannot promote an audience join.
      {"audience join: extra fields cannot claim staff", Who::none, Where::main,
       {aud({{"participant", "p_host"}, {"you", {{"role", "host"}}}, {"admin", true}})},
       ok("welcome", [](const json& r) {
         return r["you"]["role"] == "audience" ? "" : "became " + r["you"].dump();
       })},

      // --- A second join.
      {"second join: same token", Who::host, Where::main, {join_tok(host_token)}, err("conflict")},
      {"second join: audience then staff", Who::audience, Where::main, {join_tok(host_token)}, err("conflict")},
      {"second join: other session", Who::member, Where::main,
       {join_tok(w.token.at(Where::other).at(Who::host))}, err("conflict")},
      {"second join: malformed is bad_request first", Who::host, Where::main, {T(R"({"type":"join"})")},
       err("bad_request")},
      // Fixed in 9763bb7 (found by this suite): not_found comes before conflict.
      {"second join: unknown session is not_found before conflict", Who::host, Where::main,
       {J({{"type", "join"}, {"session", "nosuchsession"}, {"token", host_token}})}, err("not_found")},

      // --- JSON syntax.
      {"json: plain text", Who::member, Where::main, {T("not json")}, err("bad_request")},
      {"json: lone brace", Who::member, Where::main, {T("{")}, err("bad_request")},
      {"json: unterminated object", Who::member, Where::main, {T(R"({"type":"ping")")}, err("bad_request")},
      {"json: trailing comma", Who::member, Where::main, {T(R"({"type":"ping",})")}, err("bad_request")},
      {"json: single quotes", Who::member, Where::main, {T("{'type':'ping'}")}, err("bad_request")},
      {"json: unquoted key", Who::member, Where::main, {T(R"({type:"ping"})")}, err("bad_request")},
      {"json: two documents", Who::member, Where::main, {T(R"({"type":"ping"} {"type":"ping"})")},
       err("bad_request")},
      {"json: trailing garbage", Who::member, Where::main, {T(R"({"type":"ping"}garbage)")}, err("bad_request")},
      {"json: empty frame", Who::member, Where::main, {T("")}, err("bad_request")},
      {"json: whitespace only", Who::member, Where::main, {T(" \t\r\n ")}, err("bad_request")},
      {"json: NaN", Who::member, Where::main, {T(R"({"type":"ping","x":NaN})")}, err("bad_request")},
      {"json: Infinity", Who::member, Where::main, {T(R"({"type":"ping","x":Infinity})")}, err("bad_request")},
      {"json: comment", Who::member, Where::main, {T(R"({"type":"ping"/* c */})")}, err("bad_request")},
      {"json: leading zero", Who::member, Where::main, {T(R"({"type":"ping","x":01})")}, err("bad_request")},
      {"json: bare decimal point", Who::member, Where::main, {T(R"({"type":"ping","x":1.})")}, err("bad_request")},
      {"json: bad escape", Who::member, Where::main, {T(R"({"type":"p\ing"})")}, err("bad_request")},
      {"json: short \\u escape", Who::member, Where::main, {T(R"({"type":"ping","x":"\u12"})")}, err("bad_request")},
      {"json: lone high surrogate", Who::member, Where::main, {say_raw(R"(\ud800)")}, err("bad_request")},
      {"json: lone low surrogate", Who::member, Where::main, {say_raw(R"(\udc00)")}, err("bad_request")},
      {"json: reversed surrogates", Who::member, Where::main, {say_raw(R"(\udc00\ud800)")}, err("bad_request")},
      {"json: raw control byte in a string", Who::member, Where::main, {say_raw("a\x01" "b")}, err("bad_request")},
      {"json: raw NUL in a string", Who::member, Where::main, {say_raw(std::string("a\0b", 3))}, err("bad_request")},
      {"json: null", Who::member, Where::main, {T("null")}, err("bad_request")},
      {"json: a string", Who::member, Where::main, {T("\"ping\"")}, err("bad_request")},
      {"json: a number", Who::member, Where::main, {T("42")}, err("bad_request")},
      {"json: an array of requests", Who::member, Where::main, {T(R"([{"type":"ping"}])")}, err("bad_request")},
      {"json: empty object", Who::member, Where::main, {T("{}")}, err("bad_request")},
      {"json: 32 levels deep is fine", Who::member, Where::main, {T(nested(32))}, ok("pong")},
      {"json: 33 levels deep", Who::member, Where::main, {T(nested(33))}, err("bad_request")},
      {"json: 8000 levels deep", Who::member, Where::main, {T(nested(8000))}, err("bad_request")},
      {"json: 16000 open brackets", Who::member, Where::main, {T(std::string(16000, '['))}, err("bad_request")},
      {"json: deep objects", Who::member, Where::main,
       {T(R"({"type":"ping","x":)" + repeat(R"({"a":)", 40) + "1" + std::string(40, '}') + "}")},
       err("bad_request")},

      // --- Wrong types.
      {"type: number", Who::member, Where::main, {T(R"({"type":42})")}, err("bad_request")},
      {"type: null", Who::member, Where::main, {T(R"({"type":null})")}, err("bad_request")},
      {"type: array", Who::member, Where::main, {T(R"({"type":["say"]})")}, err("bad_request")},
      {"say: text is a number", Who::member, Where::main, {T(R"({"type":"say","text":42})")}, err("bad_request")},
      {"say: text is an array", Who::member, Where::main, {T(R"({"type":"say","text":["a"]})")}, err("bad_request")},
      {"say: text is an object", Who::member, Where::main, {T(R"({"type":"say","text":{"zh":"你好"}})")},
       err("bad_request")},
      {"say: text is null", Who::member, Where::main, {T(R"({"type":"say","text":null})")}, err("bad_request")},
      {"say: text is true", Who::member, Where::main, {T(R"({"type":"say","text":true})")}, err("bad_request")},
      {"say: reply_to is a number", Who::member, Where::main, {T(R"({"type":"say","text":"答","reply_to":5})")},
       err("bad_request")},
      {"id: float", Who::member, Where::main, {with_id("1.5")}, err("bad_request")},
      {"id: object", Who::member, Where::main, {with_id(R"({"a":1})")}, err("bad_request")},
      {"id: bool", Who::member, Where::main, {with_id("true")}, err("bad_request")},
      {"id: array", Who::member, Where::main, {with_id("[1]")}, err("bad_request")},
      {"id: 1e400", Who::member, Where::main, {with_id("1e400")}, err("bad_request")},
      {"id: 2^64", Who::member, Where::main, {with_id("18446744073709551616")}, err("bad_request")},
      {"id: 129-byte string", Who::member, Where::main, {with_id("\"" + std::string(129, 'i') + "\"")},
       err("bad_request")},
      {"id: control character", Who::member, Where::main, {with_id(R"("a\u0001b")")}, err("bad_request")},
      {"id: 2^64-1 is echoed", Who::member, Where::main, {with_id("18446744073709551615")},
       ok("pong", id_is(json(18446744073709551615ULL)))},
      {"id: -0 is echoed as 0", Who::member, Where::main, {with_id("-0")}, ok("pong", id_is(json(0)))},
      {"id: Chinese is echoed", Who::member, Where::main, {with_id("\"编号一\"")}, ok("pong", id_is(json("编号一")))},
      {"id: 128-byte string is echoed", Who::member, Where::main, {with_id("\"" + std::string(128, 'i') + "\"")},
       ok("pong", id_is(json(std::string(128, 'i'))))},
      {"id: echoed on an error", Who::member, Where::main, {T(R"({"type":"dance","id":"abc"})")},
       err("bad_request", id_is("abc"))},
      {"vote: choice is a number", Who::member, Where::main, {T(R"({"type":"vote","point":"pt1","choice":1})")},
       err("bad_request")},
      {"vote: choice yes", Who::member, Where::main, {T(R"({"type":"vote","point":"pt1","choice":"yes"})")},
       err("bad_request")},
      {"vote: choice AGREE", Who::member, Where::main, {T(R"({"type":"vote","point":"pt1","choice":"AGREE"})")},
       err("bad_request")},
      {"vote: point is a number", Who::member, Where::main, {T(R"({"type":"vote","point":7,"choice":"agree"})")},
       err("bad_request")},
      {"moderate: action delete", Who::host, Where::main,
       {T(R"({"type":"moderate","question":"q1","action":"delete"})")}, err("bad_request")},
      {"moderate: action null", Who::host, Where::main, {T(R"({"type":"moderate","question":"q1","action":null})")},
       err("bad_request")},
      {"moderate: reason is a number", Who::host, Where::main,
       {T(R"({"type":"moderate","question":"q2","action":"reject","reason":5})")}, err("bad_request")},
      {"floor: participant is a number", Who::host, Where::main, {T(R"({"type":"floor","participant":5})")},
       err("bad_request")},
      {"floor: participant empty", Who::host, Where::main, {T(R"({"type":"floor","participant":""})")},
       err("bad_request")},
      {"upvote: question is an array", Who::audience, Where::main, {T(R"({"type":"upvote","question":[]})")},
       err("bad_request")},
      {"close_point: point is an object", Who::host, Where::main, {T(R"({"type":"close_point","point":{}})")},
       err("bad_request")},

      // --- Missing fields.
      {"say: no text", Who::member, Where::main, {T(R"({"type":"say"})")}, err("bad_request")},
      {"vote: no choice", Who::member, Where::main, {T(R"({"type":"vote","point":"pt1"})")}, err("bad_request")},
      {"vote: no point", Who::member, Where::main, {T(R"({"type":"vote","choice":"agree"})")}, err("bad_request")},
      {"moderate: no action", Who::host, Where::main, {T(R"({"type":"moderate","question":"q1"})")},
       err("bad_request")},
      {"moderate: no question", Who::host, Where::main, {T(R"({"type":"moderate","action":"approve"})")},
       err("bad_request")},
      {"floor: no participant", Who::host, Where::main, {T(R"({"type":"floor"})")}, err("bad_request")},
      {"upvote: no question", Who::audience, Where::main, {T(R"({"type":"upvote"})")}, err("bad_request")},
      {"close_point: no point", Who::host, Where::main, {T(R"({"type":"close_point"})")}, err("bad_request")},
      {"note: no text", Who::clerk, Where::main, {T(R"({"type":"note"})")}, err("bad_request")},
      {"propose: no text", Who::member, Where::main, {T(R"({"type":"propose"})")}, err("bad_request")},
      {"ask: no text", Who::audience, Where::main, {T(R"({"type":"ask"})")}, err("bad_request")},
      {"no type, id echoed", Who::member, Where::main, {T(R"({"id":5})")}, err("bad_request", id_is(5))},

      // --- Extra fields: ignored, and they change nothing.
      {"ping with extra fields", Who::member, Where::main, {T(R"({"type":"ping","admin":true,"role":"host"})")},
       ok("pong")},
      {"upvote again with a forged count", Who::audience, Where::main,
       {T(R"({"type":"upvote","question":"q1","count":999})")},
       ok("ack", [](const json& r) { return r.value("count", -1) == 1 ? "" : "count " + r.dump(); }),
       w.setup_audience_client},
      {"vote again with a weight", Who::member, Where::main,
       {T(R"({"type":"vote","point":"pt1","choice":"agree","weight":100})")}, ok("ack")},

      // --- Over-long strings (limits per field), refused.
      {"say: 2001 ASCII", Who::member, Where::main, {say(std::string(2001, 'a'))}, err("bad_request")},
      {"say: 2001 Chinese", Who::member, Where::main, {say(zh2001)}, err("bad_request")},
      {"say: 2001 emoji", Who::member, Where::main, {say(emoji2001)}, err("bad_request")},
      {"say: empty", Who::member, Where::main, {say("")}, err("bad_request")},
      {"ask: 501 chars", Who::audience, Where::main, {J({{"type", "ask"}, {"text", repeat("问", 501)}})},
       err("bad_request")},
      {"ask: empty", Who::audience, Where::main, {J({{"type", "ask"}, {"text", ""}})}, err("bad_request")},
      {"propose: 501 chars", Who::member, Where::main, {J({{"type", "propose"}, {"text", repeat("提", 501)}})},
       err("bad_request")},
      {"note: 5001 ASCII", Who::clerk, Where::main, {J({{"type", "note"}, {"text", std::string(5001, 'n')}})},
       err("bad_request")},
      {"note: 5001 Chinese", Who::clerk, Where::main, {J({{"type", "note"}, {"text", repeat("记", 5001)}})},
       err("bad_request")},
      {"moderate: reason 501 chars", Who::host, Where::main,
       {J({{"type", "moderate"}, {"question", "q2"}, {"action", "reject"}, {"reason", repeat("因", 501)}})},
       err("bad_request")},
      {"say: reply_to 65 chars", Who::member, Where::main,
       {J({{"type", "say"}, {"text", "答"}, {"reply_to", std::string(65, 'q')}})}, err("bad_request")},
      {"vote: point 65 chars", Who::member, Where::main,
       {J({{"type", "vote"}, {"point", std::string(65, 'p')}, {"choice", "agree"}})}, err("bad_request")},
      {"upvote: question 65 chars", Who::audience, Where::main,
       {J({{"type", "upvote"}, {"question", std::string(65, 'q')}})}, err("bad_request")},
      {"type: 1000 chars", Who::member, Where::main, {J({{"type", std::string(1000, 't')}})}, err("bad_request")},

      // --- The same limits are inclusive: exactly at the limit is accepted (on scratch).
      {"say: 2000 Chinese accepted", Who::member, Where::scratch, {say(zh2000)}, ok("ack")},
      {"say: 2000 emoji accepted", Who::member, Where::scratch, {say(emoji2000)}, ok("ack")},
      {"ask: 500 Chinese accepted", Who::audience, Where::scratch, {J({{"type", "ask"}, {"text", repeat("问", 500)}})},
       ok("ack")},
      {"propose: 500 Chinese accepted", Who::member, Where::scratch,
       {J({{"type", "propose"}, {"text", repeat("提", 500)}})}, ok("ack")},
      {"note: 5000 Chinese accepted", Who::clerk, Where::scratch, {J({{"type", "note"}, {"text", repeat("记", 5000)}})},
       ok("ack")},
      {"say: tab, newline and CR accepted", Who::member, Where::scratch, {say("第一行\n第二行\t制表\r")}, ok("ack")},
      {"audience join: name 32 Chinese accepted", Who::none, Where::scratch,
       {J({{"type", "join"}, {"session", S(w, Where::scratch)}, {"role", "audience"}, {"name", repeat("名", 32)},
           {"client_id", "name-limit-01"}})},
       ok("welcome")},
      {"audience join: client_id 64 chars accepted", Who::none, Where::scratch,
       {J({{"type", "join"}, {"session", S(w, Where::scratch)}, {"role", "audience"}, {"name", "听众"},
           {"client_id", std::string(62, 'c') + "_-"}})},
       ok("welcome")},
      {"audience join: client_id 8 chars accepted", Who::none, Where::scratch,
       {J({{"type", "join"}, {"session", S(w, Where::scratch)}, {"role", "audience"}, {"name", "听众"},
           {"client_id", "ABCdef09"}})},
       ok("welcome")},

      // --- Control characters (other than tab, newline, CR).
      {"say: NUL", Who::member, Where::main, {say(std::string("a\0b", 3))}, err("bad_request")},
      {"say: BEL", Who::member, Where::main, {say("bell\a")}, err("bad_request")},
      {"say: ANSI escape", Who::member, Where::main, {say("\x1b[31m红色")}, err("bad_request")},
      {"say: DEL", Who::member, Where::main, {say("del\x7f")}, err("bad_request")},
      {"say: C1 NEL U+0085", Who::member, Where::main, {say("nel\xC2\x85")}, err("bad_request")},
      {"say: C1 CSI U+009B", Who::member, Where::main, {say("csi\xC2\x9B")}, err("bad_request")},
      {"ask: NUL", Who::audience, Where::main, {J({{"type", "ask"}, {"text", std::string("问\0", 4)}})},
       err("bad_request")},
      {"note: backspace", Who::clerk, Where::main, {J({{"type", "note"}, {"text", "记\b录"}})}, err("bad_request")},
      {"propose: unit separator", Who::member, Where::main, {J({{"type", "propose"}, {"text", "提\x1f议"}})},
       err("bad_request")},
      {"moderate: reason with NUL", Who::host, Where::main,
       {J({{"type", "moderate"}, {"question", "q2"}, {"action", "reject"}, {"reason", std::string("\0", 1)}})},
       err("bad_request")},
      {"vote: point with ESC", Who::member, Where::main, {J({{"type", "vote"}, {"point", "pt\x1b"}, {"choice", "agree"}})},
       err("bad_request")},

      // --- Invalid UTF-8 in a text frame: closed with 1007.
      {"utf8: 0xFF", Who::member, Where::main, {T("{\"type\":\"say\",\"text\":\"\xff\"}")}, closes(1007)},
      {"utf8: 0xFE", Who::member, Where::main, {T("{\"type\":\"say\",\"text\":\"\xfe\"}")}, closes(1007)},
      {"utf8: overlong slash C0 AF", Who::member, Where::main, {T("{\"type\":\"say\",\"text\":\"\xc0\xaf\"}")},
       closes(1007)},
      {"utf8: overlong 3-byte E0 80 AF", Who::member, Where::main,
       {T("{\"type\":\"say\",\"text\":\"\xe0\x80\xaf\"}")}, closes(1007)},
      {"utf8: encoded surrogate ED A0 80", Who::member, Where::main,
       {T("{\"type\":\"say\",\"text\":\"\xed\xa0\x80\"}")}, closes(1007)},
      {"utf8: past U+10FFFF", Who::member, Where::main, {T("{\"type\":\"say\",\"text\":\"\xf4\x90\x80\x80\"}")},
       closes(1007)},
      {"utf8: truncated at the end", Who::member, Where::main, {T("{\"type\":\"say\",\"text\":\"\xe4\xbd")},
       closes(1007)},
      {"utf8: lone continuation byte", Who::member, Where::main, {T("{\"type\":\"say\",\"text\":\"\x80\"}")},
       closes(1007)},
      {"utf8: Latin-1 e-acute", Who::member, Where::main, {T("{\"type\":\"say\",\"text\":\"caf\xe9\"}")},
       closes(1007)},
      {"utf8: before join", Who::none, Where::main, {T("\xff\xff\xff")}, closes(1007)},
      {"utf8: audience", Who::audience, Where::main, {T("{\"type\":\"ask\",\"text\":\"\xc3\x28\"}")}, closes(1007)},

      // --- Binary frames: closed with 1003.
      {"binary: a ping", Who::member, Where::main, {B(R"({"type":"ping"})")}, closes(1003)},
      {"binary: before join", Who::none, Where::main, {B("\x01\x02\x03")}, closes(1003)},
      {"binary: empty", Who::member, Where::main, {B("")}, closes(1003)},
      {"binary: Chinese text", Who::audience, Where::main, {B("议事厅")}, closes(1003)},

      // --- Oversized frames (> 16 KiB): closed with 1009; exactly 16 KiB is fine.
      {"frame: 16384 bytes is fine", Who::member, Where::main, {T(ping_of_size(16384))}, ok("pong")},
      {"frame: 16385 bytes", Who::member, Where::main, {T(ping_of_size(16385))}, closes(1009)},
      {"frame: 16385 bytes before join", Who::none, Where::main, {T(ping_of_size(16385))}, closes(1009)},
      {"frame: 20 KiB binary", Who::member, Where::main, {B(std::string(20 * 1024, 'b'))}, closes(1009)},
      {"frame: 6000 Chinese chars (18 KB)", Who::member, Where::main, {say(repeat("议", 6000))}, closes(1009)},

      // --- Unknown types.
      {"type: dance", Who::member, Where::main, {T(R"({"type":"dance"})")}, err("bad_request")},
      {"type: empty", Who::member, Where::main, {T(R"({"type":""})")}, err("bad_request")},
      {"type: PING", Who::member, Where::main, {T(R"({"type":"PING"})")}, err("bad_request")},
      {"type: trailing space", Who::member, Where::main, {T(R"({"type":"ping "})")}, err("bad_request")},
      {"type: Chinese", Who::member, Where::main, {T(R"({"type":"加入"})")}, err("bad_request")},
      {"type: __proto__", Who::member, Where::main, {T(R"({"type":"__proto__"})")}, err("bad_request")},
      {"type: event (a server message)", Who::member, Where::main, {T(R"({"type":"event","seq":1})")},
       err("bad_request")},
      {"type: ack (a server message)", Who::member, Where::main, {T(R"({"type":"ack","seq":99})")},
       err("bad_request")},
      {"type: welcome (a server message)", Who::member, Where::main, {T(R"({"type":"welcome"})")},
       err("bad_request")},

      // --- Unknown ids in the session.
      {"vote: unknown point", Who::member, Where::main, {T(R"({"type":"vote","point":"pt999","choice":"agree"})")},
       err("not_found")},
      {"upvote: unknown question", Who::audience, Where::main, {T(R"({"type":"upvote","question":"q999"})")},
       err("not_found")},
      {"upvote: audience on a question not made public", Who::audience, Where::main,
       {T(R"({"type":"upvote","question":"q2"})")}, err("not_found")},
      {"moderate: unknown question", Who::host, Where::main,
       {T(R"({"type":"moderate","question":"q999","action":"approve"})")}, err("not_found")},
      {"floor: unknown participant", Who::host, Where::main, {T(R"({"type":"floor","participant":"p_nobody"})")},
       err("not_found")},
      {"floor: an audience participant", Who::host, Where::main,
       {J({{"type", "floor"}, {"participant", w.setup_audience_participant}})}, err("not_found")},
      {"say: reply_to unknown question", Who::member, Where::main,
       {T(R"({"type":"say","text":"答复","reply_to":"q999"})")}, err("not_found")},
      {"close_point: unknown point", Who::host, Where::main, {T(R"({"type":"close_point","point":"pt999"})")},
       err("not_found")},

      // --- Conflicts.
      {"start: already live", Who::host, Where::main, {T(R"({"type":"start"})")}, err("conflict")},
      {"moderate: approve an approved question", Who::host, Where::main,
       {T(R"({"type":"moderate","question":"q1","action":"approve"})")}, err("conflict")},
      {"moderate: feature a pending question", Who::host, Where::main,
       {T(R"({"type":"moderate","question":"q2","action":"feature"})")}, err("conflict")},
      {"upvote: staff on a pending question", Who::member, Where::main, {T(R"({"type":"upvote","question":"q2"})")},
       err("conflict")},
      {"vote: closed point", Who::member, Where::main, {T(R"({"type":"vote","point":"pt2","choice":"agree"})")},
       err("conflict")},
      {"close_point: already closed", Who::host, Where::main, {T(R"({"type":"close_point","point":"pt2"})")},
       err("conflict")},

      // --- Precedence between the codes.
      {"precedence: bad_request before forbidden", Who::audience, Where::main, {T(R"({"type":"say"})")},
       err("bad_request")},
      {"precedence: forbidden before not_live", Who::audience, Where::scheduled, {J(well_formed("say"))},
       err("forbidden")},
      {"precedence: not_live before not_found", Who::member, Where::scheduled,
       {T(R"({"type":"vote","point":"pt999","choice":"agree"})")}, err("not_live")},
      {"precedence: not_live on an ended session", Who::member, Where::ended, {J(well_formed("say"))},
       err("not_live")},
      {"precedence: start on an ended session is conflict", Who::host, Where::ended, {T(R"({"type":"start"})")},
       err("conflict")},
      {"precedence: vote on ended is not_live, not conflict", Who::member, Where::ended,
       {T(R"({"type":"vote","point":"pt1","choice":"agree"})")}, err("not_live")},
      {"audience vote when audience_can_vote is off", Who::audience, Where::novote, {J(well_formed("vote"))},
       err("forbidden")},

      // --- Floods.
      {"flood: 25 pings in a burst (audience, 20/s)", Who::audience, Where::main,
       std::vector<Frame>(25, T(R"({"type":"ping"})")), err("rate_limited")},
      {"flood: 100 pings in a burst (audience)", Who::audience, Where::main,
       std::vector<Frame>(100, T(R"({"type":"ping"})")), closes(1008)},
      {"flood: 200 pings in a burst (staff, 1000/s) all answered", Who::host, Where::main,
       std::vector<Frame>(200, T(R"({"type":"ping"})")), ok("pong")},
  };

  // --- Every role, every request it may not make: forbidden (on the live session, and
  // on the scheduled one, where forbidden must win over not_live).
  const std::vector<std::string> types = {"start", "end",      "say",  "ask",         "upvote", "moderate",
                                          "floor", "propose", "vote", "close_point", "note",   "ping"};
  for (Where where : {Where::main, Where::scheduled}) {
    for (const auto& role : kRoles) {
      for (const auto& type : types) {
        if (contract_allows(role, type, true)) continue;
        c.push_back(WsCase{std::string(where == Where::main ? "forbidden (live): " : "forbidden (scheduled): ") +
                               role + " " + type,
                           who_of(role), where, {J(well_formed(type))}, err("forbidden")});
      }
    }
  }
  return c;
}

// Raw HTTP requests.
std::string req(const std::string& method, const std::string& target, const std::vector<std::string>& headers = {},
                const std::string& body = "", bool content_length = true) {
  std::string r = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
  for (const auto& h : headers) r += h + "\r\n";
  if (content_length && !body.empty()) r += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  return r + "\r\n" + body;
}

std::vector<HttpCase> http_cases(const World& w) {
  const std::string s = S(w);
  const std::string admin = "Authorization: Bearer " + w.srv->admin_token();
  const std::string host = "Authorization: Bearer " + w.token.at(Where::main).at(Who::host);
  const std::string member = "Authorization: Bearer " + w.token.at(Where::main).at(Who::member);
  const std::string other_host = "Authorization: Bearer " + w.token.at(Where::other).at(Who::host);
  const std::string json_ct = "Content-Type: application/json";
  const std::string ws_upgrade =
      "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
      "Sec-WebSocket-Version: 13";
  auto upgrade = [&](const std::string& target, const std::string& version = "13") {
    return "GET " + target +
           " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
           "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: " +
           version + "\r\n\r\n";
  };
  (void)ws_upgrade;
  std::string many_headers;
  for (int i = 0; i < 300; ++i) many_headers += "X-H" + std::to_string(i) + ": " + std::string(30, 'v') + "\r\n";
  many_headers.resize(many_headers.size() - 2);

  return {
      // Methods.
      {"method FOO on a page", req("FOO", "/"), 405, "bad_request"},
      {"method get (lower case)", req("get", "/"), 405},
      {"method DELETE on a session", req("DELETE", "/api/sessions/" + s, {admin}), 405, "bad_request"},
      {"method PUT on sessions", req("PUT", "/api/sessions", {admin, json_ct}, R"({"title":"x"})"), 405},
      {"method PATCH on participants", req("PATCH", "/api/sessions/" + s + "/participants", {admin}), 405},
      {"method POST on events", req("POST", "/api/sessions/" + s + "/events", {admin}, "{}"), 405},
      // Paths that try to leave the web directory.
      {"path /../../etc/passwd", req("GET", "/../../etc/passwd"), 400, "bad_request"},
      {"path /assets/../../../etc/passwd", req("GET", "/assets/../../../etc/passwd"), 400},
      {"path /%2e%2e/%2e%2e/etc/passwd", req("GET", "/%2e%2e/%2e%2e/etc/passwd"), 404},
      {"path /%2E%2E%2F%2E%2E%2Fetc%2Fpasswd", req("GET", "/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd"), 404},
      {"path /assets/%2e%2e/%2e%2e/CMakeLists.txt", req("GET", "/assets/%2e%2e/%2e%2e/CMakeLists.txt"), 404, "",
       "cmake_minimum_required"},
      {"path /assets/..%2f..%2fCMakeLists.txt", req("GET", "/assets/..%2f..%2fCMakeLists.txt"), 400, "",
       "cmake_minimum_required"},
      {"path /s/..%2f..%2fetc%2fpasswd", req("GET", "/s/..%2f..%2fetc%2fpasswd"), 400},
      {"path //etc/passwd", req("GET", "//etc/passwd"), 400},
      {"path with backslashes", req("GET", "/assets\\..\\..\\etc\\passwd"), 400},
      {"path /api/sessions/%2e%2e/events", req("GET", "/api/sessions/%2e%2e/events"), 404},
      {"path /api/sessions/ID/../../healthz", req("GET", "/api/sessions/" + s + "/../../healthz"), 400},
      {"absolute-form target", req("GET", "http://evil.example/"), 400},
      {"asterisk target", req("OPTIONS", "*"), 400},
      {"target of 5000 bytes", req("GET", "/" + std::string(5000, 'a')), 400},
      {"NUL in the request line", std::string("GET /a\0b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 50), 400},
      // Headers.
      {"one header of 9 KiB", req("GET", "/healthz", {"X-Pad: " + std::string(9 * 1024, 'p')}), 431},
      {"300 headers, 11 KiB in all", req("GET", "/healthz", {many_headers}), 431},
      {"header without a colon", req("GET", "/healthz", {"NoColonHere"}), 400},
      {"header name with a space", req("GET", "/healthz", {"Bad Header: x"}), 400},
      {"HTTP/2.0 request line", "GET / HTTP/2.0\r\nHost: x\r\n\r\n", 400},
      {"HTTP/0.9 style request", "GET /\r\n\r\n", 400},
      {"TLS ClientHello on the plain port", std::string("\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03", 11) + std::string(64, 'z'),
       400},
      {"blank lines only", "\r\n\r\n\r\n\r\n", 400},
      // Content-Length and bodies.
      {"Content-Length: abc", req("POST", "/api/sessions", {admin, "Content-Length: abc"}, "", false), 400},
      {"Content-Length: -1", req("POST", "/api/sessions", {admin, "Content-Length: -1"}, "", false), 400},
      {"two different Content-Lengths",
       req("POST", "/api/sessions", {admin, "Content-Length: 2", "Content-Length: 3"}, "{}", false), 400},
      {"Content-Length past 2^64", req("POST", "/api/sessions", {admin, "Content-Length: 99999999999999999999"}, "", false),
       400},
      {"Content-Length announces 1 MB", req("POST", "/api/sessions", {admin, json_ct, "Content-Length: 1000000"}, "", false),
       413, "too_large"},
      {"body of 70000 bytes", req("POST", "/api/sessions", {admin, json_ct}, R"({"title":")" + std::string(70000, 't') + "\"}"),
       413, "too_large"},
      {"chunked body over the limit",
       req("POST", "/api/sessions", {admin, json_ct, "Transfer-Encoding: chunked"},
           "10000\r\n" + std::string(0x10000, 'c') + "\r\n10000\r\n" + std::string(0x10000, 'c') + "\r\n0\r\n\r\n", false),
       413},
      {"chunked with a bad chunk size",
       req("POST", "/api/sessions", {admin, json_ct, "Transfer-Encoding: chunked"}, "zz\r\nabc\r\n0\r\n\r\n", false), 400},
      // Routes.
      {"unknown API path", req("GET", "/api/nothing"), 404, "not_found"},
      {"unknown session sub-path", req("GET", "/api/sessions/" + s + "/nothing"), 404, "not_found"},
      {"events of an unknown session", req("GET", "/api/sessions/nosuch/events"), 404, "not_found"},
      {"events with an extra segment", req("GET", "/api/sessions/" + s + "/events/extra"), 404},
      {"/api without a slash", req("GET", "/api"), 404},
      {"unknown page", req("GET", "/nothing.html"), 404},
      {"page route with a dot", req("GET", "/s/abc.html"), 404},
      {"WebSocket upgrade off /ws", upgrade("/api/ws"), 404},
      {"WebSocket version 99", upgrade("/ws", "99"), 426},
      // Authentication.
      {"POST /api/sessions without a token", req("POST", "/api/sessions", {json_ct}, R"({"title":"x"})"), 401,
       "unauthorized"},
      {"POST participants without a token",
       req("POST", "/api/sessions/" + s + "/participants", {json_ct}, R"({"name":"x","role":"member"})"), 401,
       "unauthorized"},
      {"GET participants without a token", req("GET", "/api/sessions/" + s + "/participants"), 401, "unauthorized"},
      {"GET minutes of a live session without a token", req("GET", "/api/sessions/" + s + "/minutes"), 401},
      {"Basic auth is not a bearer token",
       req("POST", "/api/sessions", {"Authorization: Basic YWRtaW46YWRtaW4=", json_ct}, R"({"title":"x"})"), 401},
      {"POST /api/sessions with a wrong token",
       req("POST", "/api/sessions", {"Authorization: Bearer wrong-token-wrong-token", json_ct}, R"({"title":"x"})"), 403,
       "forbidden"},
      {"POST /api/sessions with a host token", req("POST", "/api/sessions", {host, json_ct}, R"({"title":"x"})"), 403},
      {"POST participants with a member token",
       req("POST", "/api/sessions/" + s + "/participants", {member, json_ct}, R"({"name":"x","role":"member"})"), 403,
       "forbidden"},
      {"POST participants with another session's host token",
       req("POST", "/api/sessions/" + s + "/participants", {other_host, json_ct}, R"({"name":"x","role":"member"})"),
       403},
      {"GET participants with a wrong token",
       req("GET", "/api/sessions/" + s + "/participants", {"Authorization: Bearer nope-nope-nope"}), 403},
      {"GET participants with another session's token", req("GET", "/api/sessions/" + s + "/participants", {other_host}),
       403},
      {"GET minutes of a live session with another session's token",
       req("GET", "/api/sessions/" + s + "/minutes", {other_host}), 403},
      // Bodies with the right token but the wrong content.
      {"POST /api/sessions: not JSON", req("POST", "/api/sessions", {admin, json_ct}, "not json"), 400, "bad_request"},
      {"POST /api/sessions: JSON array", req("POST", "/api/sessions", {admin, json_ct}, "[1]"), 400},
      {"POST /api/sessions: no title", req("POST", "/api/sessions", {admin, json_ct}, "{}"), 400},
      {"POST /api/sessions: title 201 chars",
       req("POST", "/api/sessions", {admin, json_ct}, json{{"title", repeat("题", 201)}}.dump()), 400},
      {"POST /api/sessions: title with a control char",
       req("POST", "/api/sessions", {admin, json_ct}, R"({"title":"a\u0000b"})"), 400},
      {"POST /api/sessions: title is a number", req("POST", "/api/sessions", {admin, json_ct}, R"({"title":5})"), 400},
      {"POST /api/sessions: unknown setting",
       req("POST", "/api/sessions", {admin, json_ct}, R"({"title":"x","settings":{"pre_moderaton":false}})"), 400},
      {"POST /api/sessions: threshold 2",
       req("POST", "/api/sessions", {admin, json_ct}, R"({"title":"x","settings":{"consensus_threshold":2}})"), 400},
      {"POST /api/sessions: ask_interval_s -1",
       req("POST", "/api/sessions", {admin, json_ct}, R"({"title":"x","settings":{"ask_interval_s":-1}})"), 400},
      {"POST /api/sessions: counted_roles audience",
       req("POST", "/api/sessions", {admin, json_ct}, R"({"title":"x","settings":{"counted_roles":["audience"]}})"), 400},
      {"POST /api/sessions: javascript: stream_url",
       req("POST", "/api/sessions", {admin, json_ct}, R"J({"title":"x","stream_url":"javascript:alert(1)"})J"), 400},
      {"POST /api/sessions: 10000 nested arrays",
       req("POST", "/api/sessions", {admin, json_ct}, std::string(10000, '[') + std::string(10000, ']')), 400},
      {"POST /api/sessions: invalid UTF-8 title",
       req("POST", "/api/sessions", {admin, json_ct}, "{\"title\":\"\xff\xfe\"}"), 400},
      {"POST participants: role audience",
       req("POST", "/api/sessions/" + s + "/participants", {admin, json_ct}, R"({"name":"x","role":"audience"})"), 400},
      {"POST participants: role admin",
       req("POST", "/api/sessions/" + s + "/participants", {admin, json_ct}, R"({"name":"x","role":"admin"})"), 400},
      {"POST participants: name 33 chars",
       req("POST", "/api/sessions/" + s + "/participants", {admin, json_ct},
           json{{"name", repeat("名", 33)}, {"role", "member"}}.dump()),
       400},
      {"POST participants: no name",
       req("POST", "/api/sessions/" + s + "/participants", {admin, json_ct}, R"({"role":"member"})"), 400},
      // Query strings.
      {"events?after=-1", req("GET", "/api/sessions/" + s + "/events?after=-1"), 400, "bad_request"},
      {"events?after=abc", req("GET", "/api/sessions/" + s + "/events?after=abc"), 400},
      {"events?after=1.5", req("GET", "/api/sessions/" + s + "/events?after=1.5"), 400},
      {"events?limit=0", req("GET", "/api/sessions/" + s + "/events?limit=0"), 400},
      {"events?limit=1001", req("GET", "/api/sessions/" + s + "/events?limit=1001"), 400},
      {"events?after=2^64 and more", req("GET", "/api/sessions/" + s + "/events?after=99999999999999999999"), 400},
      {"events?after=%zz", req("GET", "/api/sessions/" + s + "/events?after=%zz"), 400},
      {"events?after=%2 (truncated escape)", req("GET", "/api/sessions/" + s + "/events?after=%2"), 400},
      {"minutes?format=exe", req("GET", "/api/sessions/" + s + "/minutes?format=exe", {host}), 400},
  };
}

// ---------------------------------------------------------------------------------------
// Running a row.

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

int status_of(const std::string& response) {
  if (response.rfind("HTTP/1.", 0) != 0 || response.size() < 12) return 0;
  return std::atoi(response.substr(9, 3).c_str());
}

std::string run_http_case(World& w, const HttpCase& k) {
  std::string res;
  try {
    res = raw_http(w.srv->port(), k.request, 5s);
  } catch (const std::exception& e) {
    return std::string("raw_http: ") + e.what();
  }
  int status = status_of(res);
  if (status != k.status)
    return "expected HTTP " + std::to_string(k.status) + ", got " + (status ? std::to_string(status) : "nothing") +
           ": " + res.substr(0, 200);
  if (!k.must_not_contain.empty() && res.find(k.must_not_contain) != std::string::npos)
    return "the response leaks \"" + k.must_not_contain + "\"";
  if (!k.code.empty()) {
    auto body = res.find("\r\n\r\n");
    json j = json::parse(body == std::string::npos ? "" : res.substr(body + 4), nullptr, false);
    if (!j.is_object() || !j.contains("error") || j["error"].value("code", "") != k.code)
      return "expected error code " + k.code + " in " + res.substr(0, 300);
  }
  return "";
}

// A raw TCP connection, for the slow clients.
int connect_raw(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// Waits until the peer closes (read returns 0 or an error); returns the seconds it took,
// or -1 if it was still open after `limit`.
double wait_peer_close(int fd, Clock::time_point since, std::chrono::milliseconds limit, std::string* got = nullptr) {
  auto deadline = since + limit;
  char buf[4096];
  while (Clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    int left = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count());
    if (::poll(&p, 1, std::max(left, 1)) <= 0) continue;
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) return std::chrono::duration<double>(Clock::now() - since).count();
    if (got) got->append(buf, static_cast<size_t>(n));
  }
  return -1;
}

// --- Slow clients (the server runs with --header-timeout 2).
struct SlowCase {
  std::string name;
  std::function<std::string(World&)> run;
};

std::vector<SlowCase> slow_cases() {
  return {
      {"partial request line, then nothing: dropped within the header timeout",
       [](World& w) -> std::string {
         int fd = connect_raw(w.srv->port());
         if (fd < 0) return "connect failed";
         auto t0 = Clock::now();
         (void)!::write(fd, "GET / HT", 8);
         double s = wait_peer_close(fd, t0, 6s);
         ::close(fd);
         if (s < 0) return "still open after 6 s";
         if (s < 1.5 || s > 3.5) return "closed after " + std::to_string(s) + " s, expected about 2";
         return "";
       }},
      {"headers dripped one byte every 250 ms: dropped within the header timeout",
       [](World& w) -> std::string {
         int fd = connect_raw(w.srv->port());
         if (fd < 0) return "connect failed";
         const std::string r = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: yes\r\n\r\n";
         auto t0 = Clock::now();
         double closed_at = -1;
         for (char ch : r) {
           if (::send(fd, &ch, 1, MSG_NOSIGNAL) != 1) break;
           double s = wait_peer_close(fd, Clock::now(), 250ms);
           if (s >= 0) {
             closed_at = std::chrono::duration<double>(Clock::now() - t0).count();
             break;
           }
           if (Clock::now() - t0 > 6s) break;
         }
         ::close(fd);
         if (closed_at < 0) return "the drip was never cut off";
         if (closed_at > 3.5) return "cut off only after " + std::to_string(closed_at) + " s";
         return "";
       }},
      {"connect and send nothing: dropped within the header timeout",
       [](World& w) -> std::string {
         int fd = connect_raw(w.srv->port());
         if (fd < 0) return "connect failed";
         double s = wait_peer_close(fd, Clock::now(), 6s);
         ::close(fd);
         if (s < 0) return "still open after 6 s";
         if (s > 3.5) return "closed after " + std::to_string(s) + " s";
         return "";
       }},
      {"body promised but never sent: dropped within the header timeout",
       [](World& w) -> std::string {
         int fd = connect_raw(w.srv->port());
         if (fd < 0) return "connect failed";
         std::string r = "POST /api/sessions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                         "Authorization: Bearer " + w.srv->admin_token() + "\r\nContent-Length: 100\r\n\r\n{\"ti";
         auto t0 = Clock::now();
         (void)!::write(fd, r.data(), r.size());
         std::string got;
         double s = wait_peer_close(fd, t0, 6s, &got);
         ::close(fd);
         if (s < 0) return "still open after 6 s";
         if (s > 3.5) return "closed after " + std::to_string(s) + " s";
         if (got.find("201") != std::string::npos) return "a session was created from half a body";
         return "";
       }},
  };
}

// ---------------------------------------------------------------------------------------
// What must not change.

struct Stored {
  std::map<Where, std::string> events;  // the events JSON as served to a staff token
  std::string main_snapshot;            // without the live figures (online, peak)
  std::string main_participants;
  size_t sessions = 0;
};

std::string all_events(World& w, Where where) {
  auto r = http(w.srv->port(), "GET", "/api/sessions/" + S(w, where) + "/events?limit=1000", "",
                bearer(w.token.at(where).at(Who::host)));
  EXPECT_EQ(r.status, 200) << r.body;
  return r.body;
}

Stored stored(World& w) {
  Stored s;
  for (Where where : {Where::main, Where::scheduled, Where::ended, Where::novote, Where::other})
    s.events[where] = all_events(w, where);
  auto snap = http(w.srv->port(), "GET", "/api/sessions/" + S(w)).json_body();
  snap.erase("online");
  snap.erase("peak_audience");
  s.main_snapshot = snap.dump();
  s.main_participants =
      http(w.srv->port(), "GET", "/api/sessions/" + S(w) + "/participants", "", bearer(w.srv->admin_token())).body;
  s.sessions = http(w.srv->port(), "GET", "/api/sessions").json_body().size();
  return s;
}

std::string where_name(Where w) {
  switch (w) {
    case Where::main: return "main";
    case Where::scheduled: return "scheduled";
    case Where::ended: return "ended";
    case Where::novote: return "novote";
    case Where::scratch: return "scratch";
    case Where::other: return "other";
  }
  return "?";
}

// ---------------------------------------------------------------------------------------
// Building the world.

void build_world(World& w) {
  w.srv = std::make_unique<ServerProcess>(std::vector<std::string>{"--header-timeout", "2"});
  auto& srv = *w.srv;
  auto make = [&](Where where, json body, std::vector<Who> staff) {
    auto c = create_session(srv, body);
    ASSERT_FALSE(c.id.empty());
    w.sid[where] = c.id;
    w.token[where][Who::host] = c.host_token;
    for (Who who : staff) {
      static const std::map<Who, std::pair<const char*, const char*>> names = {
          {Who::member, {"李委员", "member"}}, {Who::department, {"住建局王科长", "department"}}, {Who::clerk, {"记录员", "clerk"}}};
      w.token[where][who] = add_participant(srv, c.id, names.at(who).first, names.at(who).second);
    }
  };
  const std::vector<Who> all = {Who::member, Who::department, Who::clerk};
  make(Where::main, json{{"title", "有事来协商——加装电梯"}, {"topic", "老旧小区加装电梯"}}, all);
  make(Where::scheduled, json{{"title", "未开始的一期"}}, all);
  make(Where::ended, json{{"title", "已结束的一期"}}, all);
  make(Where::novote, json{{"title", "听众不投票"}, {"settings", {{"audience_can_vote", false}}}}, {});
  make(Where::scratch, json{{"title", "草稿"}}, all);
  make(Where::other, json{{"title", "另一期"}}, {Who::member});

  // main: live; q1 approved (upvoted once), q2 pending, pt1 open (a member agreed), pt2 closed.
  w.keeper = std::make_unique<WsClient>(srv.port());
  auto& host = *w.keeper;
  ASSERT_EQ(staff_join(host, S(w), w.token[Where::main][Who::host])["type"], "welcome");
  ASSERT_EQ(host.request({{"type", "start"}})["type"], "ack");
  WsClient a1(srv.port()), a2(srv.port()), member(srv.port());
  auto aw = audience_join(a1, S(w), "听众甲", w.setup_audience_client);
  w.setup_audience_participant = aw["you"]["participant"];
  ASSERT_EQ(audience_join(a2, S(w), "听众乙", "setup-audience-0002")["type"], "welcome");
  ASSERT_EQ(a1.request({{"type", "ask"}, {"text", "电梯加装费用如何分摊？"}})["question"], "q1");
  ASSERT_EQ(a2.request({{"type", "ask"}, {"text", "低层住户的意见怎么办？"}})["question"], "q2");
  ASSERT_EQ(host.request({{"type", "moderate"}, {"question", "q1"}, {"action", "approve"}})["type"], "ack");
  ASSERT_EQ(a1.request({{"type", "upvote"}, {"question", "q1"}})["count"], 1);
  ASSERT_EQ(staff_join(member, S(w), w.token[Where::main][Who::member])["type"], "welcome");
  ASSERT_EQ(member.request({{"type", "propose"}, {"text", "建议先征求全体住户意见"}})["point"], "pt1");
  ASSERT_EQ(member.request({{"type", "vote"}, {"point", "pt1"}, {"choice", "agree"}})["type"], "ack");
  ASSERT_EQ(member.request({{"type", "propose"}, {"text", "费用按楼层分摊"}})["point"], "pt2");
  ASSERT_EQ(host.request({{"type", "close_point"}, {"point", "pt2"}})["type"], "ack");

  // ended: started, one point, ended. novote and scratch: live.
  for (Where where : {Where::ended, Where::novote, Where::scratch}) {
    WsClient h(srv.port());
    ASSERT_EQ(staff_join(h, S(w, where), w.token[where][Who::host])["type"], "welcome");
    ASSERT_EQ(h.request({{"type", "start"}})["type"], "ack");
    ASSERT_EQ(h.request({{"type", "propose"}, {"text", "第一项"}})["point"], "pt1");
    if (where == Where::ended) {
      ASSERT_EQ(h.request({{"type", "end"}})["type"], "ack");
    }
  }
}

}  // namespace

// ---------------------------------------------------------------------------------------

TEST(BadInput, EveryRowGetsItsAnswerTheServerStaysUpAndNothingStoredChanges) {
  World w;
  build_world(w);
  if (HasFatalFailure()) return;
  drain(*w.keeper);
  const Stored before = stored(w);

  auto ws = ws_cases(w);
  auto hc = http_cases(w);
  auto slow = slow_cases();
  std::set<std::string> names;
  int failures = 0;
  auto keeper_alive = [&](const std::string& after) {
    // The good client, joined from the start, still gets its pong.
    try {
      auto r = w.keeper->request({{"type", "ping"}}, 5s);
      ++w.pings;
      EXPECT_EQ(r.value("type", ""), "pong") << "after " << after;
    } catch (const std::exception& e) {
      ADD_FAILURE() << "the good client lost its connection after \"" << after << "\": " << e.what();
      w.keeper = std::make_unique<WsClient>(w.srv->port());
      staff_join(*w.keeper, S(w), w.token[Where::main][Who::host]);
    }
    while (w.keeper->recv(0ms)) {
    }
  };
  auto record = [&](const std::string& kind, const std::string& name, const std::string& problem) {
    EXPECT_TRUE(names.insert(kind + ": " + name).second) << "duplicate row name " << name;
    if (!problem.empty()) {
      ++failures;
      ADD_FAILURE() << "[" << kind << "] " << name << ": " << problem;
    }
    keeper_alive(name);
  };

  for (size_t i = 0; i < ws.size(); ++i) record("ws", ws[i].name, run_ws_case(w, ws[i], static_cast<int>(i)));
  for (const auto& k : hc) record("http", k.name, run_http_case(w, k));
  for (const auto& k : slow) record("slow", k.name, k.run(w));

  const size_t total = ws.size() + hc.size() + slow.size();
  std::printf("[bad-input] %zu distinct bad inputs tried: %zu WebSocket, %zu HTTP, %zu slow-client; %d failed; "
              "the good client answered %d pings\n",
              total, ws.size(), hc.size(), slow.size(), failures, w.pings);
  EXPECT_GE(total, 60u);

  // Nothing stored was lost or changed, and every chain verifies.
  const Stored after = stored(w);
  for (const auto& [where, events] : before.events)
    EXPECT_EQ(after.events.at(where), events) << "the events of session " << where_name(where) << " changed";
  EXPECT_EQ(after.main_snapshot, before.main_snapshot) << "the snapshot of the live session changed";
  EXPECT_EQ(after.main_participants, before.main_participants) << "participants were added";
  EXPECT_EQ(after.sessions, before.sessions) << "sessions were created";
  for (const auto& [where, id] : w.sid) {
    auto v = http(w.srv->port(), "GET", "/api/sessions/" + id + "/verify").json_body();
    EXPECT_EQ(v.value("ok", false), true) << where_name(where) << ": " << v.dump();
  }
  // And the good client still writes: a say is acked with the next seq and stored.
  auto last = json::parse(before.events.at(Where::main)).back()["seq"].get<int64_t>();
  auto said = w.keeper->request({{"type", "say"}, {"text", "坏输入之后，一切照常。"}});
  ASSERT_EQ(said.value("type", ""), "ack") << said.dump();
  EXPECT_EQ(said["seq"], last + 1);
  auto tail = http(w.srv->port(), "GET", "/api/sessions/" + S(w) + "/events?after=" + std::to_string(last)).json_body();
  ASSERT_EQ(tail.size(), 1u);
  EXPECT_EQ(tail[0]["data"]["text"], "坏输入之后，一切照常。");
}

// Rows the server answers wrongly today. Each names the bug; the test is skipped so the
// suite stays green, and runs as soon as the GTEST_SKIP line is removed.
// Oversized messages that are still being sent when the server refuses them. Found by
// this suite: Beast 1.81's own size check ends in async_teardown, which stops draining
// after one read, so the socket was closed with unread data and the peer saw a TCP reset
// (a browser reports 1006) instead of 1009: 256 KiB got 1009 in about 21 of 30 tries.
// The server now checks the size itself and closes with async_close, which reads until
// the peer's close. It is a race, so each size is tried ten times.
std::vector<WsCase> oversized_cases() {
  return {
      {"frame: 64 KiB", Who::audience, Where::main, {T(ping_of_size(64 * 1024))}, closes(1009)},
      {"frame: 256 KiB", Who::member, Where::main, {T(ping_of_size(256 * 1024))}, closes(1009)},
      {"frame: 1 MiB", Who::member, Where::main, {T(ping_of_size(1024 * 1024))}, closes(1009)},
  };
}

TEST(BadInput, AnOversizedMessageStillBeingSentIsClosedWith1009) {
  World w;
  build_world(w);
  if (HasFatalFailure()) return;
  auto rows = oversized_cases();
  for (int rep = 0; rep < 10; ++rep)
    for (size_t i = 0; i < rows.size(); ++i)
      if (auto e = run_ws_case(w, rows[i], 1000 + rep * 100 + static_cast<int>(i)); !e.empty())
        ADD_FAILURE() << rows[i].name << " (try " << rep + 1 << "): " << e;
}

// --- Limits that need a server of their own.

TEST(Limits, AClientThatNeverAnswersPingsIsClosedAfterTheIdleTimeout) {
  ServerProcess srv({"--idle-timeout", "2"});
  auto s = create_session(srv);
  WsClient deaf(srv.port()), live(srv.port());
  ASSERT_EQ(audience_join(deaf, s.id, "不读的听众", "deaf-client-01")["type"], "welcome");
  ASSERT_EQ(audience_join(live, s.id, "在线听众", "live-client-01")["type"], "welcome");
  // `live` keeps reading (so it answers the server's pings); `deaf` reads nothing.
  auto until = Clock::now() + 4s;
  while (Clock::now() < until) live.recv(100ms);
  EXPECT_EQ(live.request({{"type", "ping"}})["type"], "pong");
  // The deaf client's socket was cut: reading now finds the end within a second.
  auto t0 = Clock::now();
  while (deaf.is_open() && Clock::now() - t0 < 1s) deaf.recv(100ms);
  EXPECT_FALSE(deaf.is_open()) << "a client that answered no ping for 4 s is still connected";
}

TEST(Limits, ConnectionsPerAddressAndInTotalAreCappedWith503) {
  {
    ServerProcess srv({"--max-connections-per-address", "3"});
    std::vector<std::unique_ptr<WsClient>> open;
    for (int i = 0; i < 3; ++i) open.push_back(std::make_unique<WsClient>(srv.port()));
    auto refused = raw_http(srv.port(), req("GET", "/healthz"));
    EXPECT_EQ(status_of(refused), 503) << refused;
    EXPECT_NE(refused.find("too many connections"), std::string::npos);
    open.pop_back();  // a place comes free once a connection closes
    bool served = false;
    for (int i = 0; i < 50 && !served; ++i) {
      served = status_of(raw_http(srv.port(), req("GET", "/healthz"))) == 200;
      if (!served) std::this_thread::sleep_for(20ms);
    }
    EXPECT_TRUE(served);
    auto metrics = http(srv.port(), "GET", "/metrics").body;
    auto at = metrics.find("\nyishiting_connections_refused_total ");
    ASSERT_NE(at, std::string::npos);
    EXPECT_GE(std::atoi(metrics.c_str() + at + 37), 1) << metrics.substr(at, 60);
  }
  {
    ServerProcess srv({"--max-connections", "2"});
    WsClient a(srv.port()), b(srv.port());
    EXPECT_EQ(status_of(raw_http(srv.port(), req("GET", "/healthz"))), 503);
    EXPECT_EQ(a.request({{"type", "ping"}})["code"], "not_joined");  // the open ones still work
  }
}

// The outgoing queue at its default (1 MiB): a client that stops reading while the host
// talks is closed with 1013 once its unsent data passes the limit (after the kernel's
// socket buffers have filled), and sees that close code if it reads again within the 2 s
// the server waits before cutting the socket. The others are not held up.
TEST(Limits, AClientThatStopsReadingIsClosedWith1013AtTheDefaultQueueLimit) {
  ServerProcess srv;
  auto s = create_session(srv);
  WsClient host(srv.port()), slow(srv.port()), fast(srv.port());
  ASSERT_EQ(staff_join(host, s.id, s.host_token)["type"], "welcome");
  ASSERT_EQ(host.request({{"type", "start"}})["type"], "ack");
  ASSERT_EQ(audience_join(slow, s.id, "慢", "slow-default-01")["type"], "welcome");
  ASSERT_EQ(audience_join(fast, s.id, "快", "fast-default-01")["type"], "welcome");
  const std::string text = repeat("议", 1990);  // a 6 KB event
  auto slow_closed = [&] {
    auto m = http(srv.port(), "GET", "/metrics").body;
    return m.find("yishiting_slow_client_disconnects_total 1") != std::string::npos;
  };
  // The fast client reads on its own thread, as a phone would.
  std::atomic<int> fast_seen{0};
  std::atomic<bool> stop{false};
  std::thread reader([&] {
    while (!stop) {
      auto f = fast.recv(200ms);
      if (f && is_event(*f, "statement")) ++fast_seen;
    }
  });
  int sent = 0;
  bool closed = false;
  // Pipelined in windows of 50 (staff may send 1000 a second), checking between windows.
  // A window waits until the reader has the one before it: on a busy machine the test's
  // reading thread can be starved, and a phone that far behind would rightly be dropped
  // too; the test is about the one that stops reading.
  while (sent < 6000 && !(closed = slow_closed())) {
    wait_until_reaches(fast_seen, sent, 10s);
    for (int i = 0; i < 50; ++i) host.send_json({{"type", "say"}, {"text", text}, {"id", sent + i}});
    for (int i = 0; i < 50; ++i) {
      auto r = host.recv_until([](const json& j) { return j.value("type", "") == "ack" || j.value("type", "") == "error"; });
      ASSERT_TRUE(r && (*r)["type"] == "ack") << (r ? r->dump() : "no ack");
    }
    sent += 50;
    while (host.recv(0ms)) {
    }
  }
  // Read again at once: the close frame was waiting behind the queued frames.
  int code = slow.wait_close(10s);
  stop = true;
  reader.join();
  ASSERT_TRUE(closed) << "no slow-client close after " << sent << " events of 6 KB";
  EXPECT_EQ(code, 1013);
  std::printf("[limits] the silent client was closed after %d events (%.1f MB sent to the room); close code %d; "
              "the reading client saw %d statements\n",
              sent, sent * 6.0 / 1024, code, fast_seen.load());
  EXPECT_GE(fast_seen.load(), sent - 50);  // it kept up (the last window may still be in flight)
  // The silent client resumes with after and gets everything.
  WsClient back(srv.port());
  auto w = audience_join(back, s.id, "慢", "slow-default-01", 1);
  EXPECT_EQ(w["type"], "welcome");
}

long rss_kib(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
  return -1;
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return -1;
  std::sort(v.begin(), v.end());
  return v[static_cast<size_t>(p * static_cast<double>(v.size() - 1))];
}

// Twenty connections join and never read again while the host says 1000 events of 6 KB.
// Each is closed once its unsent data passes --max-queue-bytes (256 KiB here). The same
// 1000 events are first said with no stalled client, so the test compares like with like:
// what the server's memory grows by (the events it keeps for resume) and the delays a
// reading client sees must be about the same with the stalled clients as without them.
TEST(Limits, StalledClientsCostBoundedMemoryAndDoNotDelayAReader) {
  ServerProcess srv({"--max-queue-bytes", "262144", "--staff-rate", "100000"});
  auto s = create_session(srv);
  WsClient host(srv.port()), reader(srv.port());
  ASSERT_EQ(staff_join(host, s.id, s.host_token)["type"], "welcome");
  ASSERT_EQ(host.request({{"type", "start"}})["type"], "ack");
  ASSERT_EQ(audience_join(reader, s.id, "在读的听众", "stall-reader-01")["type"], "welcome");
  const std::string body = repeat("议", 1990);  // 6 KB a statement
  constexpr int kEvents = 1000, kWindow = 25, kStalled = 20;

  // The reader records when each statement arrives; the host when it sent it.
  std::vector<Clock::time_point> sent_at(2 * kEvents), seen_at(2 * kEvents);
  std::atomic<int> seen{0};
  std::atomic<bool> stop{false};
  std::thread reading([&] {
    while (!stop) {
      auto f = reader.recv(100ms);
      if (!f || !is_event(*f, "statement")) continue;
      const std::string text = (*f)["data"].value("text", "");
      const int n = std::atoi(text.c_str());
      if (n >= 0 && n < 2 * kEvents) seen_at[n] = Clock::now();
      ++seen;
    }
  });
  struct Join {
    std::atomic<bool>& stop;
    std::thread& t;
    ~Join() {
      stop = true;
      if (t.joinable()) t.join();
    }
  } join_reader{stop, reading};
  // A window goes out once the reader has the one before it, so the reader is never more
  // than 25 events (150 KB) behind: under the queue limit whatever the kernel buffers, so
  // only a starved test thread, never the server, could make it lag. The stalled clients
  // still get all 6 MB.
  auto say_phase = [&](int first) {
    for (int base = first; base < first + kEvents; base += kWindow) {
      wait_until_reaches(seen, base, 10s);
      for (int i = base; i < base + kWindow; ++i) {
        sent_at[i] = Clock::now();
        host.send_json({{"type", "say"}, {"text", std::to_string(i) + " " + body}, {"id", i}});
      }
      for (int i = 0; i < kWindow; ++i) {
        auto r = host.recv_until([](const json& j) { return j.value("type", "") == "ack" || j.value("type", "") == "error"; });
        ASSERT_TRUE(r && (*r)["type"] == "ack") << (r ? r->dump() : "no ack");
      }
      while (host.recv(0ms)) {
      }
    }
    wait_until_reaches(seen, first + kEvents, 20s);
  };
  auto delays_ms = [&](int first) {
    std::vector<double> d;
    for (int i = first; i < first + kEvents; ++i)
      if (seen_at[i] != Clock::time_point{})
        d.push_back(std::chrono::duration<double, std::milli>(seen_at[i] - sent_at[i]).count());
    return d;
  };

  const long rss0 = rss_kib(srv.pid());
  say_phase(0);
  if (HasFatalFailure()) return;
  const long rss1 = rss_kib(srv.pid());

  std::vector<std::unique_ptr<WsClient>> stalled;
  for (int i = 0; i < kStalled; ++i) {
    stalled.push_back(std::make_unique<WsClient>(srv.port()));
    ASSERT_EQ(audience_join(*stalled.back(), s.id, "不读的听众", "stalled-client-" + std::to_string(i))["type"], "welcome");
  }
  const long rss2 = rss_kib(srv.pid());
  say_phase(kEvents);
  if (HasFatalFailure()) return;
  const long rss3 = rss_kib(srv.pid());
  stop = true;
  reading.join();

  auto metrics = http(srv.port(), "GET", "/metrics").body;
  auto at = metrics.find("\nyishiting_slow_client_disconnects_total ");
  ASSERT_NE(at, std::string::npos);
  const int dropped = std::atoi(metrics.c_str() + at + 41);
  auto calm = delays_ms(0), stall = delays_ms(kEvents);
  std::printf("[stalled] %d stalled connections, %d closed with 1013; server RSS %ld KiB at start, +%ld KiB over "
              "%d events of 6 KB with no stalled client, +%ld KiB joining them, +%ld KiB over the same events with "
              "them; reader delay p50/p99 %.2f/%.2f ms without, %.2f/%.2f ms with\n",
              kStalled, dropped, rss0, rss1 - rss0, kEvents, rss2 - rss1, rss3 - rss2, percentile(calm, 0.5),
              percentile(calm, 0.99), percentile(stall, 0.5), percentile(stall, 0.99));
  EXPECT_EQ(dropped, kStalled) << "every stalled connection is let go";
  EXPECT_EQ(calm.size(), static_cast<size_t>(kEvents)) << "the reader lost events";
  EXPECT_EQ(stall.size(), static_cast<size_t>(kEvents)) << "the reader lost events";
  // Unbounded queues would hold 20 × 6 MB here; bounded ones cost about what the same
  // events cost without stalled clients (the history kept for resume).
  EXPECT_LT((rss3 - rss2) - (rss1 - rss0), 16 * 1024) << "memory grew with the stalled clients";
  // The reader's delays: the same order with and without them (a generous bound, the
  // machine is shared; a reader held up behind 20 full queues would see seconds).
  EXPECT_LT(percentile(stall, 0.99), 4 * percentile(calm, 0.99) + 50);
  EXPECT_LT(percentile(stall, 0.5), 4 * percentile(calm, 0.5) + 20);
  for (auto& c : stalled) {
    int code = c->wait_close(5s);
    EXPECT_TRUE(code == 1013 || !c->is_open()) << "close code " << code;
  }
}

// Staff have their own rate (default 1000/s; here 100/s so that the flood is quick even
// under a sanitizer): past it, rate_limited; past three times it in one second, 1008.
TEST(Limits, StaffRateLimitThenFloodCloseWith1008) {
  ServerProcess srv({"--staff-rate", "100"});
  auto s = create_session(srv);
  WsClient host(srv.port());
  ASSERT_EQ(staff_join(host, s.id, s.host_token)["type"], "welcome");
  std::this_thread::sleep_for(1100ms);  // a fresh one-second window
  for (int i = 0; i < 1000; ++i) {
    try {
      host.send_json({{"type", "ping"}, {"id", i}});
    } catch (const std::exception&) {
      break;  // closed under us: that is the answer
    }
  }
  EXPECT_EQ(host.wait_close(10s), 1008);
  int pongs = 0, limited = 0;
  for (const auto& f : host.inbox_) {
    pongs += f.value("type", "") == "pong";
    limited += f.value("code", "") == "rate_limited";
  }
  EXPECT_GE(pongs, 100) << "the first 100 of the window are served";
  EXPECT_GE(limited, 1);
  // The server and other staff are fine.
  WsClient again(srv.port());
  ASSERT_EQ(staff_join(again, s.id, s.host_token)["type"], "welcome");
  EXPECT_EQ(again.request({{"type", "ping"}})["type"], "pong");
}
