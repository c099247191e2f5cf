#include "session/Session.hpp"

#include "session/Sha256.hpp"
#include "session/WordFilter.hpp"

namespace yst {

Session::Session(SessionInfo info) : info_(std::move(info)) {}

void Session::add_participant(Participant p) {
  if (participant_index_.count(p.id)) return;
  participant_index_[p.id] = participants_.size();
  participants_.push_back(std::move(p));
}

const Participant* Session::participant(const std::string& id) const {
  auto it = participant_index_.find(id);
  return it == participant_index_.end() ? nullptr : &participants_[it->second];
}

const Question* Session::question(const std::string& id) const {
  auto it = question_index_.find(id);
  return it == question_index_.end() ? nullptr : &questions_[it->second];
}
Question* Session::find_question(const std::string& id) { return const_cast<Question*>(question(id)); }

const Point* Session::point(const std::string& id) const {
  auto it = point_index_.find(id);
  return it == point_index_.end() ? nullptr : &points_[it->second];
}
Point* Session::find_point(const std::string& id) { return const_cast<Point*>(point(id)); }

std::string Session::audience_participant_id(const std::string& session_id, const std::string& client_id) {
  return "a_" + sha256_hex(session_id + "\n" + client_id).substr(0, 20);
}

Event Session::make_event(int64_t now_ms, EventKind kind, const Caller* by, json data) {
  Event e;
  e.seq = last_seq_ + 1;
  e.at_ms = now_ms;
  e.kind = std::string(to_string(kind));
  if (by) e.by = Actor{by->participant, by->role, by->name};
  e.data = std::move(data);
  e.hash = chain_hash(last_hash_, e);
  apply(e);  // so that the next event of the same decision chains and numbers after it
  return e;
}

namespace {
std::string str_field(const json& d, const char* key) {
  if (!d.is_object()) return {};
  auto it = d.find(key);
  return it != d.end() && it->is_string() ? it->get<std::string>() : std::string();
}
bool bool_field(const json& d, const char* key) {
  if (!d.is_object()) return false;
  auto it = d.find(key);
  return it != d.end() && it->is_boolean() && it->get<bool>();
}
}  // namespace

void Session::apply(const Event& e) {
  last_seq_ = e.seq;
  last_hash_ = e.hash;
  const auto kind = event_kind_from_string(e.kind);
  if (!kind) return;
  const json& d = e.data;
  switch (*kind) {
    case EventKind::session_started:
      status_ = Status::live;
      if (!started_ms_) started_ms_ = e.at_ms;
      break;
    case EventKind::session_ended:
      status_ = Status::ended;
      ended_ms_ = e.at_ms;
      // Nobody holds the floor or is being answered once the programme is over (sessions
      // stored before `end` released them say so only here).
      floor_.reset();
      featured_.reset();
      break;
    case EventKind::question_asked:
    case EventKind::question_approved:
    case EventKind::question_rejected:
    case EventKind::question_featured:
    case EventKind::question_answered:
      apply_question(*kind, e);
      break;
    case EventKind::floor_granted:
      floor_ = Actor{str_field(d, "participant"), role_from_string(str_field(d, "role")).value_or(Role::member),
                     str_field(d, "name")};
      break;
    case EventKind::floor_released:
      floor_.reset();
      break;
    case EventKind::point_proposed: {
      const std::string id = str_field(d, "point");
      if (point_index_.count(id)) break;
      point_index_[id] = points_.size();
      points_.push_back(Point{.id = id, .text = str_field(d, "text")});
      break;
    }
    case EventKind::point_closed:
      if (Point* p = find_point(str_field(d, "point"))) {
        p->open = false;
        p->outcome = str_field(d, "outcome");
        p->closed_tally = d.is_object() && d.contains("tally") ? d["tally"] : json(nullptr);
      }
      break;
    case EventKind::statement:
    case EventKind::note:
      break;  // part of the record, not of the state
  }
}

void Session::apply_question(EventKind kind, const Event& e) {
  const json& d = e.data;
  const std::string id = str_field(d, "question");
  Question* q = find_question(id);
  // A replay of what the audience saw starts at question.approved, which says enough to
  // know the question.
  if (!q && (kind == EventKind::question_asked || kind == EventKind::question_approved)) {
    question_index_[id] = questions_.size();
    q = &questions_.emplace_back();
    q->id = id;
  }
  if (!q) return;
  switch (kind) {
    case EventKind::question_asked:
      q->text = str_field(d, "text");
      q->name = str_field(d, "name");
      q->asker = e.by ? e.by->participant : std::string();
      q->flagged = bool_field(d, "flagged");
      break;
    case EventKind::question_approved:
      q->status = QuestionStatus::approved;
      q->made_public = true;
      if (q->text.empty()) q->text = str_field(d, "text");
      if (q->name.empty()) q->name = str_field(d, "name");
      break;
    case EventKind::question_rejected:
      q->status = QuestionStatus::rejected;
      if (featured_ == q->id) featured_.reset();
      break;
    case EventKind::question_featured:
      q->status = QuestionStatus::featured;
      featured_ = q->id;
      break;
    case EventKind::question_answered:
      q->status = QuestionStatus::answered;
      break;
    default:
      break;
  }
}

void Session::apply(const Upvote& u) {
  if (Question* q = find_question(u.question)) q->upvoters.insert(u.voter);
}

void Session::apply(const Vote& v) {
  Point* p = find_point(v.point);
  if (!p) return;
  auto [it, inserted] = p->votes.try_emplace(v.voter, v.role, v.choice);
  if (!inserted) {
    p->tally.remove(it->second.first, it->second.second);
    it->second = {v.role, v.choice};
  }
  p->tally.add(v.role, v.choice);
}

void Session::apply(const Changes& c) {
  for (const auto& e : c.events) apply(e);
  for (const auto& u : c.upvotes) apply(u);
  for (const auto& v : c.votes) apply(v);
}

json Session::question_json(const Question& q) const {
  return json{{"question", q.id},     {"text", q.text},       {"name", q.name},
              {"status", to_string(q.status)}, {"flagged", q.flagged}, {"upvotes", q.upvotes()}};
}

json Session::point_json(const Point& p) const {
  return json{{"point", p.id},
              {"text", p.text},
              {"status", p.open ? "open" : "closed"},
              {"outcome", p.open ? json(nullptr) : json(p.outcome)},
              {"tally", p.tally.to_json(info_.settings)}};
}

json Session::snapshot(Role viewer) const {
  json questions = json::array();
  for (const auto& q : questions_) {
    if (!is_staff(viewer) && (!q.made_public || q.status == QuestionStatus::rejected)) continue;
    questions.push_back(question_json(q));
  }
  json points = json::array();
  for (const auto& p : points_) points.push_back(point_json(p));
  auto opt_time = [](const std::optional<int64_t>& t) { return t ? json(format_time_ms(*t)) : json(nullptr); };
  return json{{"id", info_.id},
              {"title", info_.title},
              {"topic", info_.topic},
              {"status", to_string(status_)},
              {"stream_url", info_.stream_url},
              {"settings", info_.settings.to_json()},
              {"scheduled_at", info_.scheduled_at.empty() ? json(nullptr) : json(info_.scheduled_at)},
              {"started_at", opt_time(started_ms_)},
              {"ended_at", opt_time(ended_ms_)},
              {"featured", featured_ ? json(*featured_) : json(nullptr)},
              {"floor", floor_ ? to_json(*floor_) : json(nullptr)},
              {"questions", std::move(questions)},
              {"points", std::move(points)}};
}

json Session::participants_json() const {
  json out = json::array();
  for (const auto& p : participants_)
    out.push_back(json{{"id", p.id}, {"name", p.name}, {"role", to_string(p.role)}, {"affiliation", p.affiliation}});
  return out;
}

}  // namespace yst
