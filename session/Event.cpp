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

ChainCheck verify_chain(const std::vector<Event>& events) {
  ChainCheck c;
  c.events = static_cast<int64_t>(events.size());
  if (!events.empty()) c.head = events.back().hash;
  std::string prev;
  int64_t prev_seq = 0;
  for (const auto& e : events) {
    bool good = e.seq == prev_seq + 1;
    if (good) {
      try {
        good = chain_hash(prev, e) == e.hash;
      } catch (const json::exception&) {
        good = false;  // data that cannot be put in canonical form (invalid UTF-8) was not what was hashed
      }
    }
    if (!good) {
      c.ok = false;
      c.first_bad_seq = e.seq;
      break;
    }
    prev = e.hash;
    prev_seq = e.seq;
  }
  return c;
}

}  // namespace yst
