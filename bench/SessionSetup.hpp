#pragma once
// The yishiting session every scenario but raw works in, made over the HTTP API.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "Options.hpp"

namespace ystbench {

using json = nlohmann::json;

struct SessionSetup {
  std::string id;
  std::string host_token;
  std::string member_token;
};

// A request to the server under test whose answer must have `want_status` and a JSON
// body; throws otherwise. `body` null: no body.
json http_json(const Options& o, const std::string& method, const std::string& target, const json& body,
               int want_status, const std::string& bearer);

// A session with no pre-moderation and no ask interval, and one member.
SessionSetup create_session(const Options& o);

// The join frame of audience connection `i` (its client_id is unique per session and i).
std::string audience_join(const SessionSetup& s, size_t i, std::optional<int64_t> after = std::nullopt,
                          bool batch = false);

}  // namespace ystbench
