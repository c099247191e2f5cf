#include <algorithm>

#include "session/Session.hpp"
#include "session/EventData.hpp"
#include "session/minutes/Minutes.hpp"

namespace yst {

MinutesInput public_edition(MinutesInput in) {
  std::stable_sort(in.events.begin(), in.events.end(), [](const Event& a, const Event& b) { return a.seq < b.seq; });
  in.chain = verify_chain(in.events);
  in.edition = MinutesEdition::audience;

  // Each event is judged against the state it was applied to, as the room judged it live;
  // whether a question ended hidden is known only once the whole log has replayed.
  Session state(in.info);
  std::vector<Event> seen;
  for (auto& e : in.events) {
    state.apply(e);
    if (state.reach(e).everyone) seen.push_back(std::move(e));
  }
  auto hidden = [&](const std::string& id) {
    const Question* q = state.question(id);
    return q && (q->status == QuestionStatus::pending || q->status == QuestionStatus::rejected);
  };
  std::erase_if(seen, [&](const Event& e) {
    return e.kind.starts_with("question.") && hidden(str_field(e.data, "question"));
  });
  // What answers or takes up a hidden question stays, without naming it.
  for (auto& e : seen) {
    if (!e.data.is_object()) continue;
    if (hidden(str_field(e.data, "reply_to"))) e.data.erase("reply_to");
    if (e.kind == "commitment.made" && hidden(str_field(e.data, "question"))) e.data["question"] = nullptr;
  }
  in.events = std::move(seen);
  return in;
}

}  // namespace yst
