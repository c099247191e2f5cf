#include "server/Wire.hpp"

namespace yst {

std::string ack_frame(const json& id, const json& extra) {
  json j{{"type", "ack"}, {"id", id}};
  for (const auto& [k, v] : extra.items()) j[k] = v;
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string error_frame(const json& id, ErrorCode code, const std::string& message, const json& extra) {
  json j{{"type", "error"}, {"id", id}, {"code", to_string(code)}, {"message", message}};
  for (const auto& [k, v] : extra.items()) j[k] = v;
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace yst
