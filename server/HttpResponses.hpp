#pragma once
// The HTTP messages the server answers with: every response carries the same safety
// headers (stamp_common_headers), and every error the contract's body
// {"error":{"code","message"}}.
#include <functional>
#include <string>

#include "server/Net.hpp"
#include "session/Types.hpp"

namespace yst {

using HttpRequest = http::request<http::string_body>;
using HttpResponse = http::response<http::string_body>;
// Called exactly once per request, possibly on another thread.
using HttpReply = std::function<void(HttpResponse)>;

inline const std::string kJsonContentType = "application/json; charset=utf-8";

HttpResponse make_response(const HttpRequest& req, http::status status, std::string body,
                           const std::string& content_type);
HttpResponse json_response(const HttpRequest& req, http::status status, const json& body);
// `status` defaults to the one the contract gives `code`.
HttpResponse error_response(const HttpRequest& req, ErrorCode code, const std::string& message,
                            http::status status = http::status::unknown);
inline HttpResponse error_response(const HttpRequest& req, const Error& error) {
  return error_response(req, error.code, error.message);
}
// 429 rate_limited with Retry-After, and `retry_after_s` in the body as the topic and
// question intervals have it.
HttpResponse retry_later_response(const HttpRequest& req, const std::string& message, int64_t retry_after_s);

// The headers no response may lack: X-Content-Type-Options, Referrer-Policy, and for HTML
// that sets no policy of its own (the minutes' printable page) a CSP that forbids framing.
// Applied where responses leave the server, not where they are made, so that no path
// can forget them: HttpConnection::write, the listener's refusal over a connection limit
// and the WebSocket handshake (its 101 and Beast's own refusals).
void stamp_common_headers(http::response<http::string_body>& res);

}  // namespace yst
