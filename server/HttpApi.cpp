#include "server/HttpApi.hpp"

#include "server/Hub.hpp"

namespace yst {

const char* const kPageCsp =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; media-src * blob:; "
    "frame-src *; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'";

namespace {

constexpr std::string_view kSessionsPrefix = "/api/sessions/";

bool is_safe_path(const std::string& path) {
  return path.find("..") == std::string::npos && path.find('\\') == std::string::npos &&
         path.find('\0') == std::string::npos && path.find("//") == std::string::npos;
}

// The session a path under /api/sessions/{id} names, whatever follows it.
std::optional<std::string> session_in_path(const std::string& path) {
  if (path.rfind(kSessionsPrefix, 0) != 0) return std::nullopt;
  return path.substr(kSessionsPrefix.size(), path.find('/', kSessionsPrefix.size()) - kSessionsPrefix.size());
}

// Session ids in a 404 are cut to this many bytes: the message must not echo a long path.
constexpr size_t kMaxEchoedIdBytes = 64;

}  // namespace

HttpApi::HttpApi(Hub& hub, StaticFiles& files, bool tls)
    : hub_(hub),
      files_(files),
      reader_(hub.database_path()),
      sessions_(hub, tls),
      participants_(hub, tls),
      events_(hub, reader_),
      minutes_(hub, reader_),
      qr_(hub, tls),
      year_(hub, reader_, tls),
      people_(hub, reader_) {
  sessions_.add_routes(router_);
  participants_.add_routes(router_);
  events_.add_routes(router_);
  minutes_.add_routes(router_);
  qr_.add_routes(router_);
  year_.add_routes(router_);
  people_.add_routes(router_);
}

void HttpApi::stop() { reader_.stop(); }

void HttpApi::handle(const HttpRequest& req, const std::string& client, HttpReply reply) {
  hub_.metrics().http_requests.fetch_add(1, std::memory_order_relaxed);
  std::string target(req.target());
  if (target.empty() || target[0] != '/' || target.size() > kMaxTargetBytes)
    return reply(error_response(req, ErrorCode::bad_request, "bad request target"));
  auto qpos = target.find('?');
  std::string path = target.substr(0, qpos);
  std::string query = qpos == std::string::npos ? std::string() : target.substr(qpos + 1);
  if (!is_safe_path(path)) return reply(error_response(req, ErrorCode::bad_request, "bad path"));

  if (path == "/healthz") {
    // A load balancer or a monitor asks this: 503 while nothing can be stored.
    if (std::string why = hub_.writer().failure(); !why.empty())
      return reply(json_response(req, http::status::service_unavailable,
                                 json{{"status", "unavailable"}, {"reason", "storage: " + why}}));
    return reply(json_response(req, http::status::ok, json{{"status", "ok"}}));
  }
  if (path == "/metrics") {
    return reply(make_response(req, http::status::ok, hub_.metrics().render(hub_.writer()),
                               "text/plain; version=0.0.4; charset=utf-8"));
  }
  if (path.rfind("/api/", 0) == 0) return api(req, client, path, query, std::move(reply));
  if (req.method() != http::verb::get && req.method() != http::verb::head)
    return reply(error_response(req, ErrorCode::bad_request, "method not allowed", http::status::method_not_allowed));
  page(req, path, std::move(reply));
}

void HttpApi::api(const HttpRequest& req, const std::string& client, const std::string& path,
                  const std::string& query, HttpReply reply) {
  // Every token the API reads is a bearer token, so it is weighed here, once, before any
  // handler sees it: no handler can forget to count a wrong one, and while the address is
  // locked out none is even looked at.
  if (std::string token = bearer_token(req); !token.empty()) {
    if (auto wait_s = hub_.token_lockout_seconds(client))
      return reply(retry_later_response(req, "too many wrong tokens from this address", *wait_s));
    hub_.record_token_attempt(token, client, path);
  }
  auto q = parse_query(query);
  if (!q) return reply(error_response(req, ErrorCode::bad_request, "bad query string"));
  // A path under /api/sessions/{id} names a session first: an unknown one is not found,
  // whatever follows and whatever the method.
  std::shared_ptr<Room> room;
  if (auto sid = session_in_path(path)) {
    room = hub_.room(*sid);
    if (!room) return reply(error_response(req, ErrorCode::not_found, "no session " + sid->substr(0, kMaxEchoedIdBytes)));
  }
  auto match = router_.match(req.method(), path);
  using Outcome = ApiRouter::Match::Outcome;
  if (match.outcome == Outcome::unknown_path) return reply(error_response(req, ErrorCode::not_found, "not found"));
  if (match.outcome == Outcome::wrong_method)
    return reply(error_response(req, ErrorCode::bad_request, "method not allowed", http::status::method_not_allowed));
  (*match.handler)(ApiRequest{req, std::move(match.params), std::move(*q), std::move(room)}, std::move(reply));
}

void HttpApi::page(const HttpRequest& req, const std::string& path, HttpReply reply) {
  auto file = files_.lookup(path);
  if (!file) return reply(error_response(req, ErrorCode::not_found, "not found"));
  HttpResponse res{http::status::ok, req.version()};
  res.set(http::field::content_type, file->content_type);
  res.set(http::field::etag, file->etag);
  res.set(http::field::cache_control, "no-cache");
  res.set(http::field::vary, "Accept-Encoding");
  if (file->content_type.rfind("text/html", 0) == 0) {
    // The overlay is meant to be embedded in a broadcast mixer; no other page is.
    const bool overlay = path.rfind("/overlay/", 0) == 0;
    res.set("Content-Security-Policy",
            std::string(kPageCsp) + (overlay ? "; frame-ancestors *" : "; frame-ancestors 'none'"));
    if (!overlay) res.set("X-Frame-Options", "DENY");
    res.set("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
  }
  res.keep_alive(req.keep_alive());
  if (req[http::field::if_none_match] == file->etag) {
    res.result(http::status::not_modified);
    res.prepare_payload();
    return reply(std::move(res));
  }
  std::string_view accept = req[http::field::accept_encoding];
  if (!file->gzipped.empty() && accept.find("gzip") != std::string_view::npos) {
    res.set(http::field::content_encoding, "gzip");
    res.body() = file->gzipped;
  } else {
    res.body() = file->body;
  }
  res.prepare_payload();
  if (req.method() == http::verb::head) res.body().clear();
  reply(std::move(res));
}

}  // namespace yst
