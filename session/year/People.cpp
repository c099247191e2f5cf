#include "session/year/People.hpp"

#include <set>

#include "session/EventData.hpp"
#include "session/minutes/Escape.hpp"
#include "session/Text.hpp"
#include "session/minutes/Model.hpp"

namespace yst {

using minutes::csv_field;

namespace {
constexpr size_t kMaxAffiliationChars = 100;
constexpr size_t kMaxSectorChars = 50;

bool valid_text(const json& v, size_t min_chars, size_t max_chars) {
  if (!v.is_string()) return false;
  const auto& s = v.get_ref<const std::string&>();
  const size_t n = utf8_length(s);
  return n >= min_chars && n <= max_chars && !has_forbidden_control(s);
}
}  // namespace

std::optional<std::string> apply_person_fields(const json& body, Person& p, bool creating) {
  for (const auto& [key, value] : body.items()) {
    if (key == "name") {
      if (!valid_text(value, 1, kMaxNameChars)) return "name must be 1-" + std::to_string(kMaxNameChars) + " characters";
      p.name = value.get<std::string>();
    } else if (key == "kind") {
      const auto role = value.is_string() ? role_from_string(value.get<std::string>()) : std::nullopt;
      if (!role || !is_staff(*role)) return "kind must be member, department, host or clerk";
      p.kind = value.get<std::string>();
    } else if (key == "affiliation" || key == "sector") {
      const size_t max = key == "affiliation" ? kMaxAffiliationChars : kMaxSectorChars;
      std::string& out = key == "affiliation" ? p.affiliation : p.sector;
      if (value.is_null()) {
        out.clear();
        continue;
      }
      if (!valid_text(value, 0, max)) return key + " must be at most " + std::to_string(max) + " characters";
      out = value.get<std::string>();
    } else {
      return "unknown field: " + key;
    }
  }
  if (creating && p.name.empty()) return "missing field: name";
  if (creating && p.kind.empty()) return "missing field: kind";
  return std::nullopt;
}

json person_json(const Person& p) {
  return json{{"id", p.id}, {"name", p.name}, {"kind", p.kind}, {"affiliation", p.affiliation}, {"sector", p.sector}};
}

RecordRow record_row(const MinutesInput& in, const Participant& participant, bool attended) {
  RecordRow row;
  row.session = in.info.id;
  row.title = in.info.title;
  row.role = participant.role;
  row.attended = attended;
  const std::string& me = participant.id;
  const minutes::Model m = minutes::build_model(in);
  row.started_ms = m.started_ms;
  std::set<std::string> answered;
  std::set<std::string> mine;  // points they proposed
  for (const Event* e : m.events) {
    if (!e->by || e->by->participant != me) continue;
    if (e->kind == "statement") {
      ++row.statements;
      if (const std::string q = str_field(e->data, "reply_to"); !q.empty()) answered.insert(q);
    } else if (e->kind == "point.proposed") {
      mine.insert(str_field(e->data, "point"));
    }
  }
  row.questions_answered = static_cast<int64_t>(answered.size());
  for (const auto& p : m.points)
    if (mine.count(p.id)) {
      ++row.points_proposed;
      if (p.closed && p.outcome == "adopted") ++row.points_adopted;
    }
  std::set<std::string> voted;
  for (const auto& v : in.votes)
    if (v.voter == me) voted.insert(v.point);
  row.votes = static_cast<int64_t>(voted.size());
  for (const auto& s : m.speakers)
    if (s.participant == me) row.floor_seconds += s.spoken_ms / 1000;
  for (const auto& c : m.commitments)
    if (c.department == me) {
      ++row.commitments_made;
      if (c.status == "done") ++row.commitments_done;
    }
  return row;
}

namespace {
constexpr std::pair<const char*, int64_t RecordRow::*> kNumbers[] = {
    {"statements", &RecordRow::statements},
    {"questions_answered", &RecordRow::questions_answered},
    {"points_proposed", &RecordRow::points_proposed},
    {"points_adopted", &RecordRow::points_adopted},
    {"votes", &RecordRow::votes},
    {"floor_seconds", &RecordRow::floor_seconds},
    {"commitments_made", &RecordRow::commitments_made},
    {"commitments_done", &RecordRow::commitments_done},
};

json totals_json(const std::vector<RecordRow>& rows) {
  json t{{"sessions", rows.size()}};
  int64_t attended = 0;
  for (const auto& r : rows) attended += r.attended;
  t["attended"] = attended;
  for (const auto& [name, field] : kNumbers) {
    int64_t sum = 0;
    for (const auto& r : rows) sum += r.*field;
    t[name] = sum;
  }
  return t;
}

}  // namespace

json record_json(const Person& person, const std::vector<RecordRow>& rows) {
  json sessions = json::array();
  for (const auto& r : rows) {
    json j{{"session", r.session},
           {"title", r.title},
           {"started_at", to_json_time(r.started_ms)},
           {"role", to_string(r.role)},
           {"attended", r.attended}};
    for (const auto& [name, field] : kNumbers) j[name] = r.*field;
    sessions.push_back(std::move(j));
  }
  return json{{"person", person_json(person)}, {"sessions", std::move(sessions)}, {"totals", totals_json(rows)}};
}

std::string records_csv(const std::vector<std::pair<Person, std::vector<RecordRow>>>& records) {
  std::string out = "\xEF\xBB\xBF" "id,name,kind,affiliation,sector,sessions,attended";
  for (const auto& [name, field] : kNumbers) out += std::string(",") + name;
  out += "\r\n";
  for (const auto& [person, rows] : records) {
    const json t = totals_json(rows);
    out += csv_field(person.id) + "," + csv_field(person.name) + "," + person.kind + "," + csv_field(person.affiliation) +
           "," + csv_field(person.sector) + "," + std::to_string(t["sessions"].get<int64_t>()) + "," +
           std::to_string(t["attended"].get<int64_t>());
    for (const auto& [name, field] : kNumbers) out += "," + std::to_string(t[name].get<int64_t>());
    out += "\r\n";
  }
  return out;
}

}  // namespace yst
