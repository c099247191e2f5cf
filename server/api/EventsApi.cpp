#include "server/api/EventsApi.hpp"

#include <algorithm>

#include "server/Hub.hpp"

namespace yst {

namespace {
// Which events: those after `after`, at most `limit`; an error message for a bad query.
struct EventsQuery {
  int64_t after = 0;
  int64_t limit = EventsApi::kDefaultLimit;
};

std::optional<std::string> read_events_query(const QueryParams& query, EventsQuery& out) {
  if (auto it = query.find("after"); it != query.end()) {
    auto v = parse_int(it->second);
    if (!v || *v < 0) return "after must be a non-negative integer";
    out.after = *v;
  }
  if (auto it = query.find("limit"); it != query.end()) {
    auto v = parse_int(it->second);
    if (!v || *v < 1 || *v > EventsApi::kMaxLimit)
      return "limit must be 1-" + std::to_string(EventsApi::kMaxLimit);
    out.limit = *v;
  }
  return std::nullopt;
}

// A JSON array of the frames already serialized for the wire: no event is encoded again.
std::string visible_frames(const std::vector<HistoryEntry>& history, const EventsQuery& q, Role role) {
  std::string body = "[";
  int64_t n = 0;
  const auto first = static_cast<size_t>(std::min<int64_t>(q.after, static_cast<int64_t>(history.size())));
  for (size_t i = first; i < history.size() && n < q.limit; ++i) {
    if (!visible_to(history[i].event, role)) continue;
    if (n++) body += ',';
    body += text_of(history[i].frame);
  }
  body += ']';
  return body;
}
}  // namespace

void EventsApi::add_routes(ApiRouter& router) {
  router.add({http::verb::get, http::verb::head}, "/api/sessions/{id}/events",
             [this](auto& req, auto reply) { list(req, std::move(reply)); });
}

void EventsApi::list(const ApiRequest& req, HttpReply reply) {
  EventsQuery q;
  if (auto err = read_events_query(req.query, q)) return reply(error_response(req.http, ErrorCode::bad_request, *err));
  const Role role = acting_role(viewer_for(hub_, req.http, req.path["id"]));
  req.room->inspect([request = req.http, reply, q, role](Room& r) {
    reply(make_response(request, http::status::ok, visible_frames(r.history(), q, role), kJsonContentType));
  });
}

}  // namespace yst
