#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "session/Types.hpp"

namespace yst {

// One stored change of a session. Everything that changes a session is an event
// (upvotes and votes are stored apart and reported as live figures).
struct Event {
  int64_t seq = 0;
  int64_t at_ms = 0;
  std::string kind;
  std::optional<Actor> by;
  json data = json::object();
  std::string hash;  // hex SHA-256 over the previous hash and this event's canonical form
};

// Which roles may see an event of this kind (the contract's "visible to" column).
bool staff_only(std::string_view kind);
inline bool visible_to(const Event& e, Role r) { return is_staff(r) || !staff_only(e.kind); }

// The wire form: {"type":"event","seq":..,"at":..,"kind":..,"by":..,"data":..}.
json to_wire_json(const Event& e);

// The hash chain. The canonical form is the wire form without `type`, dumped with
// nlohmann's sorted keys, so it depends only on what the event says.
std::string canonical_form(const Event& e);
std::string chain_hash(std::string_view prev_hash, const Event& e);

// The hash chain recomputed from the first event.
struct ChainCheck {
  bool ok = true;
  int64_t events = 0;
  std::string head;                       // the last event's hash ("" when there are none)
  std::optional<int64_t> first_bad_seq;
};
ChainCheck verify_chain(const std::vector<Event>& events);

}  // namespace yst
