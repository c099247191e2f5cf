#include "session/Session.hpp"

#include "session/Sha256.hpp"
#include "session/WordFilter.hpp"

namespace yst {

std::string_view to_string(QuestionStatus s) {
  switch (s) {
    case QuestionStatus::pending: return "pending";
    case QuestionStatus::approved: return "approved";
    case QuestionStatus::featured: return "featured";
    case QuestionStatus::answered: return "answered";
    case QuestionStatus::rejected: return "rejected";
  }
  return "pending";
}

bool role_may(Role role, RequestType type, const Settings& settings) {
  switch (type) {
    case RequestType::join:
    case RequestType::ping:
    case RequestType::ask:
    case RequestType::upvote:
      return true;
    case RequestType::start:
    case RequestType::end:
    case RequestType::moderate:
    case RequestType::floor:
    case RequestType::close_point:
      return role == Role::host;
    case RequestType::say:
      return role == Role::host || role == Role::member || role == Role::department;
    case RequestType::propose:
      return role == Role::host || role == Role::member || role == Role::clerk;
    case RequestType::vote:
      return role == Role::host || role == Role::member || role == Role::department ||
             (role == Role::audience && settings.audience_can_vote);
    case RequestType::note:
      return role == Role::clerk;
  }
  return false;
}

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

Event Session::make_event(int64_t now_ms, std::string kind, const Caller* by, json data) {
  Event e;
  e.seq = last_seq_ + 1;
  e.at_ms = now_ms;
  e.kind = std::move(kind);
  if (by) e.by = Actor{by->participant, by->role, by->name};
  e.data = std::move(data);
  e.hash = chain_hash(last_hash_, e);
  apply(e);  // so that the next event of the same decision chains and numbers after it
  return e;
}

namespace {
Outcome fail(ErrorCode code, std::string message) {
  Outcome o;
  o.error = Error{code, std::move(message)};
  return o;
}
}  // namespace

// The checks run in the contract's order of precedence: forbidden, not_live,
// not_found, conflict (bad_request was settled when the request was parsed).
Outcome Session::handle(const Request& r, const Caller& c, int64_t now_ms, const WordFilter* filter) {
  if (!role_may(c.role, r.type, info_.settings))
    return fail(ErrorCode::forbidden, std::string(to_string(c.role)) + " may not " + std::string(to_string(r.type)));

  const bool needs_live = !(r.type == RequestType::join || r.type == RequestType::note ||
                            r.type == RequestType::ping || r.type == RequestType::start);
  if (needs_live && status_ != Status::live)
    return fail(ErrorCode::not_live, std::string("the session is ") + std::string(to_string(status_)));

  Outcome out;
  auto& ev = out.changes.events;
  switch (r.type) {
    case RequestType::join:
    case RequestType::ping:
      return out;

    case RequestType::start:
      if (status_ != Status::scheduled) return fail(ErrorCode::conflict, "the session has already started");
      ev.push_back(make_event(now_ms, "session.started", &c, json::object()));
      return out;

    case RequestType::end: {
      // Open points close first, so their outcomes precede session.ended.
      for (auto& p : points_) {
        if (!p.open) continue;
        json data{{"point", p.id}, {"outcome", p.tally.adopted(info_.settings) ? "adopted" : "not_adopted"},
                  {"tally", p.tally.to_json()}};
        ev.push_back(make_event(now_ms, "point.closed", &c, std::move(data)));
      }
      ev.push_back(make_event(now_ms, "session.ended", &c, json::object()));
      return out;
    }

    case RequestType::say: {
      json data{{"text", r.text}};
      if (!r.reply_to.empty()) {
        if (!question(r.reply_to)) return fail(ErrorCode::not_found, "no question " + r.reply_to);
        data["reply_to"] = r.reply_to;
      }
      ev.push_back(make_event(now_ms, "statement", &c, std::move(data)));
      return out;
    }

    case RequestType::ask: {
      if (c.role == Role::audience && info_.settings.ask_interval_s > 0) {
        auto it = last_ask_ms_.find(c.participant);
        if (it != last_ask_ms_.end() && now_ms - it->second < info_.settings.ask_interval_s * 1000LL) {
          auto wait_s = (it->second + info_.settings.ask_interval_s * 1000LL - now_ms + 999) / 1000;
          auto o = fail(ErrorCode::rate_limited, "one question per " + std::to_string(info_.settings.ask_interval_s) +
                                                     " s; try again in " + std::to_string(wait_s) + " s");
          o.ack["retry_after_s"] = wait_s;
          return o;
        }
        last_ask_ms_[c.participant] = now_ms;
      }
      const bool flagged = filter && filter->matches(r.text);
      std::string id = "q" + std::to_string(questions_.size() + 1);
      ev.push_back(make_event(now_ms, "question.asked", &c,
                              json{{"question", id}, {"text", r.text}, {"name", c.name}, {"flagged", flagged}}));
      if (!info_.settings.pre_moderation && !flagged)
        ev.push_back(make_event(now_ms, "question.approved", nullptr,
                                json{{"question", id}, {"text", r.text}, {"name", c.name}}));
      out.ack["question"] = id;
      out.ack["status"] = to_string(question(id)->status);
      out.ack["flagged"] = flagged;
      return out;
    }

    case RequestType::upvote: {
      const Question* q = question(r.question);
      if (!q || (c.role == Role::audience && !q->made_public))
        return fail(ErrorCode::not_found, "no question " + r.question);
      if (q->status != QuestionStatus::approved && q->status != QuestionStatus::featured)
        return fail(ErrorCode::conflict, "only approved or featured questions take upvotes");
      if (!q->upvoters.count(c.participant)) {
        Upvote u{q->id, c.participant};
        apply(u);
        out.changes.upvotes.push_back(std::move(u));
      }
      out.ack["question"] = r.question;
      out.ack["count"] = question(r.question)->upvotes();
      return out;
    }

    case RequestType::moderate: {
      const Question* q = question(r.question);
      if (!q) return fail(ErrorCode::not_found, "no question " + r.question);
      const auto s = q->status;
      json data{{"question", q->id}};
      std::string kind;
      switch (r.action) {
        case ModerateAction::approve:
          if (s != QuestionStatus::pending) break;
          kind = "question.approved";
          data["text"] = q->text;
          data["name"] = q->name;
          break;
        case ModerateAction::reject:
          if (s != QuestionStatus::pending && s != QuestionStatus::approved) break;
          kind = "question.rejected";
          if (!r.reason.empty()) data["reason"] = r.reason;
          break;
        case ModerateAction::feature:
          if (s != QuestionStatus::approved) break;
          kind = "question.featured";
          break;
        case ModerateAction::answered:
          if (s != QuestionStatus::approved && s != QuestionStatus::featured) break;
          kind = "question.answered";
          break;
      }
      if (kind.empty())
        return fail(ErrorCode::conflict, "question " + q->id + " is " + std::string(to_string(s)));
      ev.push_back(make_event(now_ms, std::move(kind), &c, std::move(data)));
      return out;
    }

    case RequestType::floor: {
      if (!r.participant) {
        if (floor_) ev.push_back(make_event(now_ms, "floor.released", &c, json::object()));
        return out;
      }
      const Participant* p = participant(*r.participant);
      if (!p || !is_staff(p->role)) return fail(ErrorCode::not_found, "no staff participant " + *r.participant);
      if (floor_ && floor_->participant == p->id) return out;
      ev.push_back(make_event(now_ms, "floor.granted", &c,
                              json{{"participant", p->id}, {"name", p->name}, {"role", to_string(p->role)}}));
      return out;
    }

    case RequestType::propose: {
      std::string id = "pt" + std::to_string(points_.size() + 1);
      ev.push_back(make_event(now_ms, "point.proposed", &c, json{{"point", id}, {"text", r.text}}));
      out.ack["point"] = id;
      return out;
    }

    case RequestType::vote: {
      const Point* p = point(r.point);
      if (!p) return fail(ErrorCode::not_found, "no point " + r.point);
      if (!p->open) return fail(ErrorCode::conflict, "point " + r.point + " is closed");
      auto it = p->votes.find(c.participant);
      if (it == p->votes.end() || it->second.second != r.choice) {
        Vote v{p->id, c.participant, c.role, r.choice};
        apply(v);
        out.changes.votes.push_back(std::move(v));
      }
      out.ack["point"] = r.point;
      out.ack["choice"] = to_string(r.choice);
      return out;
    }

    case RequestType::close_point: {
      const Point* p = point(r.point);
      if (!p) return fail(ErrorCode::not_found, "no point " + r.point);
      if (!p->open) return fail(ErrorCode::conflict, "point " + r.point + " is already closed");
      json data{{"point", p->id}, {"outcome", p->tally.adopted(info_.settings) ? "adopted" : "not_adopted"},
                {"tally", p->tally.to_json()}};
      ev.push_back(make_event(now_ms, "point.closed", &c, std::move(data)));
      return out;
    }

    case RequestType::note:
      ev.push_back(make_event(now_ms, "note", &c, json{{"text", r.text}}));
      return out;
  }
  return fail(ErrorCode::internal, "unhandled request");
}

void Session::apply(const Event& e) {
  last_seq_ = e.seq;
  last_hash_ = e.hash;
  const json& d = e.data;
  auto str = [&](const char* key) -> std::string {
    auto it = d.find(key);
    return it != d.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  const std::string& k = e.kind;
  if (k == "session.started") {
    status_ = Status::live;
    started_ms_ = e.at_ms;
  } else if (k == "session.ended") {
    status_ = Status::ended;
    ended_ms_ = e.at_ms;
  } else if (k == "question.asked") {
    Question q;
    q.id = str("question");
    q.text = str("text");
    q.name = str("name");
    q.asker = e.by ? e.by->participant : std::string();
    q.flagged = d.value("flagged", false);
    question_index_[q.id] = questions_.size();
    questions_.push_back(std::move(q));
  } else if (k.rfind("question.", 0) == 0) {
    Question* q = find_question(str("question"));
    if (!q) return;
    if (k == "question.approved") {
      q->status = QuestionStatus::approved;
      q->made_public = true;
    } else if (k == "question.rejected") {
      q->status = QuestionStatus::rejected;
    } else if (k == "question.featured") {
      q->status = QuestionStatus::featured;
      featured_ = q->id;
    } else if (k == "question.answered") {
      q->status = QuestionStatus::answered;
    }
  } else if (k == "floor.granted") {
    auto role = role_from_string(str("role"));
    floor_ = Actor{str("participant"), role.value_or(Role::member), str("name")};
  } else if (k == "floor.released") {
    floor_.reset();
  } else if (k == "point.proposed") {
    Point p;
    p.id = str("point");
    p.text = str("text");
    point_index_[p.id] = points_.size();
    points_.push_back(std::move(p));
  } else if (k == "point.closed") {
    if (Point* p = find_point(str("point"))) {
      p->open = false;
      p->outcome = str("outcome");
    }
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
              {"tally", p.tally.to_json()}};
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
