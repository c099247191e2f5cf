#include "server/HttpResponses.hpp"

namespace yst {

HttpResponse make_response(const HttpRequest& req, http::status status, std::string body,
                           const std::string& content_type) {
  HttpResponse res{status, req.version()};
  res.set(http::field::content_type, content_type);
  res.set(http::field::cache_control, "no-store");
  res.keep_alive(req.keep_alive());
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

HttpResponse json_response(const HttpRequest& req, http::status status, const json& body) {
  return make_response(req, status, body.dump(-1, ' ', false, json::error_handler_t::replace),
                       kJsonContentType);
}

HttpResponse error_response(const HttpRequest& req, ErrorCode code, const std::string& message, http::status status) {
  if (status == http::status::unknown) status = static_cast<http::status>(http_status(code));
  return json_response(req, status, json{{"error", {{"code", to_string(code)}, {"message", message}}}});
}

HttpResponse retry_later_response(const HttpRequest& req, const std::string& message, int64_t retry_after_s) {
  auto res = json_response(req, http::status::too_many_requests,
                           json{{"error", {{"code", to_string(ErrorCode::rate_limited)}, {"message", message}}},
                                {"retry_after_s", retry_after_s}});
  res.set(http::field::retry_after, std::to_string(retry_after_s));
  return res;
}

void stamp_common_headers(http::response<http::string_body>& res) {
  res.set(http::field::server, "yishiting");
  res.set("X-Content-Type-Options", "nosniff");
  // Join links carry their token in the fragment, which is never sent, but a page's
  // address still says which session and role someone has open: no other site learns it.
  res.set("Referrer-Policy", "no-referrer");
  if (res[http::field::content_type].starts_with("text/html") && res.find("Content-Security-Policy") == res.end())
    res.set("Content-Security-Policy", "frame-ancestors 'none'");
}

}  // namespace yst
