#include "server/HttpApi.hpp"

#include <spdlog/spdlog.h>

#include <charconv>
#include <map>

#include "server/Hub.hpp"
#include "server/QrCode.hpp"
#include "session/minutes/Minutes.hpp"
#include "session/Text.hpp"

namespace yst {

const char* const kPageCsp =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; media-src * blob:; "
    "frame-src *; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'";

namespace {

HttpResponse make_response(const HttpRequest& req, http::status status, std::string body, std::string content_type) {
  HttpResponse res{status, req.version()};
  res.set(http::field::server, "yishiting");
  res.set(http::field::content_type, content_type);
  res.set("X-Content-Type-Options", "nosniff");
  res.set(http::field::cache_control, "no-store");
  res.keep_alive(req.keep_alive());
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

HttpResponse json_response(const HttpRequest& req, http::status status, const json& body) {
  return make_response(req, status, body.dump(-1, ' ', false, json::error_handler_t::replace),
                       "application/json; charset=utf-8");
}

std::string bearer(const HttpRequest& req) {
  auto it = req.find(http::field::authorization);
  if (it == req.end()) return {};
  std::string_view v = it->value();
  if (v.size() > 7 && (v.substr(0, 7) == "Bearer " || v.substr(0, 7) == "bearer ")) return std::string(v.substr(7));
  return {};
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> percent_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%') {
      if (i + 2 >= s.size()) return std::nullopt;
      int hi = hex_value(s[i + 1]), lo = hex_value(s[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (s[i] == '+') {
      out.push_back(' ');
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

std::optional<std::map<std::string, std::string>> parse_query(std::string_view q) {
  std::map<std::string, std::string> out;
  while (!q.empty()) {
    auto amp = q.find('&');
    auto part = q.substr(0, amp);
    q = amp == std::string_view::npos ? std::string_view{} : q.substr(amp + 1);
    if (part.empty()) continue;
    auto eq = part.find('=');
    auto key = percent_decode(part.substr(0, eq));
    auto value = percent_decode(eq == std::string_view::npos ? std::string_view{} : part.substr(eq + 1));
    if (!key || !value) return std::nullopt;
    out[*key] = *value;
  }
  return out;
}

std::optional<int64_t> parse_int(const std::string& s) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> seg;
  size_t i = 1;
  while (i <= path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string::npos) j = path.size();
    seg.push_back(path.substr(i, j - i));
    i = j + 1;
  }
  return seg;
}

// Optional string field of a JSON body: absent or null gives "", a wrong type or length
// gives an error message.
std::optional<std::string> text_field(const json& body, const char* key, size_t max_chars, std::string& out,
                                      bool required = false, size_t min_chars = 0) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) {
    if (required) return std::string("missing field: ") + key;
    return std::nullopt;
  }
  if (!it->is_string()) return std::string(key) + " must be a string";
  const auto& s = it->get_ref<const std::string&>();
  size_t n = utf8_length(s);
  if (n < min_chars || n > max_chars)
    return std::string(key) + " must be " + std::to_string(min_chars) + "-" + std::to_string(max_chars) +
           " characters";
  if (has_forbidden_control(s)) return std::string(key) + " contains control characters";
  out = s;
  return std::nullopt;
}

// Who is asking, for one session.
struct Viewer {
  bool admin = false;
  std::optional<TokenOwner> owner;  // a participant of this session
  bool presented_token = false;
  Role role() const { return admin ? Role::host : owner ? owner->participant.role : Role::audience; }
  bool staff() const { return admin || (owner && is_staff(owner->participant.role)); }
};

Viewer viewer_for(Hub& hub, const HttpRequest& req, const std::string& session_id) {
  Viewer v;
  std::string token = bearer(req);
  if (token.empty()) return v;
  v.presented_token = true;
  if (hub.is_admin(token)) {
    v.admin = true;
    return v;
  }
  auto owner = hub.find_token(token);
  if (owner && owner->session_id == session_id) v.owner = owner;
  return v;
}

std::string base_url(const Hub& hub, const HttpRequest& req, bool tls) {
  if (!hub.config().public_url.empty()) return hub.config().public_url;
  std::string host(req[http::field::host]);
  bool ok = !host.empty() && host.size() < 256;
  for (char c : host)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == ':' || c == '[' || c == ']'))
      ok = false;
  if (!ok) host = hub.config().bind + ":" + std::to_string(hub.config().port);
  return std::string(tls ? "https://" : "http://") + host;
}

std::string page_for(Role r) {
  switch (r) {
    case Role::host: return "/host/";
    case Role::clerk: return "/clerk/";
    case Role::audience: return "/s/";
    default: return "/p/";
  }
}

}  // namespace

HttpApi::HttpApi(Hub& hub, StaticFiles& files, bool tls) : hub_(hub), files_(files), tls_(tls) {}

HttpResponse HttpApi::error_response(const HttpRequest& req, ErrorCode code, const std::string& message,
                                     http::status status) {
  if (status == http::status::unknown) status = static_cast<http::status>(http_status(code));
  return json_response(req, status, json{{"error", {{"code", to_string(code)}, {"message", message}}}});
}

void HttpApi::handle(const HttpRequest& req, HttpReply reply) {
  hub_.metrics().http_requests.fetch_add(1, std::memory_order_relaxed);
  std::string target(req.target());
  if (target.empty() || target[0] != '/' || target.size() > 4096)
    return reply(error_response(req, ErrorCode::bad_request, "bad request target"));
  auto qpos = target.find('?');
  std::string path = target.substr(0, qpos);
  std::string query = qpos == std::string::npos ? std::string() : target.substr(qpos + 1);
  if (path.find("..") != std::string::npos || path.find('\\') != std::string::npos ||
      path.find('\0') != std::string::npos || path.find("//") != std::string::npos)
    return reply(error_response(req, ErrorCode::bad_request, "bad path"));

  if (path == "/healthz") return reply(json_response(req, http::status::ok, json{{"status", "ok"}}));
  if (path == "/metrics") {
    return reply(make_response(req, http::status::ok, hub_.metrics().render(hub_.writer()),
                               "text/plain; version=0.0.4; charset=utf-8"));
  }
  if (path.rfind("/api/", 0) == 0) return api(req, path, query, std::move(reply));
  if (req.method() != http::verb::get && req.method() != http::verb::head)
    return reply(error_response(req, ErrorCode::bad_request, "method not allowed", http::status::method_not_allowed));
  page(req, path, std::move(reply));
}

void HttpApi::page(const HttpRequest& req, const std::string& path, HttpReply reply) {
  auto file = files_.lookup(path);
  if (!file) return reply(error_response(req, ErrorCode::not_found, "not found"));
  HttpResponse res{http::status::ok, req.version()};
  res.set(http::field::server, "yishiting");
  res.set(http::field::content_type, file->content_type);
  res.set("X-Content-Type-Options", "nosniff");
  // The token lives in the fragment, which browsers never send; the origin alone is
  // enough for stream players that check where they are embedded.
  res.set("Referrer-Policy", "strict-origin-when-cross-origin");
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

void HttpApi::api(const HttpRequest& req, const std::string& path, const std::string& query, HttpReply reply) {
  auto seg = split_path(path);  // seg[0] == "api"
  auto q = parse_query(query);
  if (!q) return reply(error_response(req, ErrorCode::bad_request, "bad query string"));
  const auto method = req.method();
  auto method_not_allowed = [&] {
    reply(error_response(req, ErrorCode::bad_request, "method not allowed", http::status::method_not_allowed));
  };

  // /api/sessions
  if (seg.size() == 2 && seg[1] == "sessions") {
    if (method == http::verb::get) {
      json list = json::array();
      for (const auto& room : hub_.rooms()) {
        auto s = room->summary();
        auto t = [](const std::optional<int64_t>& ms) { return ms ? json(format_time_ms(*ms)) : json(nullptr); };
        list.push_back(json{{"id", s.id},
                            {"title", s.title},
                            {"status", to_string(s.status)},
                            {"scheduled_at", s.scheduled_at.empty() ? json(nullptr) : json(s.scheduled_at)},
                            {"started_at", t(s.started_ms)},
                            {"ended_at", t(s.ended_ms)}});
      }
      return reply(json_response(req, http::status::ok, list));
    }
    if (method != http::verb::post) return method_not_allowed();
    std::string token = bearer(req);
    if (token.empty()) return reply(error_response(req, ErrorCode::unauthorized, "the admin token is required"));
    if (!hub_.is_admin(token)) return reply(error_response(req, ErrorCode::forbidden, "only the admin may create sessions"));
    json body = json::parse(req.body(), nullptr, false);
    if (!body.is_object()) return reply(error_response(req, ErrorCode::bad_request, "the body must be a JSON object"));
    SessionInfo info;
    std::string host_name;
    for (auto [key, max, out, required] :
         {std::tuple<const char*, size_t, std::string*, bool>{"title", 200, &info.title, true},
          {"topic", 2000, &info.topic, false},
          {"stream_url", 2000, &info.stream_url, false},
          {"scheduled_at", 64, &info.scheduled_at, false},
          {"host_name", 32, &host_name, false}}) {
      if (auto err = text_field(body, key, max, *out, required, required ? 1 : 0))
        return reply(error_response(req, ErrorCode::bad_request, *err));
    }
    if (!info.stream_url.empty() && info.stream_url.rfind("https://", 0) != 0 &&
        info.stream_url.rfind("http://", 0) != 0)
      return reply(error_response(req, ErrorCode::bad_request, "stream_url must be an http(s) URL"));
    std::string why;
    auto settings = Settings::from_json(body.value("settings", json()), why);
    if (!settings) return reply(error_response(req, ErrorCode::bad_request, why));
    info.settings = *settings;
    std::string base = base_url(hub_, req, tls_);
    hub_.create_session(info, host_name, [req, reply, base](std::optional<Error> err, std::string id, std::string tok) {
      if (err) return reply(error_response(req, err->code, err->message));
      reply(json_response(req, http::status::created,
                          json{{"id", id},
                               {"host_token", tok},
                               {"links", {{"host", base + "/host/" + id + "#token=" + tok}, {"audience", base + "/s/" + id}}}}));
    });
    return;
  }

  if (seg.size() < 3 || seg[1] != "sessions") return reply(error_response(req, ErrorCode::not_found, "not found"));
  const std::string& sid = seg[2];
  auto room = hub_.room(sid);
  if (!room) return reply(error_response(req, ErrorCode::not_found, "no session " + sid.substr(0, 64)));
  const std::string sub = seg.size() >= 4 ? seg[3] : std::string();
  if (seg.size() > 4) return reply(error_response(req, ErrorCode::not_found, "not found"));
  Viewer viewer = viewer_for(hub_, req, sid);

  if (sub.empty()) {
    if (method != http::verb::get) return method_not_allowed();
    room->inspect([req, reply](Room& r) { reply(json_response(req, http::status::ok, r.public_snapshot(Role::audience))); });
    return;
  }

  if (sub == "participants") {
    if (method == http::verb::get) {
      if (!viewer.staff())
        return reply(error_response(req, viewer.presented_token ? ErrorCode::forbidden : ErrorCode::unauthorized,
                                    "staff of this session only"));
      room->inspect([req, reply](Room& r) { reply(json_response(req, http::status::ok, r.committed().participants_json())); });
      return;
    }
    if (method != http::verb::post) return method_not_allowed();
    if (!viewer.presented_token) return reply(error_response(req, ErrorCode::unauthorized, "a token is required"));
    if (!viewer.admin && !(viewer.owner && viewer.owner->participant.role == Role::host))
      return reply(error_response(req, ErrorCode::forbidden, "only the admin or the host may add participants"));
    json body = json::parse(req.body(), nullptr, false);
    if (!body.is_object()) return reply(error_response(req, ErrorCode::bad_request, "the body must be a JSON object"));
    Participant p;
    std::string role;
    if (auto err = text_field(body, "name", 32, p.name, true, 1)) return reply(error_response(req, ErrorCode::bad_request, *err));
    if (auto err = text_field(body, "role", 16, role, true, 1)) return reply(error_response(req, ErrorCode::bad_request, *err));
    if (auto err = text_field(body, "affiliation", 100, p.affiliation))
      return reply(error_response(req, ErrorCode::bad_request, *err));
    auto r = role_from_string(role);
    if (!r || *r == Role::audience)
      return reply(error_response(req, ErrorCode::bad_request, "role must be host, member, department or clerk"));
    p.role = *r;
    std::string base = base_url(hub_, req, tls_);
    hub_.add_participant(sid, p, [req, reply, base, sid](std::optional<Error> err, CreatedParticipant cp) {
      if (err) return reply(error_response(req, err->code, err->message));
      reply(json_response(req, http::status::created,
                          json{{"id", cp.participant.id},
                               {"token", cp.token},
                               {"name", cp.participant.name},
                               {"role", to_string(cp.participant.role)},
                               {"link", base + page_for(cp.participant.role) + sid + "#token=" + cp.token}}));
    });
    return;
  }

  if (method != http::verb::get && method != http::verb::head) return method_not_allowed();

  if (sub == "events") {
    int64_t after = 0, limit = 100;
    if (auto it = q->find("after"); it != q->end()) {
      auto v = parse_int(it->second);
      if (!v || *v < 0) return reply(error_response(req, ErrorCode::bad_request, "after must be a non-negative integer"));
      after = *v;
    }
    if (auto it = q->find("limit"); it != q->end()) {
      auto v = parse_int(it->second);
      if (!v || *v < 1 || *v > 1000) return reply(error_response(req, ErrorCode::bad_request, "limit must be 1-1000"));
      limit = *v;
    }
    Role role = viewer.role();
    room->inspect([req, reply, after, limit, role](Room& r) {
      std::string body = "[";
      const auto& h = r.history();
      int64_t n = 0;
      for (size_t i = static_cast<size_t>(std::min<int64_t>(after, static_cast<int64_t>(h.size())));
           i < h.size() && n < limit; ++i) {
        if (!visible_to(h[i].event, role)) continue;
        if (n++) body += ',';
        body += *h[i].frame;
      }
      body += ']';
      reply(make_response(req, http::status::ok, std::move(body), "application/json; charset=utf-8"));
    });
    return;
  }

  if (sub == "qr.svg") {
    std::string link = base_url(hub_, req, tls_) + "/s/" + sid;
    try {
      auto res = make_response(req, http::status::ok, qr_svg(link), "image/svg+xml");
      res.set(http::field::cache_control, "public, max-age=300");
      return reply(std::move(res));
    } catch (const std::exception& e) {
      return reply(error_response(req, ErrorCode::internal, e.what()));
    }
  }

  if (sub == "verify" || sub == "minutes") {
    // Both read what storage holds (not the memory copy), on a connection of their own:
    // the minutes must agree with the stored events, and verify must see tampering.
    const bool minutes = sub == "minutes";
    std::optional<MinutesFormat> format = MinutesFormat::md;
    if (minutes) {
      if (auto it = q->find("format"); it != q->end()) format = minutes_format_from_string(it->second);
      if (!format) return reply(error_response(req, ErrorCode::bad_request, "format must be md, html, json, csv or docx"));
      if (room->summary().status != Status::ended && !viewer.staff())
        return reply(error_response(req, viewer.presented_token ? ErrorCode::forbidden : ErrorCode::unauthorized,
                                    "the minutes are open to staff until the session ends"));
    }
    try {
      Database db(hub_.database_path());
      auto events = db.events(sid);
      if (!minutes) {
        auto check = verify_chain(events);
        return reply(json_response(req, http::status::ok,
                                   json{{"ok", check.ok},
                                        {"events", check.events},
                                        {"head", check.head},
                                        {"first_bad_seq", check.first_bad_seq ? json(*check.first_bad_seq) : json(nullptr)}}));
      }
      MinutesInput in;
      for (const auto& s : db.sessions())
        if (s.id == sid) in.info = s;
      for (auto& sp : db.participants(sid)) in.participants.push_back(std::move(sp.participant));
      in.events = std::move(events);
      in.peak_audience = db.peak_audience(sid);
      in.generated_ms = hub_.now_ms();
      auto res = make_response(req, http::status::ok, render_minutes(in, *format), std::string(content_type(*format)));
      res.set(http::field::content_disposition, content_disposition(in, *format));
      return reply(std::move(res));
    } catch (const std::exception& e) {
      spdlog::error("{} of session {}: {}", sub, sid, e.what());
      return reply(error_response(req, ErrorCode::internal, "could not read the stored events"));
    }
  }

  reply(error_response(req, ErrorCode::not_found, "not found"));
}

}  // namespace yst
