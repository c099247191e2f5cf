#pragma once
// Committed Changes as JSON, for the nodes of a cluster: the owner sends what it
// committed, every other node applies exactly that (events with their hashes, upvotes and
// votes with their voters), so a phone joining any node gets the same snapshot.
#include <optional>
#include <vector>

#include "session/Session.hpp"

namespace yst {

json changes_to_json(const std::vector<Changes>& batch);
// Throws std::exception (json or std::invalid_argument) on a malformed batch.
std::vector<Changes> changes_from_json(const json& j);

json event_to_json(const Event& e);  // the wire form with the hash
Event event_from_json(const json& j);

}  // namespace yst
