#include "server/api/QrApi.hpp"

#include "server/Hub.hpp"
#include "session/Vocabulary.hpp"
#include "server/QrCode.hpp"

namespace yst {

void QrApi::add_routes(ApiRouter& router) {
  router.add({http::verb::get, http::verb::head}, "/api/sessions/{id}/qr.svg",
             [this](auto& req, auto reply) { svg(req, std::move(reply)); });
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
