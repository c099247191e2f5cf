#include "server/api/ParticipantsApi.hpp"

#include "server/Hub.hpp"
#include "session/Vocabulary.hpp"

namespace yst {

namespace {
// The contract's lengths, in characters.
constexpr size_t kMaxRoleChars = 16;
constexpr size_t kMaxAffiliationChars = 100;

// What POST .../participants asks for; an error message when the body is not acceptable.
// With `person` (a roster entry), the name, affiliation and role default from the person.
std::optional<std::string> read_new_participant(const json& body, Participant& p, const Person* person) {
  std::string role = person ? person->kind : std::string();
  if (person) {
    p.person = person->id;
    p.name = person->name;
    p.affiliation = person->affiliation;
  }
  for (const TextField& field : {TextField{"name", kMaxNameChars, &p.name, !person},
                                 TextField{"role", kMaxRoleChars, &role, !person},
                                 TextField{"affiliation", kMaxAffiliationChars, &p.affiliation}})
    if (auto err = read_text_field(body, field)) return err;
  // Participants are staff: the audience and the overlay join without a token.
  auto r = role_from_string(role);
  if (!r || !is_staff(*r)) return "role must be host, member, department or clerk";
  if (person && role != person->kind) return "role " + role + " does not match the person's kind " + person->kind;
  p.role = *r;
  return std::nullopt;
}

// {id, token, name, role, link}: what the one who added (or re-issued) sees, once.
json participant_link_json(const CreatedParticipant& cp, const std::string& base, const std::string& sid) {
  const auto& who = cp.participant;
  return json{{"id", who.id},
              {"token", cp.token},
              {"name", who.name},
              {"role", to_string(who.role)},
              {"link", base + std::string(page_path(who.role)) + sid + "#token=" + cp.token}};
}
}  // namespace

void ParticipantsApi::add_routes(ApiRouter& router) {
  router.add({http::verb::get}, "/api/sessions/{id}/participants",
             [this](auto& req, auto reply) { list(req, std::move(reply)); });
  router.add({http::verb::post}, "/api/sessions/{id}/participants",
             [this](auto& req, auto reply) { add(req, std::move(reply)); });
  // Extension: a participant's name or affiliation corrected.
  router.add({http::verb::patch}, "/api/sessions/{id}/participants/{pid}",
             [this](auto& req, auto reply) { edit(req, std::move(reply)); });
  // Extension: a lost join link is re-issued (POST) or revoked (DELETE).
  router.add({http::verb::post, http::verb::delete_}, "/api/sessions/{id}/participants/{pid}/token",
             [this](auto& req, auto reply) { replace_token(req, std::move(reply)); });
}

void ParticipantsApi::list(const ApiRequest& req, HttpReply reply) {
  if (auto refused = may_list_participants(viewer_for(hub_, req.http, req.path["id"])))
    return reply(error_response(req.http, *refused));
  req.room->inspect([request = req.http, reply](Room& r) {
    reply(json_response(request, http::status::ok, r.committed().participants_json()));
  });
}

void ParticipantsApi::edit(const ApiRequest& req, HttpReply reply) {
  if (auto refused = may_manage_participant(viewer_for(hub_, req.http, req.path["id"])))
    return reply(error_response(req.http, *refused));
  json patch;
  if (auto err = read_object_body(req.http, patch)) return reply(error_response(req.http, *err));
  std::optional<std::string> name, affiliation;
  for (const auto& [key, value] : patch.items()) {
    std::string text;
    if (key == "name") {
      if (auto err = read_text_field(patch, TextField{"name", kMaxNameChars, &text, true}))
        return reply(error_response(req.http, ErrorCode::bad_request, *err));
      name = text;
    } else if (key == "affiliation") {
      if (auto err = read_text_field(patch, TextField{"affiliation", kMaxAffiliationChars, &text}))
        return reply(error_response(req.http, ErrorCode::bad_request, *err));
      affiliation = text;
    } else {
      return reply(error_response(req.http, ErrorCode::bad_request, "only name and affiliation can change: " + key));
    }
  }
  hub_.edit_participant(
      req.path["id"], req.path["pid"],
      [name, affiliation](Participant& p) {
        if (name) p.name = *name;
        if (affiliation) p.affiliation = *affiliation;
      },
      [request = req.http, reply](std::optional<Error> err, Participant p) {
        if (err) return reply(error_response(request, *err));
        reply(json_response(request, http::status::ok,
                            json{{"id", p.id}, {"name", p.name}, {"role", to_string(p.role)}, {"affiliation", p.affiliation}}));
      });
}

void ParticipantsApi::replace_token(const ApiRequest& req, HttpReply reply) {
  const std::string& sid = req.path["id"];
  if (auto refused = may_manage_participant(viewer_for(hub_, req.http, sid)))
    return reply(error_response(req.http, *refused));
  const bool reissue = req.http.method() == http::verb::post;
  std::string base = base_url(hub_.config(), req.http, tls_);
  hub_.replace_token(sid, req.path["pid"], reissue,
                     [request = req.http, reply, base, sid, reissue](std::optional<Error> err, CreatedParticipant cp) {
                       if (err) return reply(error_response(request, *err));
                       const auto& who = cp.participant;
                       if (!reissue)
                         return reply(json_response(request, http::status::ok,
                                                    json{{"id", who.id},
                                                         {"name", who.name},
                                                         {"role", to_string(who.role)},
                                                         {"revoked", true}}));
                       reply(json_response(request, http::status::ok, participant_link_json(cp, base, sid)));
                     });
}

void ParticipantsApi::add(const ApiRequest& req, HttpReply reply) {
  const std::string& sid = req.path["id"];
  if (auto refused = may_add_participant(viewer_for(hub_, req.http, sid)))
    return reply(error_response(req.http, *refused));
  json body;
  if (auto err = read_object_body(req.http, body)) return reply(error_response(req.http, *err));
  std::optional<Person> person;
  if (auto it = body.find("person"); it != body.end() && !it->is_null()) {
    if (!it->is_string()) return reply(error_response(req.http, ErrorCode::bad_request, "person must be a string"));
    person = hub_.people().item(it->get<std::string>());
    if (!person) return reply(error_response(req.http, ErrorCode::not_found, "no person " + it->get<std::string>()));
  }
  Participant p;
  if (auto err = read_new_participant(body, p, person ? &*person : nullptr))
    return reply(error_response(req.http, ErrorCode::bad_request, *err));
  std::string base = base_url(hub_.config(), req.http, tls_);
  hub_.add_participant(sid, p, [request = req.http, reply, base, sid](std::optional<Error> err, CreatedParticipant cp) {
    if (err) return reply(error_response(request, *err));
    reply(json_response(request, http::status::created, participant_link_json(cp, base, sid)));
  });
}

}  // namespace yst
