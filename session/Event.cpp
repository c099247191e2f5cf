#include "session/Event.hpp"

#include "session/Sha256.hpp"
#include "session/Vocabulary.hpp"

namespace yst {

bool staff_only(std::string_view kind) {
  auto k = event_kind_from_string(kind);
  // A kind this release does not know is kept from the audience, to be safe.
  return !k || info(*k).visible != Visibility::everyone;
}

json to_wire_json(const Event& e) {
  return json{{"type", "event"},
              {"seq", e.seq},
              {"at", format_time_ms(e.at_ms)},
              {"kind", e.kind},
              {"by", e.by ? to_json(*e.by) : json(nullptr)},
              {"data", e.data}};
}

std::string canonical_form(const Event& e) {
  json j = to_wire_json(e);
  j.erase("type");
  return j.dump(-1, ' ', false, json::error_handler_t::strict);
}

std::string chain_hash(std::string_view prev_hash, const Event& e) {
  std::string input;
  input.reserve(prev_hash.size() + 512);
  input.append(prev_hash);
  input.push_back('\n');
  input.append(canonical_form(e));
  return sha256_hex(input);
}

}  // namespace yst
