#include "session/ChangesJson.hpp"

#include <stdexcept>

namespace yst {

namespace {
Choice choice_from_string(const std::string& s) {
  if (s == "agree") return Choice::agree;
  if (s == "disagree") return Choice::disagree;
  if (s == "abstain") return Choice::abstain;
  throw std::invalid_argument("no choice " + s);
}
Role role_from(const std::string& s) {
  auto r = role_from_string(s);
  if (!r) throw std::invalid_argument("no role " + s);
  return *r;
}
}  // namespace

json event_to_json(const Event& e) {
  json j = to_wire_json(e);
  j.erase("type");
  j["at_ms"] = e.at_ms;  // "at" is formatted to the second's fraction; the chain needs the exact value
  j["hash"] = e.hash;
  return j;
}

Event event_from_json(const json& j) {
  Event e;
  e.seq = j.at("seq").get<int64_t>();
  e.at_ms = j.at("at_ms").get<int64_t>();
  e.kind = j.at("kind").get<std::string>();
  if (const auto& by = j.at("by"); !by.is_null())
    e.by = Actor{by.at("participant").get<std::string>(), role_from(by.at("role").get<std::string>()),
                 by.value("name", "")};
  e.data = j.at("data");
  e.hash = j.at("hash").get<std::string>();
  return e;
}

json changes_to_json(const std::vector<Changes>& batch) {
  json out = json::array();
  for (const Changes& c : batch) {
    json events = json::array(), upvotes = json::array(), votes = json::array();
    for (const auto& e : c.events) events.push_back(event_to_json(e));
    for (const auto& u : c.upvotes) upvotes.push_back(json::array({u.question, u.voter}));
    for (const auto& v : c.votes)
      votes.push_back(json::array({v.point, v.voter, std::string(to_string(v.role)), std::string(to_string(v.choice))}));
    out.push_back(json{{"e", std::move(events)}, {"u", std::move(upvotes)}, {"v", std::move(votes)}});
  }
  return out;
}

std::vector<Changes> changes_from_json(const json& j) {
  std::vector<Changes> batch;
  for (const auto& c : j) {
    Changes out;
    for (const auto& e : c.at("e")) out.events.push_back(event_from_json(e));
    for (const auto& u : c.at("u")) out.upvotes.push_back(Upvote{u.at(0).get<std::string>(), u.at(1).get<std::string>()});
    for (const auto& v : c.at("v"))
      out.votes.push_back(Vote{v.at(0).get<std::string>(), v.at(1).get<std::string>(),
                               role_from(v.at(2).get<std::string>()), choice_from_string(v.at(3).get<std::string>())});
    batch.push_back(std::move(out));
  }
  return batch;
}

}  // namespace yst
