#include <string>

#include "session/EventData.hpp"
#include "session/minutes/Renderers.hpp"

namespace yst::minutes {

namespace {

json actor_json(const std::optional<Actor>& by) { return by ? to_json(*by) : json(nullptr); }

json approval_json(const Approval& a) {
  return json{{"status", a.status()},
              {"submitted_at", to_json_time(a.submitted_ms)},
              {"approved_at", to_json_time(a.approved_ms)},
              {"approved_by", actor_json(a.approved_by)},
              {"head", a.head.empty() ? json(nullptr) : json(a.head)}};
}

// Schema yishiting.minutes/1 (docs/minutes.schema.json): the events as on the wire plus their
// hashes, so the record can be verified without the server, and what they add up to.
json minutes_json(const MinutesInput& in, const Model& m) {
  const SessionInfo& info = in.info;
  json session{{"id", info.id},
               {"title", info.title},
               {"topic", info.topic},
               {"stream_url", info.stream_url},
               {"venue", to_json_nonempty(info.venue)},
               {"form", to_json_nonempty(info.form)},
               {"episode", info.episode > 0 ? json(info.episode) : json(nullptr)},
               {"scheduled_at", info.scheduled_at.empty() ? json(nullptr) : json(info.scheduled_at)},
               {"started_at", to_json_time(m.started_ms)},
               {"ended_at", to_json_time(m.ended_ms)},
               {"status", m.status()},
               {"timecode_origin", to_json_time(m.timecode_origin_ms)},
               {"on_air", m.on_air},
               {"settings", info.settings.to_json()}};

  json participants = json::array();
  for (const auto& p : in.participants)
    participants.push_back(
        json{{"id", p.id}, {"name", p.name}, {"role", to_string(p.role)}, {"affiliation", p.affiliation}});

  json events = json::array();
  for (const Event* e : m.events) {
    json j = to_wire_json(*e);
    j.erase("type");
    j["hash"] = e->hash;
    events.push_back(std::move(j));
  }

  json questions = json::array();
  for (const auto& q : m.questions) {
    json answers = json::array();
    for (const Event* a : q.answers)
      answers.push_back(json{{"seq", a->seq}, {"by", actor_json(a->by)}, {"text", str_field(a->data, "text")}});
    questions.push_back(json{{"question", q.id},
                             {"text", q.text},
                             {"name", q.name},
                             {"status", q.status},
                             {"flagged", q.flagged},
                             {"upvotes", q.upvotes},
                             {"merged_into", to_json_nonempty(q.merged_into)},
                             {"answers", std::move(answers)}});
  }

  json points = json::array();
  for (const auto& p : m.points)
    points.push_back(json{{"point", p.id},
                          {"text", p.text},
                          {"status", p.closed ? "closed" : "open"},
                          {"outcome", p.closed ? json(p.outcome) : json(nullptr)},
                          {"tally", p.closed ? p.tally : json(nullptr)}});

  json speakers = json::array();
  for (const auto& s : m.speakers)
    speakers.push_back(json{{"participant", s.participant},
                            {"name", s.name},
                            {"role", to_string(s.role)},
                            {"turns", s.turns},
                            {"spoken_ms", s.spoken_ms},
                            {"overruns", s.overruns}});

  json commitments = json::array();
  const std::string today = local_date(in.generated_ms);
  for (const auto& c : m.commitments) commitments.push_back(Session::commitment_json(c, today));

  json notes = json::array();
  for (const Event* n : m.notes)
    notes.push_back(json{{"seq", n->seq},
                         {"at", format_time_ms(n->at_ms)},
                         {"by", actor_json(n->by)},
                         {"text", str_field(n->data, "text")}});

  return json{{"schema", "yishiting.minutes/1"},
              {"generated_at", format_time_ms(in.generated_ms)},
              {"edition", in.edition == MinutesEdition::full ? "full" : "public"},
              {"session", std::move(session)},
              {"participants", std::move(participants)},
              {"peak_audience", in.peak_audience},
              {"events", std::move(events)},
              {"questions", std::move(questions)},
              {"points", std::move(points)},
              {"notes", std::move(notes)},
              {"commitments", std::move(commitments)},
              {"digest", json{{"statements", m.statements},
                              {"questions", m.questions.size()},
                              {"answered", m.answered()},
                              {"points", m.points.size()},
                              {"adopted", m.adopted()},
                              {"notes", m.notes.size()}}},
              {"approval", approval_json(m.approval)},
              {"speakers", std::move(speakers)},
              {"chain", json{{"head", m.chain.head},
                             {"events", m.chain.events},
                             {"ok", m.chain.ok},
                             {"first_bad_seq", m.chain.first_bad_seq ? json(*m.chain.first_bad_seq) : json(nullptr)}}}};
}

}  // namespace

std::string render_json(const MinutesInput& in, const Model& m) {
  return minutes_json(in, m).dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace yst::minutes
