#pragma once
// What the minutes know about a session, read back from its stored events.
#include <cstddef>
#include <cstdint>
#include <map>
#include <set>
#include <optional>
#include <string>
#include <vector>

#include "session/Event.hpp"
#include "session/Session.hpp"
#include "session/Types.hpp"
#include "session/minutes/Minutes.hpp"

namespace yst::minutes {

struct QuestionRec {
  std::string id;
  std::string text;
  std::string name;
  std::string status = "pending";
  bool flagged = false;
  std::vector<const Event*> answers;
  std::string asker;  // participant id
  bool made_public = false;
  int upvotes = 0;
  std::string merged_into;

  bool replied() const { return !answers.empty(); }
};

struct PointRec {
  std::string id;
  std::string text;
  bool closed = false;
  std::string outcome;
  json tally;  // null until the point.closed event
};

// One person's time at the microphone: from each floor.granted to the next change of
// the floor (another grant, floor.released, session.ended), or to the export while live.
struct SpeakerRec {
  std::string participant;
  std::string name;
  Role role = Role::member;
  int turns = 0;
  int64_t spoken_ms = 0;
  int overruns = 0;  // turns whose time budget ran out (floor.overrun)
};

struct Model {
  std::vector<const Event*> events;  // by seq
  std::optional<int64_t> started_ms;
  std::optional<int64_t> ended_ms;
  std::vector<QuestionRec> questions;
  std::map<std::string, size_t> question_index;
  std::vector<PointRec> points;
  std::vector<const Event*> notes;
  std::map<std::string, const Participant*> participants;
  int statements = 0;
  ChainCheck chain;
  Approval approval;
  std::vector<Role> counted_roles;            // whose votes decide (settings)
  bool on_air = false;                        // the host marked the picture live
  std::optional<int64_t> timecode_origin_ms;  // broadcast.on_air, else session.started
  std::vector<SpeakerRec> speakers;           // in the order they first had the floor
  std::vector<Commitment> commitments;
  CaseText case_text;
  std::set<std::string> active;               // participants with an event or a vote on record

  std::string status() const;  // "scheduled", "live" or "ended"
  int answered() const;
  int adopted() const;
  const QuestionRec* question(const std::string& id) const;
  // "0:01:23" for a moment at or after the origin; nothing before it or without one.
  std::optional<std::string> timecode_of(int64_t at_ms) const;
};

// The session as its stored events replay through Session::apply, with what the
// minutes keep besides (answers, notes). The model points into `in`, which must
// outlive it.
Model build_model(const MinutesInput& in);

}  // namespace yst::minutes
