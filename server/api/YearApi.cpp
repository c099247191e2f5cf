#include "server/api/YearApi.hpp"

#include <algorithm>
#include <spdlog/spdlog.h>

#include "server/Hub.hpp"
#include "session/Vocabulary.hpp"
#include "session/year/Stats.hpp"
#include "storage/MinutesLoader.hpp"

namespace yst {

void YearApi::add_routes(ApiRouter& router) {
  router.add({http::verb::post}, "/api/plan", [this](auto& req, auto reply) { create_item(req, std::move(reply)); });
  router.add({http::verb::get, http::verb::head}, "/api/plan",
             [this](auto& req, auto reply) { list_plan(req, std::move(reply)); });
  router.add({http::verb::get, http::verb::head}, "/api/plan.ics",
             [this](auto& req, auto reply) { calendar(req, std::move(reply)); });
  router.add({http::verb::patch}, "/api/plan/{id}", [this](auto& req, auto reply) { edit_item(req, std::move(reply)); });
  router.add({http::verb::get, http::verb::head}, "/api/commitments",
             [this](auto& req, auto reply) { commitments(req, std::move(reply)); });
  router.add({http::verb::get, http::verb::head}, "/api/stats",
             [this](auto& req, auto reply) { stats(req, std::move(reply), false); });
  router.add({http::verb::get, http::verb::head}, "/api/stats.csv",
             [this](auto& req, auto reply) { stats(req, std::move(reply), true); });
}

namespace {

// Each item with its status and linked sessions, as the rooms stand now.
struct PlanView {
  PlanItem item;
  std::string_view status;
  std::vector<std::string> sessions;
  std::vector<std::string> topics;  // the public's topics adopted into it
  json to_json() const { return plan_item_json(item, status, sessions, topics); }
};

std::vector<PlanView> plan_view(const Hub& hub, std::optional<int> year) {
  std::vector<PlanItem> items = hub.plan().items();
  std::stable_sort(items.begin(), items.end(), plan_order);
  std::vector<RoomSummary> summaries;
  for (const auto& room : hub.rooms()) summaries.push_back(room->summary());
  std::sort(summaries.begin(), summaries.end(),
            [](const RoomSummary& a, const RoomSummary& b) { return std::tie(a.created_ms, a.id) < std::tie(b.created_ms, b.id); });
  std::vector<PlanView> out;
  for (auto& item : items) {
    if (year && item.year != *year) continue;
    std::vector<Status> statuses;
    std::vector<std::string> ids;
    for (const auto& s : summaries)
      if (s.plan_item == item.id) {
        statuses.push_back(s.status);
        ids.push_back(s.id);
      }
    const std::string_view status = plan_status(item, statuses);
    std::vector<std::string> topics;
    for (const auto& t : hub.topics().items())
      if (t.status == "adopted" && t.plan_item == item.id) topics.push_back(t.id);
    out.push_back(PlanView{std::move(item), status, std::move(ids), std::move(topics)});
  }
  return out;
}

std::optional<int> year_of(const ApiRequest& req, std::optional<Error>& err) {
  auto it = req.query.find("year");
  if (it == req.query.end() || it->second.empty()) return std::nullopt;
  auto y = parse_int(it->second);
  if (!y || *y < 2000 || *y > 2100) {
    err = Error{ErrorCode::bad_request, "year must be a year from 2000 to 2100"};
    return std::nullopt;
  }
  return static_cast<int>(*y);
}

json item_reply(const Hub& hub, const PlanItem& item) {
  for (const auto& v : plan_view(hub, item.year))
    if (v.item.id == item.id) return v.to_json();
  return plan_item_json(item, plan_status(item, {}), {});
}

}  // namespace

void YearApi::create_item(const ApiRequest& req, HttpReply reply) {
  if (auto refused = may_create_session(viewer_for(hub_, req.http, ""))) return reply(error_response(req.http, *refused));
  json body;
  if (auto err = read_object_body(req.http, body)) return reply(error_response(req.http, *err));
  PlanItem item;
  if (auto why = apply_plan_fields(body, item, true)) return reply(error_response(req.http, ErrorCode::bad_request, *why));
  hub_.create_plan_item(std::move(item), [this, request = req.http, reply](std::optional<Error> err, PlanItem stored) {
    if (err) return reply(error_response(request, *err));
    json j = item_reply(hub_, stored);
    reply(json_response(request, http::status::created, j));
  });
}

void YearApi::edit_item(const ApiRequest& req, HttpReply reply) {
  if (auto refused = may_create_session(viewer_for(hub_, req.http, ""))) return reply(error_response(req.http, *refused));
  json body;
  if (auto err = read_object_body(req.http, body)) return reply(error_response(req.http, *err));
  hub_.edit_plan_item(
      req.path["id"],
      [body](PlanItem& item) -> std::optional<Error> {
        if (auto why = apply_plan_fields(body, item, false)) return Error{ErrorCode::bad_request, *why};
        return std::nullopt;
      },
      [this, request = req.http, reply](std::optional<Error> err, PlanItem stored) {
        if (err) return reply(error_response(request, *err));
        reply(json_response(request, http::status::ok, item_reply(hub_, stored)));
      });
}

void YearApi::list_plan(const ApiRequest& req, HttpReply reply) {
  std::optional<Error> err;
  const auto year = year_of(req, err);
  if (err) return reply(error_response(req.http, *err));
  json list = json::array();
  for (const auto& v : plan_view(hub_, year)) list.push_back(v.to_json());
  reply(json_response(req.http, http::status::ok, list));
}

void YearApi::calendar(const ApiRequest& req, HttpReply reply) {
  std::optional<Error> err;
  const auto year = year_of(req, err);
  if (err) return reply(error_response(req.http, *err));
  std::vector<PlanItem> items;
  std::vector<std::string_view> statuses;
  for (auto& v : plan_view(hub_, year)) {
    items.push_back(std::move(v.item));
    statuses.push_back(v.status);
  }
  const std::string base = base_url(hub_.config(), req.http, tls_);
  std::vector<CalendarSession> sessions;
  for (const auto& room : hub_.rooms()) {
    const auto s = room->summary();
    const auto starts = parse_iso8601_ms(s.scheduled_at);
    if (s.status != Status::scheduled || !starts) continue;
    if (year && format_time_ms(*starts).substr(0, 4) != std::to_string(*year)) continue;
    sessions.push_back(CalendarSession{s.id, s.title, s.venue, *starts, base + std::string(page_path(Role::audience)) + s.id});
  }
  std::sort(sessions.begin(), sessions.end(), [](const auto& a, const auto& b) { return a.starts_ms < b.starts_ms; });
  std::string host = base.substr(base.find("://") + 3);
  auto res = make_response(req.http, http::status::ok, plan_ics(items, statuses, sessions, hub_.now_ms(), host),
                           "text/calendar; charset=utf-8");
  res.set(http::field::content_disposition, "inline; filename=\"plan.ics\"");
  reply(std::move(res));
}

namespace {
// Runs `read` on the reader thread and answers with what it returns; a failure to read is
// logged and answered with a 500 that names no detail.
template <class Read>
void answer_from_storage(Reader& reader, const HttpRequest& request, HttpReply reply, const char* what, Read read) {
  reader.submit([request, reply = std::move(reply), what, read](Store& db) {
    HttpResponse res;
    try {
      res = read(db);
    } catch (const std::exception& e) {
      spdlog::error("{}: {}", what, e.what());
      res = error_response(request, ErrorCode::internal, "could not read the stored sessions");
    }
    reply(std::move(res));
  });
}
}  // namespace

void YearApi::commitments(const ApiRequest& req, HttpReply reply) {
  auto param = [&](const char* key) {
    auto it = req.query.find(key);
    return it == req.query.end() ? std::string() : it->second;
  };
  const std::string status = param("status"), department = param("department"), overdue = param("overdue");
  if (!status.empty() && status != "open" && status != "in_progress" && status != "done")
    return reply(error_response(req.http, ErrorCode::bad_request, "status must be open, in_progress or done"));
  if (!overdue.empty() && overdue != "true" && overdue != "false")
    return reply(error_response(req.http, ErrorCode::bad_request, "overdue must be true or false"));
  const std::string today = local_date(hub_.now_ms());
  answer_from_storage(reader_, req.http, std::move(reply), "commitments", [=, request = req.http](Store& db) {
    json list = json::array();
    for (const auto& info : db.sessions()) {
      Session state(info);
      for (auto& sp : db.participants(info.id)) state.add_participant(sp.participant);
      for (const auto& e : db.events(info.id)) state.apply(e);
      for (const auto& c : state.commitments()) {
        if (!status.empty() && c.status != status) continue;
        if (!overdue.empty() && c.overdue(today) != (overdue == "true")) continue;
        const Participant* unit = state.participant(c.department);
        if (!department.empty() && c.department_name != department && (!unit || unit->affiliation != department))
          continue;
        json j = Session::commitment_json(c, today);
        j["session"] = info.id;
        j["session_title"] = info.title;
        // Extension: the unit a department's representative answers for.
        j["department_unit"] = unit ? to_json_nonempty(unit->affiliation) : json(nullptr);
        list.push_back(std::move(j));
      }
    }
    return json_response(request, http::status::ok, list);
  });
}

void YearApi::stats(const ApiRequest& req, HttpReply reply, bool csv) {
  if (auto refused = may_create_session(viewer_for(hub_, req.http, ""))) return reply(error_response(req.http, *refused));
  std::string from, to;
  for (auto [key, out] : {std::pair{"from", &from}, std::pair{"to", &to}}) {
    auto it = req.query.find(key);
    if (it == req.query.end() || it->second.empty()) continue;
    if (!is_calendar_date(it->second))
      return reply(error_response(req.http, ErrorCode::bad_request, std::string(key) + " must be a date YYYY-MM-DD"));
    *out = it->second;
  }
  const int64_t now = hub_.now_ms();
  answer_from_storage(reader_, req.http, std::move(reply), "stats", [=, request = req.http](Store& db) {
    const std::string today = local_date(now);
    const auto plan = db.plan_items();
    std::vector<StatsRow> rows;
    for (const auto& info : db.sessions()) {
      auto in = load_minutes(db, info.id, now);
      if (!in) continue;
      std::string form = info.form, venue = info.venue;
      for (const auto& item : plan)
        if (item.id == info.plan_item) {
          form = item.form;
          if (!item.venue.empty()) venue = item.venue;
        }
      StatsRow row = stats_row(*in, form, venue, today);
      // The sessions held: one not started is a plan, not participation.
      if (!row.started_ms) continue;
      const std::string day = local_date(*row.started_ms);
      if ((!from.empty() && day < from) || (!to.empty() && day > to)) continue;
      rows.push_back(std::move(row));
    }
    if (!csv) return json_response(request, http::status::ok, stats_json(rows));
    auto res = make_response(request, http::status::ok, stats_csv(rows), "text/csv; charset=utf-8");
    res.set(http::field::content_disposition,
            "attachment; filename=\"stats" + (from.empty() ? std::string() : "-" + from) +
                (to.empty() ? std::string() : "-" + to) + ".csv\"");
    return res;
  });
}

}  // namespace yst
