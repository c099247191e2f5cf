#pragma once
// Shared steps of the integration tests: create a session, add people, join.
#include <gtest/gtest.h>

#include <fstream>
#include <optional>
#include <sstream>
#include <string>

#include "tests/support/ServerProcess.hpp"
#include "tests/support/TestClient.hpp"

namespace yst::test {

// A file's bytes, whole (empty when it cannot be read), and a file written whole.
inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
inline void write_file(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
}

inline std::map<std::string, std::string> bearer(const std::string& token) {
  return {{"Authorization", "Bearer " + token}};
}

struct Created {
  std::string id;
  std::string host_token;
};

inline Created create_session(const ServerProcess& srv,
                              json body = json{{"title", "有事来协商——委员议事厅"}, {"topic", "加装电梯"}}) {
  auto r = http(srv.port(), "POST", "/api/sessions", body.dump(), bearer(srv.admin_token()));
  EXPECT_EQ(r.status, 201) << r.body;
  auto j = r.json_body();
  return Created{j.value("id", ""), j.value("host_token", "")};
}

struct Added {
  std::string id;
  std::string token;
};

inline Added add_person(const ServerProcess& srv, const std::string& sid, const std::string& name,
                        const std::string& role, const std::string& affiliation = "区政协") {
  auto r = http(srv.port(), "POST", "/api/sessions/" + sid + "/participants",
                json{{"name", name}, {"role", role}, {"affiliation", affiliation}}.dump(), bearer(srv.admin_token()));
  EXPECT_EQ(r.status, 201) << r.body;
  return Added{r.json_body().value("id", ""), r.json_body().value("token", "")};
}

inline std::string add_participant(const ServerProcess& srv, const std::string& sid, const std::string& name,
                                   const std::string& role) {
  return add_person(srv, sid, name, role).token;
}

inline json staff_join(WsClient& c, const std::string& sid, const std::string& token,
                       std::optional<int64_t> after = {}) {
  json j{{"type", "join"}, {"session", sid}, {"token", token}};
  if (after) j["after"] = *after;
  return c.request(j);
}

inline json audience_join(WsClient& c, const std::string& sid, const std::string& name, const std::string& client_id,
                          std::optional<int64_t> after = {}) {
  json j{{"type", "join"}, {"session", sid}, {"role", "audience"}, {"name", name}, {"client_id", client_id}};
  if (after) j["after"] = *after;
  return c.request(j);
}

inline bool is_event(const json& j, const std::string& kind = "") {
  return j.value("type", "") == "event" && (kind.empty() || j.value("kind", "") == kind);
}

inline std::optional<json> next_event(WsClient& c, const std::string& kind, std::chrono::milliseconds t = 5s) {
  return c.recv_until([&](const json& j) { return is_event(j, kind); }, t);
}

inline std::optional<json> next_of_type(WsClient& c, const std::string& type, std::chrono::milliseconds t = 5s) {
  return c.recv_until([&](const json& j) { return j.value("type", "") == type; }, t);
}

// Drains frames that are already on their way (bounded, short).
inline void drain(WsClient& c) {
  while (c.recv(200ms)) {
  }
}

}  // namespace yst::test
