#include "server/api/ApiRequest.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "server/Hub.hpp"
#include "session/Text.hpp"

namespace yst {

namespace {
constexpr std::string_view kBearerPrefixes[] = {"Bearer ", "bearer "};
// Longer than any real host name with a port: anything longer is not taken from the header.
constexpr size_t kMaxHostHeader = 255;

bool looks_like_host(std::string_view host) {
  if (host.empty() || host.size() > kMaxHostHeader) return false;
  return std::all_of(host.begin(), host.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == ':' || c == '[' || c == ']';
  });
}
}  // namespace

std::string bearer_token(const HttpRequest& req) {
  auto it = req.find(http::field::authorization);
  if (it == req.end()) return {};
  std::string_view v = it->value();
  for (auto prefix : kBearerPrefixes)
    if (v.size() > prefix.size() && v.substr(0, prefix.size()) == prefix) return std::string(v.substr(prefix.size()));
  return {};
}

Viewer viewer_for(const Hub& hub, const HttpRequest& req, const std::string& session_id) {
  std::string token = bearer_token(req);
  if (token.empty()) return Viewer{Viewer::Kind::nobody};
  if (hub.is_admin(token)) return Viewer{Viewer::Kind::admin};
  auto owner = hub.find_token(token);
  if (owner && owner->session_id == session_id) return Viewer{Viewer::Kind::participant, owner->participant.role};
  return Viewer{Viewer::Kind::stranger};
}

std::string base_url(const Config& config, const HttpRequest& req, bool tls) {
  if (!config.public_url.empty()) return config.public_url;
  std::string host(req[http::field::host]);
  if (!looks_like_host(host)) host = config.bind + ":" + std::to_string(config.port);
  return std::string(tls ? "https://" : "http://") + host;
}

std::optional<Error> read_object_body(const HttpRequest& req, json& out) {
  out = json::parse(req.body(), nullptr, false);
  if (!out.is_object()) return Error{ErrorCode::bad_request, "the body must be a JSON object"};
  return std::nullopt;
}

std::optional<std::string> read_text_field(const json& body, const TextField& field) {
  auto it = body.find(field.key);
  if (it == body.end() || it->is_null()) {
    if (field.required) return std::string("missing field: ") + field.key;
    return std::nullopt;
  }
  if (!it->is_string()) return std::string(field.key) + " must be a string";
  const auto& s = it->get_ref<const std::string&>();
  const size_t min_chars = field.required ? 1 : 0;
  size_t n = utf8_length(s);
  if (n < min_chars || n > field.max_chars)
    return std::string(field.key) + " must be " + std::to_string(min_chars) + "-" + std::to_string(field.max_chars) +
           " characters";
  if (has_forbidden_control(s)) return std::string(field.key) + " contains control characters";
  *field.out = s;
  return std::nullopt;
}

std::optional<int64_t> parse_int(const std::string& s) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace yst
