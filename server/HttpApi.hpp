#pragma once
// HTTP routing: the JSON API of the contract, /healthz, /metrics and the pages.
#include <functional>
#include <string>

#include "server/Net.hpp"
#include "server/StaticFiles.hpp"
#include "session/Types.hpp"

namespace yst {

class Hub;

using HttpRequest = http::request<http::string_body>;
using HttpResponse = http::response<http::string_body>;
using HttpReply = std::function<void(HttpResponse)>;

// Content-Security-Policy of every page: no inline script or style, nothing from
// elsewhere but the programme's own stream (video or iframe).
extern const char* const kPageCsp;

class HttpApi {
 public:
  HttpApi(Hub& hub, StaticFiles& files, bool tls);

  // Answers one request. `reply` may be called on another thread, exactly once.
  void handle(const HttpRequest& req, HttpReply reply);

  static HttpResponse error_response(const HttpRequest& req, ErrorCode code, const std::string& message,
                                     http::status status = http::status::unknown);

 private:
  void api(const HttpRequest& req, const std::string& path, const std::string& query, HttpReply reply);
  void page(const HttpRequest& req, const std::string& path, HttpReply reply);

  Hub& hub_;
  StaticFiles& files_;
  bool tls_;
};

}  // namespace yst
