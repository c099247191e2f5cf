#pragma once
// One API request as its handler sees it, and what handlers read off it: who is asking,
// fields of a JSON body, integers of the query, the base of the links they hand out.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "server/HttpResponses.hpp"
#include "server/HttpRouter.hpp"
#include "server/QueryString.hpp"
#include "session/Access.hpp"

namespace yst {

class Hub;
class Room;
struct Config;

struct ApiRequest {
  const HttpRequest& http;
  PathParams path;
  QueryParams query;
  // The session a path under /api/sessions/{id} names (it exists); null elsewhere.
  std::shared_ptr<Room> room;
};

using ApiHandler = std::function<void(const ApiRequest&, HttpReply)>;
using ApiRouter = HttpRouter<ApiHandler>;

// The bearer token of the Authorization header, "" when there is none.
std::string bearer_token(const HttpRequest& req);
// Who is asking, for the session `session_id` ("" for none).
Viewer viewer_for(const Hub& hub, const HttpRequest& req, const std::string& session_id);

// The scheme and host that links handed out start with: --public-url when set, else the
// Host header when it looks like a host, else the address the server listens on.
std::string base_url(const Config& config, const HttpRequest& req, bool tls);

// The body as a JSON object, or the refusal to answer with.
std::optional<Error> read_object_body(const HttpRequest& req, json& out);

// A string field of a JSON body. Absent or null leaves `out` alone (an error when
// `required`); a wrong type, a length outside min_chars-max_chars or a control character
// gives the message to answer with.
struct TextField {
  const char* key;
  size_t max_chars;
  std::string* out;
  bool required = false;
};
std::optional<std::string> read_text_field(const json& body, const TextField& field);

// A decimal integer and nothing else.
std::optional<int64_t> parse_int(const std::string& s);

}  // namespace yst
