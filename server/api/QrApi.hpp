#pragma once
// /api/sessions/{id}/qr.svg: a QR code of the session's audience link, for posters and
// the broadcast overlay. Extension: POST /api/qr, the QR code of a join link the admin
// prints on an invitation; the link carries a token, so it travels in a body, never in a
// URL that a log might keep.
#include "server/api/ApiRequest.hpp"

namespace yst {

class QrApi {
 public:
  QrApi(Hub& hub, bool tls) : hub_(hub), tls_(tls) {}
  void add_routes(ApiRouter& router);

  // A session's link does not change, so caches may keep the image a while.
  static constexpr int kCacheSeconds = 300;

 private:
  void svg(const ApiRequest& req, HttpReply reply);
  void svg_of_text(const ApiRequest& req, HttpReply reply);

  Hub& hub_;
  bool tls_;
};

}  // namespace yst
