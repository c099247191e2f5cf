#include "SessionSetup.hpp"

#include <stdexcept>

#include "BenchNet.hpp"

namespace ystbench {

json http_json(const Options& o, const std::string& method, const std::string& target, const json& body,
               int want_status, const std::string& bearer) {
  auto r = http_request(static_cast<uint16_t>(o.port), method, target, body.is_null() ? "" : body.dump(), bearer);
  if (r.status != want_status)
    throw std::runtime_error(method + " " + target + " answered " + std::to_string(r.status) + ": " + r.body);
  json j = json::parse(r.body, nullptr, false);
  if (j.is_discarded()) throw std::runtime_error(method + " " + target + " answered no JSON");
  return j;
}

SessionSetup create_session(const Options& o) {
  SessionSetup s;
  json created = http_json(o, "POST", "/api/sessions",
                           json{{"title", "基准测试 " + o.scenario + " N=" + std::to_string(o.n)},
                                {"topic", "yishiting-bench"},
                                {"settings", {{"pre_moderation", false}, {"ask_interval_s", 0}}}},
                           201, o.admin_token);
  s.id = created.at("id").get<std::string>();
  s.host_token = created.at("host_token").get<std::string>();
  json member = http_json(o, "POST", "/api/sessions/" + s.id + "/participants",
                          json{{"name", "委员甲"}, {"role", "member"}, {"affiliation", "bench"}}, 201, o.admin_token);
  s.member_token = member.at("token").get<std::string>();
  return s;
}

std::string audience_join(const SessionSetup& s, size_t i, std::optional<int64_t> after, bool batch) {
  // client_id must be 8-64 of [A-Za-z0-9_-] and unique per audience participant.
  json j{{"type", "join"},
         {"id", "j"},
         {"session", s.id},
         {"role", "audience"},
         {"name", "听众" + std::to_string(i)},
         {"client_id", "bench-" + s.id.substr(0, 16) + "-" + std::to_string(i)}};
  if (after) j["after"] = *after;
  if (batch) j["batch"] = true;
  return j.dump();
}

}  // namespace ystbench
