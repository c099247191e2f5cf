// Issue 17, security details, against the real server binary: the wrong-token lockout
// (over HTTP and WebSocket joins, per client address, behind a trusted proxy or not), the
// headers on every response, and which pages may be framed.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <thread>

#include "tests/support/Helpers.hpp"

using namespace yst::test;

namespace {

constexpr int kFailuresBeforeLockout = 10;
const std::string kWebSocketUpgrade =
    "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";

std::map<std::string, std::string> with(std::map<std::string, std::string> headers, const std::string& name,
                                        const std::string& value) {
  headers[name] = value;
  return headers;
}

std::map<std::string, std::string> forwarded_for(const std::string& chain) { return {{"X-Forwarded-For", chain}}; }

// Ten guesses at the admin token, each refused as a wrong token (403).
void guess_admin_token(const ServerProcess& srv, const std::map<std::string, std::string>& headers = {}) {
  for (int i = 0; i < kFailuresBeforeLockout; ++i) {
    auto r = http(srv.port(), "POST", "/api/sessions", R"({"title":"x"})",
                  with(headers, "Authorization", "Bearer guessed-admin-token-" + std::to_string(i)));
    ASSERT_EQ(r.status, 403) << "guess " << i << ": " << r.body;
  }
}

int admin_check(const ServerProcess& srv, const std::map<std::string, std::string>& headers = {}) {
  return http(srv.port(), "GET", "/api/admin", "", with(headers, "Authorization", "Bearer " + srv.admin_token())).status;
}

size_t count_of(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t p = text.find(what); p != std::string::npos; p = text.find(what, p + 1)) ++n;
  return n;
}

// A header of a raw HTTP response, by its name in any case ("" when absent).
std::string header_of(const std::string& raw, std::string name) {
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
  const std::string head = raw.substr(0, raw.find("\r\n\r\n"));
  for (size_t start = head.find("\r\n"); start != std::string::npos;) {
    start += 2;
    size_t end = head.find("\r\n", start);
    std::string line = head.substr(start, end == std::string::npos ? std::string::npos : end - start);
    std::string lower = line;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    if (lower.rfind(name + ":", 0) == 0) {
      std::string value = line.substr(name.size() + 1);
      value.erase(0, value.find_first_not_of(' '));
      return value;
    }
    start = end;
  }
  return "";
}

int status_of(const std::string& raw) { return raw.size() > 12 ? std::atoi(raw.substr(9, 3).c_str()) : 0; }

}  // namespace

TEST(Security, TenWrongTokensFromOneAddressAndEvenTheRightOneIsRefusedWith429) {
  ServerProcess srv;
  auto s = create_session(srv);
  guess_admin_token(srv);

  auto refused = http(srv.port(), "GET", "/api/admin", "", bearer(srv.admin_token()));
  ASSERT_EQ(refused.status, 429) << refused.body;
  const int retry_after = std::stoi(refused.headers["retry-after"]);
  EXPECT_GE(retry_after, 55);
  EXPECT_LE(retry_after, 60);
  auto body = refused.json_body();
  EXPECT_EQ(body["error"]["code"], "rate_limited");
  EXPECT_TRUE(body["error"]["message"].is_string());
  EXPECT_EQ(body["retry_after_s"], retry_after);

  // Any token is refused, right or wrong, the host's too, and over WebSocket as well.
  EXPECT_EQ(http(srv.port(), "POST", "/api/sessions", R"({"title":"x"})", bearer("guessed-admin-token-x")).status, 429);
  EXPECT_EQ(http(srv.port(), "GET", "/api/sessions/" + s.id + "/participants", "", bearer(s.host_token)).status, 429);
  WsClient host(srv.port());
  auto join = staff_join(host, s.id, s.host_token);
  EXPECT_EQ(join["type"], "error") << join.dump();
  EXPECT_EQ(join["code"], "rate_limited");
  EXPECT_GE(join["retry_after_s"].get<int>(), 1);

  // What needs no token still works from that address: the audience is not locked out.
  EXPECT_EQ(http(srv.port(), "GET", "/api/sessions/" + s.id).status, 200);
  EXPECT_EQ(http(srv.port(), "GET", "/s/" + s.id).status, 200);
  WsClient phone(srv.port());
  EXPECT_EQ(audience_join(phone, s.id, "听众甲", "client-locked-out-1")["type"], "welcome");

  // One warning for the lockout, with the address and the path, never a token.
  const std::string log = srv.log();
  EXPECT_EQ(count_of(log, "too many wrong tokens from 127.0.0.1"), 1u) << log;
  EXPECT_NE(log.find("/api/sessions"), std::string::npos) << log;
  EXPECT_EQ(log.find("guessed-admin-token"), std::string::npos) << log;
  EXPECT_EQ(log.find(srv.admin_token()), std::string::npos) << log;
  EXPECT_EQ(log.find(s.host_token), std::string::npos) << log;
  EXPECT_NE(http(srv.port(), "GET", "/metrics").body.find("yishiting_token_lockouts_total 1"), std::string::npos);
}

TEST(Security, WrongTokensInWebSocketJoinsCountTowardTheSameLockout) {
  ServerProcess srv;
  auto s = create_session(srv);
  auto other = create_session(srv);
  // A token of another session is a real token, used in the wrong place: no guess. (Each
  // connection stays under its own rate limit of 20 requests a second.)
  WsClient misplaced(srv.port());
  for (int i = 0; i < kFailuresBeforeLockout + 2; ++i)
    ASSERT_EQ(staff_join(misplaced, s.id, other.host_token)["code"], "unauthorized");
  ASSERT_EQ(admin_check(srv), 200);
  WsClient guesser(srv.port());
  for (int i = 0; i < kFailuresBeforeLockout; ++i)
    ASSERT_EQ(staff_join(guesser, s.id, "forged-token-" + std::to_string(i) + "-000000000000")["code"], "unauthorized");
  EXPECT_EQ(staff_join(guesser, s.id, s.host_token)["code"], "rate_limited");
  EXPECT_EQ(admin_check(srv), 429);
  EXPECT_NE(srv.log().find("too many wrong tokens from 127.0.0.1"), std::string::npos);
  EXPECT_NE(srv.log().find("/ws"), std::string::npos);
}

TEST(Security, TheLockoutEndsWhenItsWindowHasPassed) {
  constexpr auto kWindow = std::chrono::milliseconds(3000);
  ServerProcess srv({"--token-lockout-window-ms", std::to_string(kWindow.count())});
  guess_admin_token(srv);
  const auto locked_at = std::chrono::steady_clock::now();
  auto refused = http(srv.port(), "GET", "/api/admin", "", bearer(srv.admin_token()));
  ASSERT_EQ(refused.status, 429);
  const int retry_after = std::stoi(refused.headers["retry-after"]);
  EXPECT_GE(retry_after, 1);
  EXPECT_LE(retry_after, 3);

  int status = 429;
  const auto deadline = locked_at + kWindow + std::chrono::seconds(10);
  while (status == 429 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    status = admin_check(srv);
  }
  EXPECT_EQ(status, 200);
  // Refused requests in the meantime did not make it longer, nor did it end early.
  EXPECT_GE(std::chrono::steady_clock::now() - locked_at, kWindow - std::chrono::milliseconds(500));
  // Afresh: one wrong token is one wrong token, not a new lockout.
  EXPECT_EQ(http(srv.port(), "GET", "/api/admin", "", bearer("guessed-admin-token-after")).status, 403);
  EXPECT_EQ(admin_check(srv), 200);
}

TEST(Security, BehindATrustedProxyEachForwardedClientIsLockedOutAlone) {
  ServerProcess srv({"--trusted-proxy", "127.0.0.1"});
  auto s = create_session(srv);
  guess_admin_token(srv, forwarded_for("203.0.113.5"));

  EXPECT_EQ(admin_check(srv, forwarded_for("203.0.113.5")), 429);
  // Writing another address in front does not get the client out: only what the proxy
  // appended is believed.
  EXPECT_EQ(admin_check(srv, forwarded_for("198.51.100.1, 203.0.113.5")), 429);
  // Another client behind the same proxy, and the proxy's own machine, are not affected.
  EXPECT_EQ(admin_check(srv, forwarded_for("203.0.113.6")), 200);
  EXPECT_EQ(admin_check(srv), 200);

  WsClient locked(srv.port(), forwarded_for("203.0.113.5"));
  EXPECT_EQ(staff_join(locked, s.id, s.host_token)["code"], "rate_limited");
  WsClient fine(srv.port(), forwarded_for("203.0.113.6"));
  EXPECT_EQ(staff_join(fine, s.id, s.host_token)["type"], "welcome");

  const std::string log = srv.log();
  EXPECT_NE(log.find("too many wrong tokens from 203.0.113.5"), std::string::npos) << log;
  EXPECT_EQ(log.find("too many wrong tokens from 127.0.0.1"), std::string::npos) << log;
}

TEST(Security, WithoutATrustedProxyXForwardedForIsIgnored) {
  ServerProcess srv;
  guess_admin_token(srv, forwarded_for("203.0.113.5"));
  // A client cannot name itself someone else to escape.
  EXPECT_EQ(admin_check(srv, forwarded_for("203.0.113.6")), 429);
  EXPECT_NE(srv.log().find("too many wrong tokens from 127.0.0.1"), std::string::npos) << srv.log();
}

TEST(Security, BehindATrustedProxyTheConnectionLimitPerAddressCountsEachClient) {
  ServerProcess srv({"--trusted-proxy", "127.0.0.1", "--max-connections-per-address", "1"});
  auto s = create_session(srv);
  WsClient first(srv.port(), forwarded_for("203.0.113.7"));
  ASSERT_EQ(audience_join(first, s.id, "听众甲", "client-proxy-limit-1")["type"], "welcome");
  // The same client again, through the proxy: its one connection is taken.
  auto second = raw_http(srv.port(), "GET /ws HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 203.0.113.7\r\n" +
                                         kWebSocketUpgrade + "\r\n");
  EXPECT_EQ(status_of(second), 503) << second;
  EXPECT_NE(second.find("too many connections"), std::string::npos);
  // Other clients behind the same proxy (all from 127.0.0.1) are not held to that one.
  WsClient other(srv.port(), forwarded_for("203.0.113.8"));
  EXPECT_EQ(audience_join(other, s.id, "听众乙", "client-proxy-limit-2")["type"], "welcome");
  EXPECT_EQ(http(srv.port(), "GET", "/healthz", "", forwarded_for("203.0.113.9")).status, 200);
}

TEST(Security, EveryResponseCarriesNosniffAndNoReferrer) {
  ServerProcess srv({"--max-body-bytes", "1024"});
  auto s = create_session(srv);
  auto expect_common = [](const std::string& raw, const std::string& what) {
    EXPECT_EQ(header_of(raw, "X-Content-Type-Options"), "nosniff") << what << "\n" << raw.substr(0, 400);
    EXPECT_EQ(header_of(raw, "Referrer-Policy"), "no-referrer") << what << "\n" << raw.substr(0, 400);
  };
  auto get = [&](const std::string& target, const std::string& extra = "") {
    return raw_http(srv.port(), "GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + extra + "\r\n");
  };
  // An upgrade says Connection: Upgrade, not close; the server closes after refusing it.
  auto upgrade = [&](const std::string& target, const std::string& headers, std::chrono::milliseconds wait = 5s) {
    return raw_http(srv.port(), "GET " + target + " HTTP/1.1\r\nHost: x\r\n" + headers + "\r\n", wait);
  };
  struct Case {
    std::string what;
    std::string raw;
    int status;
  };
  auto page = get("/host/" + s.id);
  const std::string etag = header_of(page, "ETag");
  const std::vector<Case> cases = {
      {"a page", page, 200},
      {"a page not modified", get("/host/" + s.id, "If-None-Match: " + etag + "\r\n"), 304},
      {"a static asset", get("/assets/style.css"), 200},
      {"an API answer", get("/api/sessions/" + s.id), 200},
      {"an API error", get("/api/sessions/" + s.id + "/participants"), 401},
      {"a 404", get("/nope.html"), 404},
      {"/healthz", get("/healthz"), 200},
      {"a malformed request", raw_http(srv.port(), "GARBAGE\r\n\r\n"), 400},
      {"a body over the limit",
       raw_http(srv.port(), "POST /api/sessions HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n"), 413},
      {"a WebSocket upgrade on the wrong path", upgrade("/wsx", kWebSocketUpgrade), 404},
      {"a WebSocket handshake Beast refuses",
       upgrade("/ws", "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"), 400},
      {"a WebSocket handshake accepted", upgrade("/ws", kWebSocketUpgrade, 500ms), 101},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(status_of(c.raw), c.status) << c.what << "\n" << c.raw.substr(0, 400);
    expect_common(c.raw, c.what);
  }
}

TEST(Security, TheRefusalOverTheConnectionLimitCarriesThemToo) {
  ServerProcess srv({"--max-connections", "1"});
  WsClient hold(srv.port());
  auto refused = raw_http(srv.port(), "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(status_of(refused), 503) << refused;
  EXPECT_EQ(header_of(refused, "X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(header_of(refused, "Referrer-Policy"), "no-referrer");
}

TEST(Security, NoPageButTheOverlayCanBeFramed) {
  ServerProcess srv;
  auto s = create_session(srv);
  for (const std::string& path : std::vector<std::string>{"/", "/admin", "/host/" + s.id, "/clerk/" + s.id, "/p/" + s.id, "/s/" + s.id}) {
    auto r = http(srv.port(), "GET", path);
    ASSERT_EQ(r.status, 200) << path;
    const std::string csp = r.headers["content-security-policy"];
    EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << path << ": " << csp;
    EXPECT_NE(csp.find("script-src 'self'"), std::string::npos) << path << ": " << csp;
    EXPECT_EQ(r.headers["x-frame-options"], "DENY") << path;
  }
  // The broadcast mixer embeds the overlay, from wherever it runs.
  auto overlay = http(srv.port(), "GET", "/overlay/" + s.id);
  ASSERT_EQ(overlay.status, 200);
  const std::string csp = overlay.headers["content-security-policy"];
  EXPECT_NE(csp.find("frame-ancestors *"), std::string::npos) << csp;
  EXPECT_EQ(csp.find("frame-ancestors 'none'"), std::string::npos) << csp;
  EXPECT_EQ(overlay.headers.count("x-frame-options"), 0u);
  EXPECT_EQ(overlay.headers["referrer-policy"], "no-referrer");
  // The minutes' printable page sets its policy in a meta tag, which cannot forbid framing.
  auto minutes = http(srv.port(), "GET", "/api/sessions/" + s.id + "/minutes?format=html", "", bearer(srv.admin_token()));
  ASSERT_EQ(minutes.status, 200) << minutes.body;
  EXPECT_EQ(minutes.headers["content-security-policy"], "frame-ancestors 'none'");
}
