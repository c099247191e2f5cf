#include "session/minutes/Model.hpp"

#include <algorithm>

#include "session/Session.hpp"
#include "session/EventData.hpp"

namespace yst::minutes {

std::string Model::status() const { return ended_ms ? "ended" : started_ms ? "live" : "scheduled"; }

int Model::answered() const {
  return static_cast<int>(std::count_if(questions.begin(), questions.end(),
                                        [](const QuestionRec& q) { return q.status == "answered"; }));
}

int Model::adopted() const {
  return static_cast<int>(std::count_if(points.begin(), points.end(),
                                        [](const PointRec& p) { return p.closed && p.outcome == "adopted"; }));
}

const QuestionRec* Model::question(const std::string& id) const {
  auto it = question_index.find(id);
  return it == question_index.end() ? nullptr : &questions[it->second];
}

// The events go through Session::apply, the same rules as the live session; the
// minutes keep besides what the state does not: each question's answers and the notes.
Model build_model(const MinutesInput& in) {
  Model m;
  m.chain = in.chain ? *in.chain : verify_chain(in.events);
  for (const auto& p : in.participants) m.participants.emplace(p.id, &p);
  m.events.reserve(in.events.size());
  for (const auto& e : in.events) m.events.push_back(&e);
  std::stable_sort(m.events.begin(), m.events.end(), [](const Event* a, const Event* b) { return a->seq < b->seq; });

  Session state(in.info);
  std::map<std::string, std::vector<const Event*>> answers;
  for (const Event* e : m.events) {
    state.apply(*e);
    if (e->kind == to_string(EventKind::statement)) {
      ++m.statements;
      if (const auto reply_to = str_field(e->data, "reply_to"); state.question(reply_to)) answers[reply_to].push_back(e);
    } else if (e->kind == to_string(EventKind::note)) {
      m.notes.push_back(e);
    }
  }
  m.started_ms = state.started_ms();
  m.ended_ms = state.ended_ms();
  m.approval = state.approval();
  for (const auto& q : state.questions()) {
    m.question_index[q.id] = m.questions.size();
    auto& rec = m.questions.emplace_back(
        QuestionRec{q.id, q.text, q.name, std::string(to_string(q.status)), q.flagged, false, std::move(answers[q.id])});
    rec.replied = !rec.answers.empty();
  }
  for (const auto& p : state.points()) m.points.push_back(PointRec{p.id, p.text, !p.open, p.outcome, p.closed_tally});
  return m;
}

}  // namespace yst::minutes
