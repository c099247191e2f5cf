#include "server/api/PeopleApi.hpp"

#include <algorithm>
#include <spdlog/spdlog.h>

#include "server/Hub.hpp"
#include "storage/MinutesLoader.hpp"

namespace yst {

void PeopleApi::add_routes(ApiRouter& router) {
  router.add({http::verb::post}, "/api/people", [this](auto& req, auto reply) { create_person(req, std::move(reply)); });
  router.add({http::verb::get, http::verb::head}, "/api/people",
             [this](auto& req, auto reply) { list_people(req, std::move(reply)); });
  router.add({http::verb::get, http::verb::head}, "/api/people/records.csv",
             [this](auto& req, auto reply) { records_csv(req, std::move(reply)); });
  router.add({http::verb::patch}, "/api/people/{id}", [this](auto& req, auto reply) { edit_person(req, std::move(reply)); });
  router.add({http::verb::get, http::verb::head}, "/api/people/{id}/record",
             [this](auto& req, auto reply) { record(req, std::move(reply)); });
  router.add({http::verb::post}, "/api/topics", [this](auto& req, auto reply) { propose(req, std::move(reply)); });
  router.add({http::verb::get, http::verb::head}, "/api/topics",
             [this](auto& req, auto reply) { list_topics(req, std::move(reply)); });
  router.add({http::verb::patch}, "/api/topics/{id}", [this](auto& req, auto reply) { moderate(req, std::move(reply)); });
  router.add({http::verb::post}, "/api/topics/{id}/support",
             [this](auto& req, auto reply) { support(req, std::move(reply)); });
}

void PeopleApi::create_person(const ApiRequest& req, HttpReply reply) {
  if (auto refused = may_create_session(viewer_for(hub_, req.http, ""))) return reply(error_response(req.http, *refused));
  json body;
  if (auto err = read_object_body(req.http, body)) return reply(error_response(req.http, *err));
  Person p;
  if (auto why = apply_person_fields(body, p, true)) return reply(error_response(req.http, ErrorCode::bad_request, *why));
  hub_.create_person(std::move(p), [request = req.http, reply](std::optional<Error> err, Person stored) {
    if (err) return reply(error_response(request, *err));
    reply(json_response(request, http::status::created, person_json(stored)));
  });
}

void PeopleApi::edit_person(const ApiRequest& req, HttpReply reply) {
  if (auto refused = may_create_session(viewer_for(hub_, req.http, ""))) return reply(error_response(req.http, *refused));
  json body;
  if (auto err = read_object_body(req.http, body)) return reply(error_response(req.http, *err));
  hub_.edit_person(
      req.path["id"],
      [body](Person& p) -> std::optional<Error> {
        if (auto why = apply_person_fields(body, p, false)) return Error{ErrorCode::bad_request, *why};
        return std::nullopt;
      },
      [request = req.http, reply](std::optional<Error> err, Person stored) {
        if (err) return reply(error_response(request, *err));
        reply(json_response(request, http::status::ok, person_json(stored)));
      });
}

void PeopleApi::list_people(const ApiRequest& req, HttpReply reply) {
  std::string kind;
  if (auto it = req.query.find("kind"); it != req.query.end()) kind = it->second;
  if (!kind.empty() && (!role_from_string(kind) || !is_staff(*role_from_string(kind))))
    return reply(error_response(req.http, ErrorCode::bad_request, "kind must be member, department, host or clerk"));
  json list = json::array();
  for (const auto& p : hub_.people().items())
    if (kind.empty() || p.kind == kind) list.push_back(person_json(p));
  reply(json_response(req.http, http::status::ok, list));
}

namespace {

// Each person's rows over the sessions of `year` (0: all), oldest first.
std::vector<RecordRow> rows_of(Store& db, const Person& person, int year, int64_t now_ms) {
  std::vector<RecordRow> rows;
  for (const auto& info : db.sessions()) {
    const auto participants = db.participants(info.id);
    auto me = std::find_if(participants.begin(), participants.end(),
                           [&](const StoredParticipant& sp) { return sp.participant.person == person.id; });
    if (me == participants.end()) continue;
    auto in = load_minutes(db, info.id, now_ms);
    if (!in) continue;
    const auto attended = db.attendance(info.id);
    RecordRow row = record_row(*in, me->participant,
                               std::find(attended.begin(), attended.end(), me->participant.id) != attended.end());
    if (year && (!row.started_ms || format_time_ms(*row.started_ms).substr(0, 4) != std::to_string(year))) continue;
    rows.push_back(std::move(row));
  }
  std::stable_sort(rows.begin(), rows.end(), [](const RecordRow& a, const RecordRow& b) {
    return a.started_ms.value_or(INT64_MAX) < b.started_ms.value_or(INT64_MAX);
  });
  return rows;
}

std::optional<int> read_year(const ApiRequest& req, std::optional<Error>& err) {
  auto it = req.query.find("year");
  if (it == req.query.end() || it->second.empty()) return 0;
  auto y = parse_int(it->second);
  if (!y || *y < 2000 || *y > 2100) {
    err = Error{ErrorCode::bad_request, "year must be a year from 2000 to 2100"};
    return std::nullopt;
  }
  return static_cast<int>(*y);
}

template <class Read>
void read_records(Reader& reader, const HttpRequest& request, HttpReply reply, Read read) {
  reader.submit([request, reply = std::move(reply), read](Store& db) {
    HttpResponse res;
    try {
      res = read(db);
    } catch (const std::exception& e) {
      spdlog::error("records: {}", e.what());
      res = error_response(request, ErrorCode::internal, "could not read the stored sessions");
    }
    reply(std::move(res));
  });
}

}  // namespace

void PeopleApi::record(const ApiRequest& req, HttpReply reply) {
  std::optional<Error> err;
  const auto year = read_year(req, err);
  if (err) return reply(error_response(req.http, *err));
  auto person = hub_.people().item(req.path["id"]);
  if (!person) return reply(error_response(req.http, ErrorCode::not_found, "no person " + req.path["id"]));
  read_records(reader_, req.http, std::move(reply), [person = *person, year = *year, now = hub_.now_ms(),
                                                     request = req.http](Store& db) {
    return json_response(request, http::status::ok, record_json(person, rows_of(db, person, year, now)));
  });
}

void PeopleApi::records_csv(const ApiRequest& req, HttpReply reply) {
  if (auto refused = may_create_session(viewer_for(hub_, req.http, ""))) return reply(error_response(req.http, *refused));
  std::optional<Error> err;
  const auto year = read_year(req, err);
  if (err) return reply(error_response(req.http, *err));
  read_records(reader_, req.http, std::move(reply), [people = hub_.people().items(), year = *year,
                                                     now = hub_.now_ms(), request = req.http](Store& db) {
    std::vector<std::pair<Person, std::vector<RecordRow>>> records;
    for (const auto& p : people) records.emplace_back(p, rows_of(db, p, year, now));
    auto res = make_response(request, http::status::ok, yst::records_csv(records), "text/csv; charset=utf-8");
    std::string disposition = "attachment; filename=\"records";
    if (year) disposition.append("-").append(std::to_string(year));
    disposition.append(".csv\"");
    res.set(http::field::content_disposition, disposition);
    return res;
  });
}

void PeopleApi::propose(const ApiRequest& req, HttpReply reply) {
  json body;
  if (auto err = read_object_body(req.http, body)) return reply(error_response(req.http, *err));
  Topic t;
  std::string client_id;
  if (auto why = read_new_topic(body, t, client_id)) return reply(error_response(req.http, ErrorCode::bad_request, *why));
  // Set before a refusal's callback runs (it runs at once); shared, as the callback outlives this frame.
  auto retry_after = std::make_shared<int64_t>(0);
  hub_.propose_topic(
      std::move(t), client_id,
      [request = req.http, reply, retry_after](std::optional<Error> err, Topic stored) {
        const int64_t retry_after_s = *retry_after;
        if (err) {
          auto res = error_response(request, *err);
          if (err->code == ErrorCode::rate_limited) {
            // The body names the wait too, as the WebSocket's rate_limited does.
            json j = json::parse(res.body(), nullptr, false);
            if (j.is_object()) {
              j["retry_after_s"] = retry_after_s;
              res.body() = j.dump();
              res.prepare_payload();
            }
            res.set(http::field::retry_after, std::to_string(retry_after_s));
          }
          return reply(std::move(res));
        }
        reply(json_response(request, http::status::created, json{{"id", stored.id}, {"status", stored.status}}));
      },
      *retry_after);
}

void PeopleApi::list_topics(const ApiRequest& req, HttpReply reply) {
  const bool admin = !may_create_session(viewer_for(hub_, req.http, ""));
  std::string status;
  if (auto it = req.query.find("status"); it != req.query.end()) status = it->second;
  std::vector<Topic> topics = hub_.topics().items();
  std::stable_sort(topics.begin(), topics.end(), topic_order);
  json list = json::array();
  for (const auto& t : topics) {
    if (!admin && !is_public(t)) continue;
    if (!status.empty() && t.status != status) continue;
    list.push_back(topic_json(t));
  }
  reply(json_response(req.http, http::status::ok, list));
}

void PeopleApi::moderate(const ApiRequest& req, HttpReply reply) {
  if (auto refused = may_create_session(viewer_for(hub_, req.http, ""))) return reply(error_response(req.http, *refused));
  json body;
  if (auto err = read_object_body(req.http, body)) return reply(error_response(req.http, *err));
  hub_.moderate_topic(
      req.path["id"],
      [this, body](Topic& t) -> std::optional<Error> {
        if (auto why = apply_topic_moderation(body, t)) return Error{ErrorCode::bad_request, *why};
        if (t.status == "adopted" && !hub_.plan().item(t.plan_item))
          return Error{ErrorCode::not_found, "no plan item " + t.plan_item};
        return std::nullopt;
      },
      [request = req.http, reply](std::optional<Error> err, Topic stored) {
        if (err) return reply(error_response(request, *err));
        reply(json_response(request, http::status::ok, topic_json(stored)));
      });
}

void PeopleApi::support(const ApiRequest& req, HttpReply reply) {
  json body;
  if (auto err = read_object_body(req.http, body)) return reply(error_response(req.http, *err));
  std::string client_id;
  Topic probe;
  json as_topic{{"title", "x"}, {"text", "x"}, {"name", "x"}, {"client_id", body.value("client_id", json())}};
  if (!body.contains("client_id") || body.size() != 1)
    return reply(error_response(req.http, ErrorCode::bad_request, "the body is {client_id}"));
  if (auto why = read_new_topic(as_topic, probe, client_id))
    return reply(error_response(req.http, ErrorCode::bad_request, *why));
  hub_.support_topic(req.path["id"], client_id, [request = req.http, reply](std::optional<Error> err, int support) {
    if (err) return reply(error_response(request, *err));
    reply(json_response(request, http::status::ok, json{{"support", support}}));
  });
}

}  // namespace yst
