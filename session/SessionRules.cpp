// The contract's rules for each request: who may, when, and what it changes.
#include "session/Session.hpp"
#include "session/WordFilter.hpp"

namespace yst {

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

namespace {

Outcome fail(ErrorCode code, std::string message) {
  Outcome o;
  o.error = Error{code, std::move(message)};
  return o;
}

bool needs_live(RequestType t) {
  return !(t == RequestType::join || t == RequestType::note || t == RequestType::ping || t == RequestType::start);
}

// The moderation transitions of the contract: the event an action makes from a status,
// or none when the action does not apply to it (conflict).
std::optional<EventKind> moderation_event(ModerateAction action, QuestionStatus s) {
  using S = QuestionStatus;
  switch (action) {
    case ModerateAction::approve:
      if (s == S::pending) return EventKind::question_approved;
      break;
    case ModerateAction::reject:
      if (s == S::pending || s == S::approved) return EventKind::question_rejected;
      break;
    case ModerateAction::feature:
      if (s == S::approved) return EventKind::question_featured;
      break;
    case ModerateAction::answered:
      if (s == S::approved || s == S::featured) return EventKind::question_answered;
      break;
  }
  return std::nullopt;
}

}  // namespace

// The checks run in the contract's order of precedence: forbidden, not_live,
// not_found, conflict (bad_request was settled when the request was parsed).
Outcome Session::handle(const Request& r, const Caller& c, int64_t now_ms, const WordFilter* filter) {
  if (!role_may(c.role, r.type, info_.settings))
    return fail(ErrorCode::forbidden, std::string(to_string(c.role)) + " may not " + std::string(to_string(r.type)));
  if (needs_live(r.type) && status_ != Status::live)
    return fail(ErrorCode::not_live, std::string("the session is ") + std::string(to_string(status_)));

  const Decision d{r, c, now_ms};
  switch (r.type) {
    case RequestType::join:
    case RequestType::ping: return Outcome{};
    case RequestType::start: return decide_start(d);
    case RequestType::end: return decide_end(d);
    case RequestType::say: return decide_say(d);
    case RequestType::ask: return decide_ask(d, filter);
    case RequestType::upvote: return decide_upvote(d);
    case RequestType::moderate: return decide_moderate(d);
    case RequestType::floor: return decide_floor(d);
    case RequestType::propose: return decide_propose(d);
    case RequestType::vote: return decide_vote(d);
    case RequestType::close_point: return decide_close_point(d);
    case RequestType::note: return decide_note(d);
  }
  return fail(ErrorCode::internal, "unhandled request");
}

Outcome Session::decide_start(const Decision& d) {
  if (status_ != Status::scheduled) return fail(ErrorCode::conflict, "the session has already started");
  Outcome out;
  out.changes.events.push_back(make_event(d.now_ms, EventKind::session_started, &d.caller, json::object()));
  return out;
}

Outcome Session::decide_end(const Decision& d) {
  Outcome out;
  auto& ev = out.changes.events;
  // What the end settles comes first, so that session.ended is the last word: open
  // points close with their outcomes, and whoever holds the floor leaves it.
  for (const auto& p : points_)
    if (p.open) ev.push_back(make_event(d.now_ms, EventKind::point_closed, &d.caller, closing_data(p)));
  if (floor_) ev.push_back(make_event(d.now_ms, EventKind::floor_released, &d.caller, json::object()));
  ev.push_back(make_event(d.now_ms, EventKind::session_ended, &d.caller, json::object()));
  return out;
}

Outcome Session::decide_say(const Decision& d) {
  json data{{"text", d.request.text}};
  if (!d.request.reply_to.empty()) {
    if (!question(d.request.reply_to)) return fail(ErrorCode::not_found, "no question " + d.request.reply_to);
    data["reply_to"] = d.request.reply_to;
  }
  Outcome out;
  out.changes.events.push_back(make_event(d.now_ms, EventKind::statement, &d.caller, std::move(data)));
  return out;
}

Outcome Session::decide_ask(const Decision& d, const WordFilter* filter) {
  const Caller& c = d.caller;
  const int64_t interval_ms = info_.settings.ask_interval_s * 1000LL;
  if (c.role == Role::audience && interval_ms > 0) {
    auto it = last_ask_ms_.find(c.participant);
    if (it != last_ask_ms_.end() && d.now_ms - it->second < interval_ms) {
      auto wait_s = (it->second + interval_ms - d.now_ms + 999) / 1000;
      auto o = fail(ErrorCode::rate_limited, "one question per " + std::to_string(info_.settings.ask_interval_s) +
                                                 " s; try again in " + std::to_string(wait_s) + " s");
      o.ack["retry_after_s"] = wait_s;
      return o;
    }
    last_ask_ms_[c.participant] = d.now_ms;
  }
  const std::string& text = d.request.text;
  const bool flagged = filter && filter->matches(text);
  std::string id = "q" + std::to_string(questions_.size() + 1);
  Outcome out;
  auto& ev = out.changes.events;
  ev.push_back(make_event(d.now_ms, EventKind::question_asked, &c,
                          json{{"question", id}, {"text", text}, {"name", c.name}, {"flagged", flagged}}));
  if (!info_.settings.pre_moderation && !flagged)
    ev.push_back(make_event(d.now_ms, EventKind::question_approved, nullptr,
                            json{{"question", id}, {"text", text}, {"name", c.name}}));
  out.ack["question"] = id;
  out.ack["status"] = to_string(question(id)->status);
  out.ack["flagged"] = flagged;
  return out;
}

Outcome Session::decide_upvote(const Decision& d) {
  const Question* q = question(d.request.question);
  if (!q || (d.caller.role == Role::audience && !q->made_public))
    return fail(ErrorCode::not_found, "no question " + d.request.question);
  if (q->status != QuestionStatus::approved && q->status != QuestionStatus::featured)
    return fail(ErrorCode::conflict, "only approved or featured questions take upvotes");
  Outcome out;
  if (!q->upvoters.count(d.caller.participant)) {
    Upvote u{q->id, d.caller.participant};
    apply(u);
    out.changes.upvotes.push_back(std::move(u));
  }
  out.ack["question"] = q->id;
  out.ack["count"] = q->upvotes();
  return out;
}

Outcome Session::decide_moderate(const Decision& d) {
  const Question* q = question(d.request.question);
  if (!q) return fail(ErrorCode::not_found, "no question " + d.request.question);
  auto kind = moderation_event(d.request.action, q->status);
  if (!kind) return fail(ErrorCode::conflict, "question " + q->id + " is " + std::string(to_string(q->status)));
  json data{{"question", q->id}};
  if (*kind == EventKind::question_approved) {
    data["text"] = q->text;
    data["name"] = q->name;
  } else if (*kind == EventKind::question_rejected && !d.request.reason.empty()) {
    data["reason"] = d.request.reason;
  }
  Outcome out;
  out.changes.events.push_back(make_event(d.now_ms, *kind, &d.caller, std::move(data)));
  return out;
}

Outcome Session::decide_floor(const Decision& d) {
  Outcome out;
  if (!d.request.participant) {
    if (floor_) out.changes.events.push_back(make_event(d.now_ms, EventKind::floor_released, &d.caller, json::object()));
    return out;
  }
  const Participant* p = participant(*d.request.participant);
  if (!p || !is_staff(p->role)) return fail(ErrorCode::not_found, "no staff participant " + *d.request.participant);
  if (floor_ && floor_->participant == p->id) return out;
  out.changes.events.push_back(make_event(d.now_ms, EventKind::floor_granted, &d.caller,
                                          json{{"participant", p->id}, {"name", p->name}, {"role", to_string(p->role)}}));
  return out;
}

Outcome Session::decide_propose(const Decision& d) {
  std::string id = "pt" + std::to_string(points_.size() + 1);
  Outcome out;
  out.changes.events.push_back(
      make_event(d.now_ms, EventKind::point_proposed, &d.caller, json{{"point", id}, {"text", d.request.text}}));
  out.ack["point"] = id;
  return out;
}

Outcome Session::decide_vote(const Decision& d) {
  const Point* p = point(d.request.point);
  if (!p) return fail(ErrorCode::not_found, "no point " + d.request.point);
  if (!p->open) return fail(ErrorCode::conflict, "point " + d.request.point + " is closed");
  Outcome out;
  auto it = p->votes.find(d.caller.participant);
  if (it == p->votes.end() || it->second.second != d.request.choice) {
    Vote v{p->id, d.caller.participant, d.caller.role, d.request.choice};
    apply(v);
    out.changes.votes.push_back(std::move(v));
  }
  out.ack["point"] = p->id;
  out.ack["choice"] = to_string(d.request.choice);
  return out;
}

Outcome Session::decide_close_point(const Decision& d) {
  const Point* p = point(d.request.point);
  if (!p) return fail(ErrorCode::not_found, "no point " + d.request.point);
  if (!p->open) return fail(ErrorCode::conflict, "point " + d.request.point + " is already closed");
  Outcome out;
  out.changes.events.push_back(make_event(d.now_ms, EventKind::point_closed, &d.caller, closing_data(*p)));
  return out;
}

Outcome Session::decide_note(const Decision& d) {
  Outcome out;
  out.changes.events.push_back(make_event(d.now_ms, EventKind::note, &d.caller, json{{"text", d.request.text}}));
  return out;
}

json Session::closing_data(const Point& p) const {
  return json{{"point", p.id},
              {"outcome", p.tally.adopted(info_.settings) ? "adopted" : "not_adopted"},
              {"tally", p.tally.to_json(info_.settings)}};
}

}  // namespace yst
