#include "storage/MinutesLoader.hpp"

namespace yst {

std::optional<MinutesInput> load_minutes(Store& db, const std::string& session_id, int64_t now_ms) {
  MinutesInput in;
  bool found = false;
  for (auto& s : db.sessions())
    if (s.id == session_id) {
      in.info = std::move(s);
      found = true;
    }
  if (!found) return std::nullopt;
  for (auto& sp : db.participants(session_id)) in.participants.push_back(std::move(sp.participant));
  in.events = db.events(session_id);
  in.upvotes = db.upvotes(session_id);
  in.votes = db.votes(session_id);
  in.peak_audience = db.peak_audience(session_id);
  if (!in.info.plan_item.empty())
    for (auto& item : db.plan_items())
      if (item.id == in.info.plan_item) in.plan_item = std::move(item);
  in.generated_ms = now_ms;
  return in;
}

}  // namespace yst
