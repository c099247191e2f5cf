#include "session/minutes/Model.hpp"

#include <algorithm>

#include "session/minutes/EventData.hpp"

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

QuestionRec* Model::question(const std::string& id) {
  auto it = question_index.find(id);
  return it == question_index.end() ? nullptr : &questions[it->second];
}

const QuestionRec* Model::question(const std::string& id) const { return const_cast<Model*>(this)->question(id); }

QuestionRec& Model::question_or_add(const std::string& id) {
  if (auto* q = question(id)) return *q;
  question_index[id] = questions.size();
  questions.push_back(QuestionRec{});
  questions.back().id = id;
  return questions.back();
}

Model build_model(const MinutesInput& in) {
  Model m;
  m.chain = verify_chain(in.events);
  for (const auto& p : in.participants) m.participants.emplace(p.id, &p);
  m.events.reserve(in.events.size());
  for (const auto& e : in.events) m.events.push_back(&e);
  std::stable_sort(m.events.begin(), m.events.end(), [](const Event* a, const Event* b) { return a->seq < b->seq; });

  for (const Event* e : m.events) {
    const json& d = e->data;
    const std::string& k = e->kind;
    if (k == "session.started") {
      if (!m.started_ms) m.started_ms = e->at_ms;
    } else if (k == "session.ended") {
      m.ended_ms = e->at_ms;
    } else if (k == "statement") {
      ++m.statements;
      if (auto* q = m.question(str_field(d, "reply_to"))) {
        q->answers.push_back(e);
        q->replied = true;
      }
    } else if (k == "question.asked") {
      auto& q = m.question_or_add(str_field(d, "question"));
      q.text = str_field(d, "text");
      q.name = str_field(d, "name");
      q.flagged = bool_field(d, "flagged");
    } else if (k.rfind("question.", 0) == 0) {
      const std::string id = str_field(d, "question");
      if (id.empty()) continue;
      auto& q = m.question_or_add(id);
      if (k == "question.approved") {
        q.status = "approved";
        if (q.text.empty()) q.text = str_field(d, "text");
        if (q.name.empty()) q.name = str_field(d, "name");
      } else if (k == "question.rejected") {
        q.status = "rejected";
      } else if (k == "question.featured") {
        q.status = "featured";
      } else if (k == "question.answered") {
        q.status = "answered";
      }
    } else if (k == "point.proposed") {
      const std::string id = str_field(d, "point");
      if (!m.point_index.count(id)) {
        m.point_index[id] = m.points.size();
        m.points.push_back(PointRec{id, str_field(d, "text"), false, {}, nullptr});
      }
    } else if (k == "point.closed") {
      auto it = m.point_index.find(str_field(d, "point"));
      if (it == m.point_index.end()) continue;
      auto& p = m.points[it->second];
      p.closed = true;
      p.outcome = str_field(d, "outcome");
      p.tally = d.is_object() && d.contains("tally") ? d["tally"] : json(nullptr);
    } else if (k == "note") {
      m.notes.push_back(e);
    }
  }
  return m;
}

}  // namespace yst::minutes
