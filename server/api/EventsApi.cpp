#include "server/api/EventsApi.hpp"

#include <algorithm>
#include <deque>

#include <spdlog/spdlog.h>

#include "server/Hub.hpp"
#include "storage/Reader.hpp"

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
    if (!v || *v < 1 || *v > EventsApi::kMaxLimit) {
      // Appended, not `"..." + std::to_string(...)`: g++ 12 -O2 warns of a bounds error
      // that is not there (-Warray-bounds in char_traits::copy, inlined from operator+).
      std::string message = "limit must be 1-";
      message += std::to_string(EventsApi::kMaxLimit);
      return message;
    }
    out.limit = *v;
  }
  return std::nullopt;
}

// A JSON array of the frames already serialized for the wire: no event is encoded again.
// `history` holds the events from `history.front()`'s seq on, and q.after + 1 is not before it.
std::string visible_frames(const std::deque<HistoryEntry>& history, const EventsQuery& q, Role role) {
  std::string body = "[";
  int64_t n = 0;
  const int64_t first_seq = history.empty() ? 1 : history.front().seq;
  const auto first = q.after < first_seq ? size_t{0}
                                         : static_cast<size_t>(std::min<int64_t>(
                                               q.after - first_seq + 1, static_cast<int64_t>(history.size())));
  for (size_t i = first; i < history.size() && n < q.limit; ++i) {
    if (!history[i].visible_to(role)) continue;
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
  req.room->inspect([this, request = req.http, reply, q, role, sid = req.path["id"]](Room& r) {
    const auto& history = r.history();
    if (history.empty() || q.after >= history.front().seq - 1)
      return reply(make_response(request, http::status::ok, visible_frames(history, q, role), kJsonContentType));
    // Older than what the room keeps: from the store, on the reader's thread.
    reader_.submit([request, reply, q, role, sid](Store& db) {
      HttpResponse res;
      try {
        json list = json::array();
        for (const Event& e : db.events(sid, q.after)) {
          if (static_cast<int64_t>(list.size()) >= q.limit) break;
          if (visible_to(e, role)) list.push_back(to_wire_json(e));
        }
        res = make_response(request, http::status::ok, list.dump(), kJsonContentType);
      } catch (const std::exception& e) {
        spdlog::error("events of session {}: {}", sid, e.what());
        res = error_response(request, ErrorCode::internal, "could not read the stored events");
      }
      reply(std::move(res));
    });
  });
}

}  // namespace yst
