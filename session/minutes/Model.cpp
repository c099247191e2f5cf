#include "session/minutes/Model.hpp"

#include <algorithm>

#include "session/Session.hpp"
#include "session/EventData.hpp"
#include "session/minutes/Time.hpp"

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

std::optional<std::string> Model::timecode_of(int64_t at_ms) const {
  if (!timecode_origin_ms || at_ms < *timecode_origin_ms) return std::nullopt;
  return timecode(at_ms - *timecode_origin_ms);
}

// The events go through Session::apply, the same rules as the live session; the
// minutes keep besides what the state does not: each question's answers, the notes, and
// each speaker's time at the microphone.
Model build_model(const MinutesInput& in) {
  Model m;
  m.chain = in.chain ? *in.chain : verify_chain(in.events);
  for (const auto& p : in.participants) m.participants.emplace(p.id, &p);
  m.events.reserve(in.events.size());
  for (const auto& e : in.events) m.events.push_back(&e);
  std::stable_sort(m.events.begin(), m.events.end(), [](const Event* a, const Event* b) { return a->seq < b->seq; });

  Session state(in.info);
  std::map<std::string, std::vector<const Event*>> answers;
  std::optional<std::pair<size_t, int64_t>> turn;  // the speaker holding the floor, since when
  auto end_turn = [&](int64_t at_ms) {
    if (turn) m.speakers[turn->first].spoken_ms += std::max<int64_t>(0, at_ms - turn->second);
    turn.reset();
  };
  for (const Event* e : m.events) {
    state.apply(*e);
    const auto kind = event_kind_from_string(e->kind);
    if (kind == EventKind::floor_granted) {
      end_turn(e->at_ms);
      const std::string who = str_field(e->data, "participant");
      auto it = std::find_if(m.speakers.begin(), m.speakers.end(), [&](const SpeakerRec& s) { return s.participant == who; });
      if (it == m.speakers.end())
        it = m.speakers.insert(m.speakers.end(),
                               SpeakerRec{who, str_field(e->data, "name"),
                                          role_from_string(str_field(e->data, "role")).value_or(Role::member)});
      ++it->turns;
      turn = {static_cast<size_t>(it - m.speakers.begin()), e->at_ms};
    } else if (kind == EventKind::floor_released || kind == EventKind::session_ended) {
      end_turn(e->at_ms);
    } else if (kind == EventKind::floor_overrun && turn) {
      ++m.speakers[turn->first].overruns;
    }
    if (e->kind == to_string(EventKind::statement)) {
      ++m.statements;
      if (const auto reply_to = str_field(e->data, "reply_to"); state.question(reply_to)) answers[reply_to].push_back(e);
    } else if (e->kind == to_string(EventKind::note)) {
      m.notes.push_back(e);
    }
  }
  for (const auto& u : in.upvotes) state.apply(u);
  for (const auto& v : in.votes) {
    state.apply(v);
    m.active.insert(v.voter);
  }
  for (const Event* e : m.events)
    if (e->by) m.active.insert(e->by->participant);
  m.commitments = state.commitments();
  m.case_text = state.case_text();
  m.started_ms = state.started_ms();
  m.ended_ms = state.ended_ms();
  m.approval = state.approval();
  m.timecode_origin_ms = state.timecode_origin_ms();
  m.on_air = state.on_air_ms().has_value();
  for (Role r : in.info.settings.counted_roles)
    if (r != Role::audience) m.counted_roles.push_back(r);
  end_turn(in.generated_ms);  // still speaking when the minutes were made
  for (const auto& q : state.questions()) {
    m.question_index[q.id] = m.questions.size();
    m.questions.push_back(QuestionRec{.id = q.id,
                                      .text = q.text,
                                      .name = q.name,
                                      .status = std::string(to_string(q.status)),
                                      .flagged = q.flagged,
                                      .answers = std::move(answers[q.id]),
                                      .asker = q.asker,
                                      .made_public = q.made_public,
                                      .upvotes = q.upvotes(),
                                      .merged_into = q.merged_into});
  }
  for (const auto& p : state.points()) m.points.push_back(PointRec{p.id, p.text, !p.open, p.outcome, p.closed_tally});
  return m;
}

}  // namespace yst::minutes
