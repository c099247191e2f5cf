#include "server/api/SessionsApi.hpp"

#include "server/Hub.hpp"
#include "session/Vocabulary.hpp"

namespace yst {

namespace {
// The contract's lengths, in characters.
constexpr size_t kMaxTitleChars = 200;
constexpr size_t kMaxTopicChars = 2000;
constexpr size_t kMaxStreamUrlChars = 2000;
constexpr size_t kMaxScheduledAtChars = 64;
constexpr size_t kMaxVenueChars = 100;
constexpr int kMaxEpisode = 100000;

// `form` and `episode`, when the body has them; an error message when they are not acceptable.
std::optional<std::string> read_form_and_episode(const json& body, SessionInfo& info) {
  if (auto it = body.find("form"); it != body.end() && !it->is_null()) {
    if (!it->is_string() || !is_consultation_form(it->get<std::string>()))
      return "form must be one of plenary, standing_committee, thematic, counterpart, proposal, forum, micro, "
             "supervision";
    info.form = it->get<std::string>();
  } else if (it != body.end()) {
    info.form.clear();
  }
  if (auto it = body.find("episode"); it != body.end()) {
    if (it->is_null()) {
      info.episode = 0;
    } else {
      if (!it->is_number_integer() || it->get<int64_t>() < 1 || it->get<int64_t>() > kMaxEpisode)
        return "episode must be an integer from 1 to " + std::to_string(kMaxEpisode);
      info.episode = it->get<int>();
    }
  }
  return std::nullopt;
}

bool is_http_url(const std::string& url) { return url.rfind("https://", 0) == 0 || url.rfind("http://", 0) == 0; }

// What POST /api/sessions asks for; an error message when the body is not acceptable.
std::optional<std::string> read_new_session(const json& body, SessionInfo& info, std::string& host_name) {
  for (const TextField& field : {TextField{"title", kMaxTitleChars, &info.title, true},
                                 TextField{"topic", kMaxTopicChars, &info.topic},
                                 TextField{"stream_url", kMaxStreamUrlChars, &info.stream_url},
                                 TextField{"scheduled_at", kMaxScheduledAtChars, &info.scheduled_at},
                                 TextField{"venue", kMaxVenueChars, &info.venue},
                                 TextField{"plan_item", 64, &info.plan_item},
                                 TextField{"host_name", kMaxNameChars, &host_name}})
    if (auto err = read_text_field(body, field)) return err;
  if (auto err = read_form_and_episode(body, info)) return err;
  if (!info.stream_url.empty() && !is_http_url(info.stream_url)) return "stream_url must be an http(s) URL";
  std::string why;
  auto settings = Settings::from_json(body.value("settings", json()), why);
  if (!settings) return why;
  info.settings = *settings;
  return std::nullopt;
}

// PATCH /api/sessions/{id}: the fields present replace the current ones; `settings` is
// merged key by key onto the current settings, and only before the start (a rule must not
// change under a vote). An error message when the patch is not acceptable.
std::optional<Error> apply_session_patch(const json& patch, SessionInfo& info, Status status) {
  auto bad = [](std::string why) { return Error{ErrorCode::bad_request, std::move(why)}; };
  for (const TextField& field : {TextField{"title", kMaxTitleChars, &info.title, true},
                                 TextField{"topic", kMaxTopicChars, &info.topic},
                                 TextField{"stream_url", kMaxStreamUrlChars, &info.stream_url},
                                 TextField{"scheduled_at", kMaxScheduledAtChars, &info.scheduled_at},
                                 TextField{"venue", kMaxVenueChars, &info.venue}})
    if (patch.contains(field.key))
      if (auto err = read_text_field(patch, field)) return bad(*err);
  if (auto err = read_form_and_episode(patch, info)) return bad(*err);
  if (!info.stream_url.empty() && !is_http_url(info.stream_url)) return bad("stream_url must be an http(s) URL");
  for (const auto& [key, value] : patch.items())
    if (key != "title" && key != "topic" && key != "stream_url" && key != "scheduled_at" && key != "settings" &&
        key != "venue" && key != "form" && key != "episode")
      return bad("unknown field: " + key);
  if (auto it = patch.find("settings"); it != patch.end() && !it->is_null()) {
    if (!it->is_object()) return bad("settings must be an object");
    if (status != Status::scheduled)
      return Error{ErrorCode::conflict, "settings can change only before the session starts"};
    json merged = info.settings.to_json();
    merged.update(*it);
    std::string why;
    auto settings = Settings::from_json(merged, why);
    if (!settings) return bad(why);
    info.settings = *settings;
  }
  return std::nullopt;
}

json session_info_json(const SessionInfo& info) {
  return json{{"id", info.id},
              {"title", info.title},
              {"topic", info.topic},
              {"stream_url", info.stream_url},
              {"scheduled_at", to_json_nonempty(info.scheduled_at)},
              {"venue", to_json_nonempty(info.venue)},
              {"form", to_json_nonempty(info.form)},
              {"episode", info.episode > 0 ? json(info.episode) : json(nullptr)},
              {"plan_item", to_json_nonempty(info.plan_item)},
              {"settings", info.settings.to_json()}};
}
}  // namespace

void SessionsApi::add_routes(ApiRouter& router) {
  router.add({http::verb::get}, "/api/sessions", [this](auto& req, auto reply) { list(req, std::move(reply)); });
  // Extension: whether a token is the admin's (the admin page checks it before saying so).
  router.add({http::verb::get}, "/api/admin", [this](auto& req, auto reply) {
    if (auto refused = may_create_session(viewer_for(hub_, req.http, ""))) return reply(error_response(req.http, *refused));
    reply(json_response(req.http, http::status::ok, json{{"admin", true}}));
  });
  // The nodes of a cluster and which owns each session (a single node: itself alone).
  router.add({http::verb::get}, "/api/cluster", [this](auto& req, auto reply) {
    if (auto refused = may_create_session(viewer_for(hub_, req.http, ""))) return reply(error_response(req.http, *refused));
    if (hub_.cluster()) return reply(json_response(req.http, http::status::ok, hub_.cluster()->status()));
    int64_t connections = 0;
    for (const auto& c : hub_.metrics().connections_by_role) connections += c.load(std::memory_order_relaxed);
    json owners = json::object();
    for (const auto& room : hub_.rooms()) owners[room->id()] = "local";
    reply(json_response(req.http, http::status::ok,
                        json{{"nodes", json::array({json{{"id", "local"},
                                                         {"url", nullptr},
                                                         {"connections", connections},
                                                         {"sessions_owned", owners.size()},
                                                         {"last_seen", format_time_ms(hub_.now_ms())}}})},
                             {"owners", owners}}));
  });
  router.add({http::verb::post}, "/api/sessions", [this](auto& req, auto reply) { create(req, std::move(reply)); });
  auto snapshot = [this](auto& req, auto reply) { this->snapshot(req, std::move(reply)); };
  router.add({http::verb::get}, "/api/sessions/{id}", snapshot);
  // Extension: the admin corrects a session (a typo in the title, a new time).
  router.add({http::verb::patch}, "/api/sessions/{id}", [this](auto& req, auto reply) { edit(req, std::move(reply)); });
  // The trailing slash has always been accepted here.
  router.add({http::verb::get}, "/api/sessions/{id}/", snapshot);
}

void SessionsApi::list(const ApiRequest& req, HttpReply reply) {
  json list = json::array();
  for (const auto& room : hub_.rooms()) {
    auto s = room->summary();
    list.push_back(json{{"id", s.id},
                        {"title", s.title},
                        {"status", to_string(s.status)},
                        {"scheduled_at", to_json_nonempty(s.scheduled_at)},
                        {"started_at", to_json_time(s.started_ms)},
                        {"ended_at", to_json_time(s.ended_ms)}});
  }
  reply(json_response(req.http, http::status::ok, list));
}

void SessionsApi::create(const ApiRequest& req, HttpReply reply) {
  if (auto refused = may_create_session(viewer_for(hub_, req.http, ""))) return reply(error_response(req.http, *refused));
  json body;
  if (auto err = read_object_body(req.http, body)) return reply(error_response(req.http, *err));
  SessionInfo info;
  std::string host_name;
  if (auto err = read_new_session(body, info, host_name))
    return reply(error_response(req.http, ErrorCode::bad_request, *err));
  // A session held for an item of the plan: the item's form and venue win, its topic is
  // the default.
  if (!info.plan_item.empty()) {
    auto item = hub_.plan().item(info.plan_item);
    if (!item) return reply(error_response(req.http, ErrorCode::not_found, "no plan item " + info.plan_item));
    if (item->cancelled)
      return reply(error_response(req.http, ErrorCode::conflict, "plan item " + item->id + " is cancelled"));
    info.form = item->form;
    if (!item->venue.empty()) info.venue = item->venue;
    if (info.topic.empty()) info.topic = item->topic;
  }
  std::string base = base_url(hub_.config(), req.http, tls_);
  hub_.create_session(info, host_name,
                      [request = req.http, reply, base](std::optional<Error> err, std::string id, std::string token) {
                        if (err) return reply(error_response(request, *err));
                        json links{{"host", base + std::string(page_path(Role::host)) + id + "#token=" + token},
                                   {"audience", base + std::string(page_path(Role::audience)) + id}};
                        reply(json_response(request, http::status::created,
                                            json{{"id", id}, {"host_token", token}, {"links", std::move(links)}}));
                      });
}

void SessionsApi::edit(const ApiRequest& req, HttpReply reply) {
  if (auto refused = may_create_session(viewer_for(hub_, req.http, ""))) return reply(error_response(req.http, *refused));
  json patch;
  if (auto err = read_object_body(req.http, patch)) return reply(error_response(req.http, *err));
  hub_.edit_session(
      req.path["id"], [patch](SessionInfo& info, Status status) { return apply_session_patch(patch, info, status); },
      [request = req.http, reply](std::optional<Error> err, SessionInfo info) {
        if (err) return reply(error_response(request, *err));
        reply(json_response(request, http::status::ok, session_info_json(info)));
      });
}

void SessionsApi::snapshot(const ApiRequest& req, HttpReply reply) {
  req.room->inspect([request = req.http, reply](Room& r) {
    reply(json_response(request, http::status::ok, r.public_snapshot(Role::audience)));
  });
}

}  // namespace yst
