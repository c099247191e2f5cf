#pragma once
// Reply frames of the WebSocket protocol.
#include <string>

#include "session/Types.hpp"

namespace yst {

// {"type":"ack","id":..., ...extra}
std::string ack_frame(const json& id, const json& extra = json::object());
// {"type":"error","id":...,"code":...,"message":..., ...extra}
std::string error_frame(const json& id, ErrorCode code, const std::string& message,
                        const json& extra = json::object());

}  // namespace yst
