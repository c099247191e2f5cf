#include "session/Session.hpp"

#include <algorithm>
#include <iterator>

#include "session/EventData.hpp"
#include "session/Sha256.hpp"
#include "session/WordFilter.hpp"

namespace yst {

bool Question::upvoted_by(uint32_t voter) const { return std::binary_search(upvoters.begin(), upvoters.end(), voter); }

void Question::add_upvoter(uint32_t voter) {
  auto at = std::lower_bound(upvoters.begin(), upvoters.end(), voter);
  if (at == upvoters.end() || *at != voter) upvoters.insert(at, voter);
}

void Question::add_upvoters(const std::vector<uint32_t>& others) {
  std::vector<uint32_t> both;
  both.reserve(upvoters.size() + others.size());
  std::set_union(upvoters.begin(), upvoters.end(), others.begin(), others.end(), std::back_inserter(both));
  upvoters = std::move(both);
}

uint32_t VoterTable::number(const std::string& participant) {
  return numbers_.try_emplace(participant, static_cast<uint32_t>(numbers_.size())).first->second;
}

std::optional<uint32_t> VoterTable::find(const std::string& participant) const {
  auto it = numbers_.find(participant);
  if (it == numbers_.end()) return std::nullopt;
  return it->second;
}

Session::Session(SessionInfo info) : info_(std::move(info)) {}

void Session::add_participant(Participant p) {
  if (participant_index_.count(p.id)) return;
  participant_index_[p.id] = participants_.size();
  participants_.push_back(std::move(p));
}

void Session::update_participant(const Participant& p) {
  if (auto it = participant_index_.find(p.id); it != participant_index_.end()) participants_[it->second] = p;
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

const Commitment* Session::commitment(const std::string& id) const {
  auto it = commitment_index_.find(id);
  return it == commitment_index_.end() ? nullptr : &commitments_[it->second];
}

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
// Unlike EventData's int_field, absence is not 0 here: a missing `seconds` means no budget.
std::optional<int64_t> optional_int_field(const json& d, const char* key) {
  if (!d.is_object()) return std::nullopt;
  auto it = d.find(key);
  if (it == d.end() || !it->is_number_integer()) return std::nullopt;
  return it->get<int64_t>();
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
      // Nobody holds the floor, waits for it or is being answered once the programme is
      // over (sessions stored before `end` released them say so only here).
      floor_.reset();
      featured_.reset();
      hands_.clear();
      break;
    case EventKind::question_asked:
    case EventKind::question_approved:
    case EventKind::question_rejected:
    case EventKind::question_featured:
    case EventKind::question_answered:
    case EventKind::question_unfeatured:
    case EventKind::question_withdrawn:
    case EventKind::question_merged:
      apply_question(*kind, e);
      break;
    case EventKind::hand_raised:
    case EventKind::hand_lowered:
    case EventKind::floor_granted:
    case EventKind::floor_overrun:
    case EventKind::floor_released:
      apply_floor(*kind, e);
      break;
    case EventKind::broadcast_on_air:
      on_air_ms_ = parse_iso8601_ms(str_field(d, "at")).value_or(e.at_ms);
      break;
    case EventKind::point_proposed: {
      const std::string id = str_field(d, "point");
      if (point_index_.count(id)) break;
      point_index_[id] = points_.size();
      Point point;
      point.id = id;
      point.text = str_field(d, "text");
      points_.push_back(std::move(point));
      break;
    }
    case EventKind::point_closed:
      if (Point* p = find_point(str_field(d, "point"))) {
        p->open = false;
        p->outcome = str_field(d, "outcome");
        p->closed_tally = d.is_object() && d.contains("tally") ? d["tally"] : json(nullptr);
      }
      break;
    case EventKind::minutes_submitted:
      approval_.submitted_ms = e.at_ms;
      approval_.head = str_field(d, "head");
      break;
    case EventKind::minutes_approved:
      approval_.approved_ms = e.at_ms;
      approval_.approved_by = e.by;
      approval_.head = str_field(d, "head");
      break;
    case EventKind::commitment_made:
    case EventKind::commitment_updated:
      apply_commitment(*kind, e);
      break;
    case EventKind::case_text:
      (str_field(d, "section") == "lessons" ? case_text_.lessons : case_text_.background) = str_field(d, "text");
      break;
    case EventKind::statement:
    case EventKind::note:
      break;  // part of the record, not of the state
  }
}

void Session::apply_commitment(EventKind kind, const Event& e) {
  const json& d = e.data;
  const std::string id = str_field(d, "commitment");
  if (kind == EventKind::commitment_made) {
    if (commitment_index_.count(id)) return;
    commitment_index_[id] = commitments_.size();
    commitments_.push_back(Commitment{.id = id,
                                      .text = str_field(d, "text"),
                                      .department = str_field(d, "department"),
                                      .department_name = str_field(d, "department_name"),
                                      .due = str_field(d, "due"),
                                      .question = str_field(d, "question"),
                                      .status = "open",
                                      .progress = {},
                                      .made_ms = e.at_ms,
                                      .updated_ms = std::nullopt});
    return;
  }
  auto it = commitment_index_.find(id);
  if (it == commitment_index_.end()) return;
  Commitment& c = commitments_[it->second];
  c.status = str_field(d, "status");
  c.progress = str_field(d, "text");
  c.updated_ms = e.at_ms;
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
  const bool was_featured = featured_ == q->id;
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
    case EventKind::question_featured:
      q->status = QuestionStatus::featured;
      featured_ = q->id;
      break;
    case EventKind::question_unfeatured:
      q->status = QuestionStatus::approved;
      break;
    case EventKind::question_rejected:
    case EventKind::question_withdrawn:  // what the audience is told of a rejection
      q->status = QuestionStatus::rejected;
      break;
    case EventKind::question_answered:
      q->status = QuestionStatus::answered;
      break;
    case EventKind::question_merged:
      if (Question* into = find_question(str_field(d, "into")); into && into != q) {
        q->status = QuestionStatus::merged;
        q->merged_into = into->id;
        into->add_upvoters(q->upvoters);
      }
      break;
    default:
      break;
  }
  // Whatever takes the featured question out of `featured` status takes it off air.
  if (was_featured && q->status != QuestionStatus::featured) featured_.reset();
}

void Session::apply_floor(EventKind kind, const Event& e) {
  const json& d = e.data;
  const std::string who = str_field(d, "participant");
  switch (kind) {
    case EventKind::hand_raised:
      if (!hand_of(who))
        hands_.push_back(Hand{who, str_field(d, "name"), role_from_string(str_field(d, "role")).value_or(Role::member),
                              str_field(d, "note"), e.at_ms});
      break;
    case EventKind::hand_lowered:
      std::erase_if(hands_, [&](const Hand& h) { return h.participant == who; });
      break;
    case EventKind::floor_granted: {
      Floor f;
      static_cast<Actor&>(f) = Actor{who, role_from_string(str_field(d, "role")).value_or(Role::member),
                                     str_field(d, "name")};
      if (auto secs = optional_int_field(d, "seconds")) f.seconds = static_cast<int>(*secs);
      if (f.seconds) f.until_ms = parse_iso8601_ms(str_field(d, "until")).value_or(e.at_ms + *f.seconds * 1000LL);
      floor_ = std::move(f);
      break;
    }
    case EventKind::floor_overrun:
      if (floor_ && floor_->participant == who) floor_->overrun = true;
      break;
    case EventKind::floor_released:
      floor_.reset();
      break;
    default:
      break;
  }
}

const Hand* Session::hand_of(const std::string& participant) const {
  for (const auto& h : hands_)
    if (h.participant == participant) return &h;
  return nullptr;
}

Reach Session::reach(const Event& e) const {
  const auto kind = event_kind_from_string(e.kind);
  if (!kind) return Reach{};
  const Question* q = question(str_field(e.data, "question"));
  const std::string asker = *kind == EventKind::question_asked ? (e.by ? e.by->participant : std::string())
                            : q                                 ? q->asker
                                                                : std::string();
  switch (yst::info(*kind).visible) {
    case Visibility::everyone: return Reach{true, {}};
    case Visibility::staff: return Reach{false, {}};
    case Visibility::staff_and_asker: return Reach{false, asker};
    case Visibility::public_question: return Reach{q && q->made_public, asker};
  }
  return Reach{};
}

void Session::apply(const Upvote& u) {
  Question* q = find_question(u.question);
  // Upvotes are loaded after the events, so one stored before its question was merged
  // finds it merged: it counts for the question it went into, as it did live.
  for (int hops = 0; q && !q->merged_into.empty() && hops < 64; ++hops) q = find_question(q->merged_into);
  if (q) q->add_upvoter(voters_.number(u.voter));
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
  return json{{"question", q.id},
              {"text", q.text},
              {"name", q.name},
              {"status", to_string(q.status)},
              {"flagged", q.flagged},
              {"upvotes", q.upvotes()},
              {"merged_into", to_json_nonempty(q.merged_into)}};
}

namespace {
json floor_json(const Floor& f) {
  json j = to_json(static_cast<const Actor&>(f));
  j["seconds"] = f.seconds ? json(*f.seconds) : json(nullptr);
  j["until"] = to_json_time(f.until_ms);
  return j;
}

json hand_json(const Hand& h) {
  return json{{"participant", h.participant},
              {"name", h.name},
              {"role", to_string(h.role)},
              {"note", h.note},
              {"at", format_time_ms(h.at_ms)}};
}
}  // namespace

json Session::point_json(const Point& p) const {
  return json{{"point", p.id},
              {"text", p.text},
              {"status", p.open ? "open" : "closed"},
              {"outcome", p.open ? json(nullptr) : json(p.outcome)},
              {"tally", p.tally.to_json(info_.settings)}};
}

json Session::commitment_json(const Commitment& c, std::string_view today) {
  return json{{"commitment", c.id},
              {"text", c.text},
              {"department", c.department},
              {"department_name", c.department_name},
              {"due", to_json_nonempty(c.due)},
              {"question", to_json_nonempty(c.question)},
              {"status", c.status},
              {"progress", to_json_nonempty(c.progress)},
              {"updated_at", to_json_time(c.updated_ms)},
              {"overdue", c.overdue(today)}};
}

json Session::snapshot(Role viewer, std::string_view today) const {
  json questions = json::array();
  for (const auto& q : questions_) {
    if (!is_staff(viewer) && (!q.made_public || q.status == QuestionStatus::rejected)) continue;
    questions.push_back(question_json(q));
  }
  json points = json::array();
  for (const auto& p : points_) points.push_back(point_json(p));
  json commitments = json::array();
  for (const auto& c : commitments_) commitments.push_back(commitment_json(c, today));
  json hands = json::array();
  if (is_staff(viewer))
    for (const auto& h : hands_) hands.push_back(hand_json(h));
  json snap{{"id", info_.id},
              {"title", info_.title},
              {"topic", info_.topic},
              {"status", to_string(status_)},
              {"stream_url", info_.stream_url},
              {"venue", to_json_nonempty(info_.venue)},
              {"form", to_json_nonempty(info_.form)},
              {"episode", info_.episode > 0 ? json(info_.episode) : json(nullptr)},
              {"plan_item", to_json_nonempty(info_.plan_item)},
              {"settings", info_.settings.to_json()},
              {"scheduled_at", to_json_nonempty(info_.scheduled_at)},
              {"started_at", to_json_time(started_ms_)},
              {"ended_at", to_json_time(ended_ms_)},
              {"on_air_at", to_json_time(on_air_ms_)},
              {"featured", featured_ ? json(*featured_) : json(nullptr)},
              {"floor", floor_ ? floor_json(*floor_) : json(nullptr)},
              {"hands", std::move(hands)},
              {"questions", std::move(questions)},
              {"points", std::move(points)},
              {"commitments", std::move(commitments)}};
  // Extension: staff see the case report's text as written so far (the clerk edits it).
  if (is_staff(viewer)) snap["case"] = json{{"background", case_text_.background}, {"lessons", case_text_.lessons}};
  return snap;
}

json Session::you_json(const Caller& caller) const {
  json votes = json::object();
  for (const auto& p : points_)
    if (auto it = p.votes.find(caller.participant); it != p.votes.end()) votes[p.id] = to_string(it->second.second);
  json upvoted = json::array();
  json mine = json::array();
  const std::optional<uint32_t> voter = voters_.find(caller.participant);
  for (const auto& q : questions_) {
    if (voter && q.upvoted_by(*voter) && q.merged_into.empty()) upvoted.push_back(q.id);
    if (q.asker == caller.participant) mine.push_back(question_json(q));
  }
  json you{{"participant", caller.participant},
           {"role", to_string(caller.role)},
           {"name", caller.name},
           {"votes", std::move(votes)},
           {"upvoted", std::move(upvoted)}};
  if (caller.role == Role::audience) you["questions"] = std::move(mine);
  // Extension: the roster's person a staff participant is, so their page links their record.
  if (const Participant* p = participant(caller.participant); p && !p->person.empty()) you["person"] = p->person;
  return you;
}

json Session::participants_json() const {
  json out = json::array();
  for (const auto& p : participants_)
    out.push_back(json{{"id", p.id},
                       {"name", p.name},
                       {"role", to_string(p.role)},
                       {"affiliation", p.affiliation},
                       {"person", to_json_nonempty(p.person)}});
  return out;
}

}  // namespace yst
