#pragma once
// The minutes' input read from what storage holds, for `yishiting export` and for HTTP
// alike: the minutes must agree with the stored events, not with a memory copy.
#include <cstdint>
#include <optional>
#include <string>

#include "session/minutes/Minutes.hpp"
#include "storage/SqliteStore.hpp"

namespace yst {

// Nothing when storage has no such session. `now_ms` becomes the minutes' generation time.
std::optional<MinutesInput> load_minutes(Store& db, const std::string& session_id, int64_t now_ms);

}  // namespace yst
