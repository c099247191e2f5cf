// The contract's rules for each request: who may, when, and what it changes.
#include "session/Session.hpp"
#include "session/WordFilter.hpp"

namespace yst {

bool role_may(Role role, RequestType type, const Settings& settings) {
  // The overlay shows what the audience sees and says nothing.
  if (role == Role::overlay) return type == RequestType::join || type == RequestType::ping;
  const bool speaker = role == Role::member || role == Role::department;
  switch (type) {
    case RequestType::join:
    case RequestType::ping:
    case RequestType::ask:
    case RequestType::upvote:
      return true;
    case RequestType::start:
    case RequestType::end:
    case RequestType::moderate:
    case RequestType::merge:
    case RequestType::floor:
    case RequestType::on_air:
    case RequestType::close_point:
    case RequestType::approve_minutes:
      return role == Role::host;
    case RequestType::raise_hand:
      return speaker;
    case RequestType::lower_hand:
      return speaker || role == Role::host;
    case RequestType::submit_minutes:
      return role == Role::clerk;
    case RequestType::say:
      return role == Role::host || role == Role::member || role == Role::department;
    case RequestType::propose:
      return role == Role::host || role == Role::member || role == Role::clerk;
    case RequestType::vote:
      return role == Role::host || role == Role::member || role == Role::department ||
             (role == Role::audience && settings.audience_can_vote);
    case RequestType::note:
      return role == Role::clerk;
    case RequestType::commit:
    case RequestType::update_commitment:  // a department only its own: decided with the commitment
      return role == Role::host || role == Role::clerk || role == Role::department;
    case RequestType::case_text:
      return role == Role::host || role == Role::clerk;
  }
  return false;
}

namespace {

Outcome fail(ErrorCode code, std::string message) {
  Outcome o;
  o.error = Error{code, std::move(message)};
  return o;
}

// Which status a request needs: most need the session live; the minutes' sign-off needs
// it ended; the rest go at any time (start checks its own conflict).
std::optional<Status> status_needed(RequestType t) {
  switch (t) {
    case RequestType::join:
    case RequestType::note:
    case RequestType::case_text:
    case RequestType::ping:
    case RequestType::start:
    case RequestType::commit:  // while live and after the end: checked by decide_commit
    case RequestType::update_commitment: return std::nullopt;
    case RequestType::submit_minutes:
    case RequestType::approve_minutes: return Status::ended;
    default: return Status::live;
  }
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
      if (s == S::pending || s == S::approved || s == S::featured) return EventKind::question_rejected;
      break;
    case ModerateAction::feature:
      if (s == S::approved) return EventKind::question_featured;
      break;
    case ModerateAction::unfeature:
      if (s == S::featured) return EventKind::question_unfeatured;
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
  if (auto needed = status_needed(r.type); needed && status_ != *needed)
    return fail(ErrorCode::not_live, std::string("the session is ") + std::string(to_string(status_)) +
                                         (*needed == Status::ended ? "; the minutes are signed off after the end" : ""));

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
    case RequestType::merge: return decide_merge(d);
    case RequestType::raise_hand: return decide_raise_hand(d);
    case RequestType::lower_hand: return decide_lower_hand(d);
    case RequestType::floor: return decide_floor(d);
    case RequestType::on_air: return decide_on_air(d);
    case RequestType::submit_minutes: return decide_submit_minutes(d);
    case RequestType::approve_minutes: return decide_approve_minutes(d);
    case RequestType::propose: return decide_propose(d);
    case RequestType::vote: return decide_vote(d);
    case RequestType::close_point: return decide_close_point(d);
    case RequestType::note: return decide_note(d);
    case RequestType::commit: return decide_commit(d);
    case RequestType::update_commitment: return decide_update_commitment(d);
    case RequestType::case_text: return decide_case_text(d);
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
  // points close with their outcomes, the featured question goes off air and whoever
  // holds the floor leaves it.
  for (const auto& p : points_)
    if (p.open) ev.push_back(make_event(d.now_ms, EventKind::point_closed, &d.caller, closing_data(p)));
  unfeature_current(d, ev);
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
  if (auto voter = voters_.find(d.caller.participant); !voter || !q->upvoted_by(*voter)) {
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
  auto& ev = out.changes.events;
  const bool was_public = q->made_public;
  if (*kind == EventKind::question_featured) unfeature_current(d, ev);  // one question on air at a time
  ev.push_back(make_event(d.now_ms, *kind, &d.caller, std::move(data)));
  // The audience saw it, so the audience is told it is gone (the reason stays with staff).
  if (*kind == EventKind::question_rejected && was_public)
    ev.push_back(make_event(d.now_ms, EventKind::question_withdrawn, &d.caller, json{{"question", q->id}}));
  return out;
}

void Session::unfeature_current(const Decision& d, std::vector<Event>& out) {
  if (!featured_) return;
  const Question* current = question(*featured_);
  if (current && current->status == QuestionStatus::featured)
    out.push_back(make_event(d.now_ms, EventKind::question_unfeatured, &d.caller, json{{"question", current->id}}));
}

Outcome Session::decide_merge(const Decision& d) {
  using S = QuestionStatus;
  const Question* q = question(d.request.question);
  if (!q) return fail(ErrorCode::not_found, "no question " + d.request.question);
  const Question* into = question(d.request.into);
  if (!into) return fail(ErrorCode::not_found, "no question " + d.request.into);
  if (q == into) return fail(ErrorCode::conflict, "a question cannot be merged into itself");
  if (q->status != S::pending && q->status != S::approved && q->status != S::featured)
    return fail(ErrorCode::conflict, "question " + q->id + " is " + std::string(to_string(q->status)));
  if (into->status != S::approved && into->status != S::featured && into->status != S::answered)
    return fail(ErrorCode::conflict, "question " + into->id + " is " + std::string(to_string(into->status)));
  Outcome out;
  auto& ev = out.changes.events;
  if (featured_ == q->id) unfeature_current(d, ev);
  ev.push_back(make_event(d.now_ms, EventKind::question_merged, &d.caller, json{{"question", q->id}, {"into", into->id}}));
  out.ack["question"] = q->id;
  out.ack["into"] = into->id;
  out.ack["count"] = question(d.request.into)->upvotes();
  return out;
}

Outcome Session::decide_raise_hand(const Decision& d) {
  Outcome out;
  if (hand_of(d.caller.participant)) return out;  // already queued
  out.changes.events.push_back(make_event(d.now_ms, EventKind::hand_raised, &d.caller,
                                          json{{"participant", d.caller.participant},
                                               {"name", d.caller.name},
                                               {"role", to_string(d.caller.role)},
                                               {"note", d.request.text}}));
  return out;
}

Outcome Session::decide_lower_hand(const Decision& d) {
  const std::string who = d.request.participant.value_or(d.caller.participant);
  if (d.caller.role != Role::host && who != d.caller.participant)
    return fail(ErrorCode::forbidden, "only the host lowers another participant's hand");
  if (who != d.caller.participant && !participant(who)) return fail(ErrorCode::not_found, "no participant " + who);
  Outcome out;
  if (hand_of(who))
    out.changes.events.push_back(make_event(d.now_ms, EventKind::hand_lowered, &d.caller, json{{"participant", who}}));
  return out;
}

Outcome Session::decide_floor(const Decision& d) {
  Outcome out;
  if (!d.request.participant) {
    if (floor_) out.changes.events.push_back(make_event(d.now_ms, EventKind::floor_released, &d.caller, json::object()));
    return out;
  }
  const Participant* p = participant(*d.request.participant);
  if (!p) return fail(ErrorCode::not_found, "no participant " + *d.request.participant);
  if (p->role != Role::host && p->role != Role::member && p->role != Role::department)
    return fail(ErrorCode::bad_request, std::string("a ") + std::string(to_string(p->role)) + " cannot hold the floor");
  const auto seconds = d.request.seconds;
  if (floor_ && floor_->participant == p->id && !seconds && !floor_->seconds) return out;
  auto& ev = out.changes.events;
  if (hand_of(p->id))
    ev.push_back(make_event(d.now_ms, EventKind::hand_lowered, &d.caller, json{{"participant", p->id}}));
  json data{{"participant", p->id},
            {"name", p->name},
            {"role", to_string(p->role)},
            {"seconds", seconds ? json(*seconds) : json(nullptr)},
            {"until", seconds ? json(format_time_ms(d.now_ms + *seconds * 1000LL)) : json(nullptr)}};
  ev.push_back(make_event(d.now_ms, EventKind::floor_granted, &d.caller, std::move(data)));
  return out;
}

Changes Session::expire_floor(int64_t now_ms) {
  Changes changes;
  if (status_ != Status::live || !floor_ || !floor_->until_ms || floor_->overrun || now_ms < *floor_->until_ms)
    return changes;
  changes.events.push_back(make_event(now_ms, EventKind::floor_overrun, nullptr, json{{"participant", floor_->participant}}));
  return changes;
}

Outcome Session::decide_on_air(const Decision& d) {
  if (on_air_ms_) return fail(ErrorCode::conflict, "the broadcast is already marked on air");
  Outcome out;
  out.changes.events.push_back(make_event(d.now_ms, EventKind::broadcast_on_air, &d.caller,
                                          json{{"at", format_time_ms(d.request.at_ms.value_or(d.now_ms))}}));
  return out;
}

Outcome Session::decide_submit_minutes(const Decision& d) {
  if (approval_.approved_ms) return fail(ErrorCode::conflict, "the minutes are already approved");
  Outcome out;
  if (approval_.submitted_ms) return out;  // submitted already, waiting for the host
  out.changes.events.push_back(make_event(d.now_ms, EventKind::minutes_submitted, &d.caller, json{{"head", last_hash_}}));
  return out;
}

Outcome Session::decide_approve_minutes(const Decision& d) {
  if (approval_.approved_ms) return fail(ErrorCode::conflict, "the minutes are already approved");
  if (!approval_.submitted_ms) return fail(ErrorCode::conflict, "the clerk has not submitted the minutes");
  Outcome out;
  out.changes.events.push_back(make_event(d.now_ms, EventKind::minutes_approved, &d.caller, json{{"head", last_hash_}}));
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
  // A note written after the approval does not change what was approved: an addendum.
  out.changes.events.push_back(make_event(d.now_ms, EventKind::note, &d.caller,
                                          json{{"text", d.request.text}, {"addendum", approval_.approved_ms.has_value()}}));
  return out;
}

Outcome Session::decide_commit(const Decision& d) {
  // Commitments are made on air and handed over afterwards (交办), never before the start.
  if (status_ == Status::scheduled) return fail(ErrorCode::not_live, "the session is scheduled; commitments are made once it has started");
  const Request& r = d.request;
  std::string department_id = r.department.empty() ? d.caller.participant : r.department;
  if (r.department.empty() && d.caller.role != Role::department)
    return fail(ErrorCode::bad_request, "missing field: department");
  const Participant* department = participant(department_id);
  if (!department) return fail(ErrorCode::not_found, "no participant " + department_id);
  if (department->role != Role::department)
    return fail(ErrorCode::bad_request, "a commitment is a department's; " + department_id + " is a " +
                                            std::string(to_string(department->role)));
  if (d.caller.role == Role::department && department->id != d.caller.participant)
    return fail(ErrorCode::forbidden, "a department commits for itself only");
  if (!r.question.empty() && !question(r.question)) return fail(ErrorCode::not_found, "no question " + r.question);
  std::string id = "c" + std::to_string(commitments_.size() + 1);
  Outcome out;
  out.changes.events.push_back(make_event(d.now_ms, EventKind::commitment_made, &d.caller,
                                          json{{"commitment", id},
                                               {"text", r.text},
                                               {"department", department->id},
                                               {"department_name", department->name},
                                               {"due", to_json_nonempty(r.due)},
                                               {"question", to_json_nonempty(r.question)}}));
  out.ack["commitment"] = id;
  return out;
}

Outcome Session::decide_update_commitment(const Decision& d) {
  if (status_ == Status::scheduled) return fail(ErrorCode::not_live, "the session is scheduled");
  const Commitment* c = commitment(d.request.commitment);
  if (!c) return fail(ErrorCode::not_found, "no commitment " + d.request.commitment);
  if (d.caller.role == Role::department && c->department != d.caller.participant)
    return fail(ErrorCode::forbidden, "only the commitment's department reports on it");
  Outcome out;
  out.changes.events.push_back(make_event(d.now_ms, EventKind::commitment_updated, &d.caller,
                                          json{{"commitment", c->id},
                                               {"status", d.request.progress_status},
                                               {"text", d.request.text}}));
  out.ack["commitment"] = c->id;
  return out;
}

Outcome Session::decide_case_text(const Decision& d) {
  Outcome out;
  out.changes.events.push_back(make_event(d.now_ms, EventKind::case_text, &d.caller,
                                          json{{"section", d.request.section}, {"text", d.request.text}}));
  return out;
}

json Session::closing_data(const Point& p) const {
  return json{{"point", p.id},
              {"outcome", p.tally.adopted(info_.settings) ? "adopted" : "not_adopted"},
              {"tally", p.tally.to_json(info_.settings)}};
}

}  // namespace yst
