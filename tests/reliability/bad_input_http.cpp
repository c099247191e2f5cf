// HTTP rows of the bad-input suite: raw requests (methods, paths that try to leave the
// web directory, headers, bodies, routes, authentication, query strings) with the status
// and error code each must get, and slow clients that must be cut off by the header
// timeout.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>

#include "tests/reliability/BadInputRows.hpp"

namespace yst::test::bad_input {

namespace {

// The request itself: methods, paths that try to leave the web directory, headers,
// Content-Length and bodies.
std::vector<HttpCase> http_message_cases(const World& w) {
  const std::string s = S(w);
  const std::string admin = "Authorization: Bearer " + w.srv->admin_token();
  const std::string json_ct = "Content-Type: application/json";
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
  };
}

// The API: routes, authentication, bodies with the right token but the wrong content,
// query strings.
std::vector<HttpCase> http_api_cases(const World& w) {
  const std::string s = S(w);
  const std::string admin = "Authorization: Bearer " + w.srv->admin_token();
  const std::string host = "Authorization: Bearer " + w.token.at(Where::main).at(Who::host);
  const std::string member = "Authorization: Bearer " + w.token.at(Where::main).at(Who::member);
  const std::string other_host = "Authorization: Bearer " + w.token.at(Where::other).at(Who::host);
  const std::string json_ct = "Content-Type: application/json";
  auto upgrade = [&](const std::string& target, const std::string& version = "13") {
    return "GET " + target +
           " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
           "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: " +
           version + "\r\n\r\n";
  };

  return {
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
      {"case?format=json", req("GET", "/api/sessions/" + s + "/case?format=json", {host}), 400},
      {"case of a live session without a token", req("GET", "/api/sessions/" + s + "/case"), 401},
      // The year: the plan, commitments, statistics.
      {"POST /api/plan without a token", req("POST", "/api/plan", {json_ct}, R"({"year":2027,"topic":"x","form":"micro"})"),
       401, "unauthorized"},
      {"POST /api/plan with a host token",
       req("POST", "/api/plan", {host, json_ct}, R"({"year":2027,"topic":"x","form":"micro"})"), 403},
      {"POST /api/plan: no form", req("POST", "/api/plan", {admin, json_ct}, R"({"year":2027,"topic":"x"})"), 400},
      {"POST /api/plan: year 3000",
       req("POST", "/api/plan", {admin, json_ct}, R"({"year":3000,"topic":"x","form":"micro"})"), 400},
      {"POST /api/plan: form party",
       req("POST", "/api/plan", {admin, json_ct}, R"({"year":2027,"topic":"x","form":"party"})"), 400},
      {"POST /api/plan: planned_date 2027-02-30",
       req("POST", "/api/plan", {admin, json_ct}, R"({"year":2027,"topic":"x","form":"micro","planned_date":"2027-02-30"})"),
       400},
      {"POST /api/plan: departments a string",
       req("POST", "/api/plan", {admin, json_ct}, R"({"year":2027,"topic":"x","form":"micro","departments":"区住建局"})"), 400},
      {"POST /api/plan: topic 201 chars",
       req("POST", "/api/plan", {admin, json_ct}, json{{"year", 2027}, {"topic", repeat("题", 201)}, {"form", "micro"}}.dump()),
       400},
      {"PATCH an unknown plan item", req("PATCH", "/api/plan/pl_nothing", {admin, json_ct}, R"({"topic":"x"})"), 404},
      {"GET /api/plan?year=abc", req("GET", "/api/plan?year=abc"), 400},
      {"GET /api/plan.ics?year=99999", req("GET", "/api/plan.ics?year=99999"), 400},
      {"POST /api/sessions: unknown plan_item",
       req("POST", "/api/sessions", {admin, json_ct}, R"({"title":"x","plan_item":"pl_nothing"})"), 404},
      {"POST /api/sessions: form party", req("POST", "/api/sessions", {admin, json_ct}, R"({"title":"x","form":"party"})"),
       400},
      {"POST /api/sessions: episode 0", req("POST", "/api/sessions", {admin, json_ct}, R"({"title":"x","episode":0})"), 400},
      {"GET /api/commitments?status=late", req("GET", "/api/commitments?status=late"), 400},
      {"GET /api/commitments?overdue=yes", req("GET", "/api/commitments?overdue=yes"), 400},
      {"GET /api/stats without a token", req("GET", "/api/stats"), 401},
      {"GET /api/stats with a host token", req("GET", "/api/stats", {host}), 403},
      {"GET /api/stats?from=2027-13-01", req("GET", "/api/stats?from=2027-13-01", {admin}), 400},
      {"GET /api/stats.csv?to=tomorrow", req("GET", "/api/stats.csv?to=tomorrow", {admin}), 400},
      // The people: the roster, records, topics.
      {"POST /api/people without a token", req("POST", "/api/people", {json_ct}, R"({"name":"x","kind":"member"})"), 401},
      {"POST /api/people: kind audience",
       req("POST", "/api/people", {admin, json_ct}, R"({"name":"x","kind":"audience"})"), 400},
      {"POST /api/people: name 33 chars",
       req("POST", "/api/people", {admin, json_ct}, json{{"name", repeat("名", 33)}, {"kind", "member"}}.dump()), 400},
      {"PATCH an unknown person", req("PATCH", "/api/people/pe_nothing", {admin, json_ct}, R"({"name":"x"})"), 404},
      {"GET /api/people?kind=admin", req("GET", "/api/people?kind=admin"), 400},
      {"record of an unknown person", req("GET", "/api/people/pe_nothing/record"), 404},
      {"GET /api/people/records.csv without a token", req("GET", "/api/people/records.csv"), 401},
      {"POST participants: unknown person",
       req("POST", "/api/sessions/" + s + "/participants", {admin, json_ct}, R"({"person":"pe_nothing"})"), 404},
      {"POST /api/topics: no client_id",
       req("POST", "/api/topics", {json_ct}, R"({"title":"x","text":"y","name":"z"})"), 400},
      {"POST /api/topics: client_id with a space",
       req("POST", "/api/topics", {json_ct}, R"({"title":"x","text":"y","name":"z","client_id":"has space 123"})"), 400},
      {"POST /api/topics: title 61 chars",
       req("POST", "/api/topics", {json_ct},
           json{{"title", repeat("题", 61)}, {"text", "y"}, {"name", "z"}, {"client_id", "bad-input-1"}}.dump()),
       400},
      {"PATCH a topic without a token", req("PATCH", "/api/topics/t_nothing", {json_ct}, R"({"status":"open"})"), 401},
      {"PATCH an unknown topic", req("PATCH", "/api/topics/t_nothing", {admin, json_ct}, R"({"status":"open"})"), 404},
      {"support an unknown topic", req("POST", "/api/topics/t_nothing/support", {json_ct}, R"({"client_id":"bad-input-2"})"),
       404},
      {"support without client_id", req("POST", "/api/topics/t_nothing/support", {json_ct}, R"({})"), 400},
  };
}

}  // namespace

std::vector<HttpCase> http_cases(const World& w) {
  auto rows = http_message_cases(w);
  auto api = http_api_cases(w);
  rows.insert(rows.end(), std::make_move_iterator(api.begin()), std::make_move_iterator(api.end()));
  return rows;
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

namespace {

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

// How a slow client was let go.
struct Dropped {
  double after_s = -1;  // seconds from the send to the server's close
  std::string got;      // what the server sent before it closed
  std::string problem;  // "" when the server closed within 6 s
};

// Connects, sends `bytes` (perhaps none) and waits up to 6 s for the server to close.
Dropped send_then_wait_close(World& w, const std::string& bytes) {
  Dropped d;
  int fd = connect_raw(w.srv->port());
  if (fd < 0) {
    d.problem = "connect failed";
    return d;
  }
  auto t0 = Clock::now();
  if (!bytes.empty()) (void)!::write(fd, bytes.data(), bytes.size());
  d.after_s = wait_peer_close(fd, t0, 6s, &d.got);
  ::close(fd);
  if (d.after_s < 0) d.problem = "still open after 6 s";
  return d;
}

}  // namespace

std::vector<SlowCase> slow_cases() {
  return {
      {"partial request line, then nothing: dropped within the header timeout",
       [](World& w) -> std::string {
         const Dropped d = send_then_wait_close(w, "GET / HT");
         if (!d.problem.empty()) return d.problem;
         if (d.after_s < 1.5 || d.after_s > 3.5)
           return "closed after " + std::to_string(d.after_s) + " s, expected about 2";
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
         const Dropped d = send_then_wait_close(w, "");
         if (!d.problem.empty()) return d.problem;
         if (d.after_s > 3.5) return "closed after " + std::to_string(d.after_s) + " s";
         return "";
       }},
      {"body promised but never sent: dropped within the header timeout",
       [](World& w) -> std::string {
         const Dropped d = send_then_wait_close(
             w, "POST /api/sessions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                "Authorization: Bearer " + w.srv->admin_token() + "\r\nContent-Length: 100\r\n\r\n{\"ti");
         if (!d.problem.empty()) return d.problem;
         if (d.after_s > 3.5) return "closed after " + std::to_string(d.after_s) + " s";
         if (d.got.find("201") != std::string::npos) return "a session was created from half a body";
         return "";
       }},
  };
}

}  // namespace yst::test::bad_input
