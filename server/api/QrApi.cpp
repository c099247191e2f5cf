#include "server/api/QrApi.hpp"

#include "server/Hub.hpp"
#include "session/Vocabulary.hpp"
#include "server/QrCode.hpp"

namespace yst {

void QrApi::add_routes(ApiRouter& router) {
  router.add({http::verb::get, http::verb::head}, "/api/sessions/{id}/qr.svg",
             [this](auto& req, auto reply) { svg(req, std::move(reply)); });
  router.add({http::verb::post}, "/api/qr", [this](auto& req, auto reply) { svg_of_text(req, std::move(reply)); });
}

namespace {
constexpr size_t kMaxQrTextChars = 1000;  // a join link is about 80
}  // namespace

void QrApi::svg_of_text(const ApiRequest& req, HttpReply reply) {
  if (auto refused = may_create_session(viewer_for(hub_, req.http, ""))) return reply(error_response(req.http, *refused));
  json body;
  if (auto err = read_object_body(req.http, body)) return reply(error_response(req.http, *err));
  std::string text;
  if (auto err = read_text_field(body, TextField{"text", kMaxQrTextChars, &text, true}))
    return reply(error_response(req.http, ErrorCode::bad_request, *err));
  std::string svg;
  try {
    svg = qr_svg(text);
  } catch (const std::exception& e) {
    return reply(error_response(req.http, ErrorCode::internal, e.what()));
  }
  reply(make_response(req.http, http::status::ok, std::move(svg), "image/svg+xml"));
}

void QrApi::svg(const ApiRequest& req, HttpReply reply) {
  std::string link = base_url(hub_.config(), req.http, tls_) + std::string(page_path(Role::audience)) + req.path["id"];
  std::string svg;
  try {
    svg = qr_svg(link);
  } catch (const std::exception& e) {
    return reply(error_response(req.http, ErrorCode::internal, e.what()));
  }
  auto res = make_response(req.http, http::status::ok, std::move(svg), "image/svg+xml");
  res.set(http::field::cache_control, "public, max-age=" + std::to_string(kCacheSeconds));
  reply(std::move(res));
}

}  // namespace yst
