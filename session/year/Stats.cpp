#include "session/year/Stats.hpp"

#include <map>
#include <set>

#include "session/EventData.hpp"
#include "session/minutes/Escape.hpp"
#include "session/Session.hpp"

namespace yst {

using minutes::csv_field;

StatsRow stats_row(const MinutesInput& in, const std::string& form, const std::string& venue, const std::string& today) {
  StatsRow row;
  row.id = in.info.id;
  row.title = in.info.title;
  row.form = form;
  row.venue = venue;
  row.peak_audience = in.peak_audience;
  Session state(in.info);
  std::set<std::string> staff, active, replied;
  for (const auto& p : in.participants) staff.insert(p.id);
  for (const auto& e : in.events) {
    state.apply(e);
    if (e.kind == "statement") {
      ++row.statements;
      if (const std::string q = str_field(e.data, "reply_to"); !q.empty()) replied.insert(q);
    } else if (e.kind == "question.asked" && e.by && e.by->role == Role::audience) {
      active.insert(e.by->participant);
    }
  }
  for (const auto& u : in.upvotes) {
    state.apply(u);
    ++row.upvotes;
    if (!staff.count(u.voter)) active.insert(u.voter);
  }
  for (const auto& v : in.votes)
    if (v.role == Role::audience) active.insert(v.voter);
  row.audience_active = static_cast<int64_t>(active.size());
  row.started_ms = state.started_ms();
  row.ended_ms = state.ended_ms();
  for (const auto& q : state.questions()) {
    ++row.questions_asked;
    if (q.made_public) ++row.questions_public;
    if (q.status == QuestionStatus::answered || replied.count(q.id)) ++row.questions_answered;
  }
  for (const auto& p : state.points()) {
    ++row.points_proposed;
    if (!p.open && p.outcome == "adopted") ++row.points_adopted;
  }
  for (const auto& c : state.commitments()) {
    ++row.commitments_made;
    if (c.status == "done") ++row.commitments_done;
    if (c.overdue(today)) ++row.commitments_overdue;
  }
  return row;
}

namespace {

// The numeric columns, in the contract's order, so the JSON, the sums and the CSV agree.
constexpr std::pair<const char*, int64_t StatsRow::*> kNumbers[] = {
    {"peak_audience", &StatsRow::peak_audience},
    {"audience_active", &StatsRow::audience_active},
    {"questions_asked", &StatsRow::questions_asked},
    {"questions_public", &StatsRow::questions_public},
    {"questions_answered", &StatsRow::questions_answered},
    {"upvotes", &StatsRow::upvotes},
    {"statements", &StatsRow::statements},
    {"points_proposed", &StatsRow::points_proposed},
    {"points_adopted", &StatsRow::points_adopted},
    {"commitments_made", &StatsRow::commitments_made},
    {"commitments_done", &StatsRow::commitments_done},
    {"commitments_overdue", &StatsRow::commitments_overdue},
};

double rate(int64_t part, int64_t whole) { return whole > 0 ? static_cast<double>(part) / static_cast<double>(whole) : 0.0; }


}  // namespace

json stats_row_json(const StatsRow& row) {
  json j{{"id", row.id},
         {"title", row.title},
         {"form", to_json_nonempty(row.form)},
         {"venue", to_json_nonempty(row.venue)},
         {"started_at", to_json_time(row.started_ms)},
         {"ended_at", to_json_time(row.ended_ms)}};
  for (const auto& [name, field] : kNumbers) j[name] = row.*field;
  return j;
}

json stats_totals(const std::vector<const StatsRow*>& rows) {
  json j{{"sessions", rows.size()}};
  StatsRow sum;
  for (const StatsRow* r : rows)
    for (const auto& [name, field] : kNumbers) sum.*field += r->*field;
  for (const auto& [name, field] : kNumbers) j[name] = sum.*field;
  j["answer_rate"] = rate(sum.questions_answered, sum.questions_public);
  j["adoption_rate"] = rate(sum.points_adopted, sum.points_proposed);
  j["completion_rate"] = rate(sum.commitments_done, sum.commitments_made);
  return j;
}

json stats_json(const std::vector<StatsRow>& rows) {
  json sessions = json::array();
  std::vector<const StatsRow*> all;
  std::map<std::string, std::vector<const StatsRow*>> by_form, by_venue;
  for (const auto& r : rows) {
    sessions.push_back(stats_row_json(r));
    all.push_back(&r);
    by_form[r.form.empty() ? "none" : r.form].push_back(&r);
    by_venue[r.venue.empty() ? "none" : r.venue].push_back(&r);
  }
  json forms = json::object(), venues = json::object();
  for (const auto& [form, list] : by_form) forms[form] = stats_totals(list);
  for (const auto& [venue, list] : by_venue) venues[venue] = stats_totals(list);
  return json{{"sessions", std::move(sessions)},
              {"totals", stats_totals(all)},
              {"by_form", std::move(forms)},
              {"by_venue", std::move(venues)}};
}

std::string stats_csv(const std::vector<StatsRow>& rows) {
  std::string out = "\xEF\xBB\xBF" "id,title,form,venue,started_at,ended_at";
  for (const auto& [name, field] : kNumbers) out += std::string(",") + name;
  out += "\r\n";
  for (const auto& r : rows) {
    out += csv_field(r.id) + "," + csv_field(r.title) + "," + csv_field(r.form) + "," + csv_field(r.venue) + "," +
           (r.started_ms ? format_time_ms(*r.started_ms) : "") + "," + (r.ended_ms ? format_time_ms(*r.ended_ms) : "");
    for (const auto& [name, field] : kNumbers) out += "," + std::to_string(r.*field);
    out += "\r\n";
  }
  return out;
}

}  // namespace yst
