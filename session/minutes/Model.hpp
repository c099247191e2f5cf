#pragma once
// What the minutes know about a session, read back from its stored events.
#include <cstddef>
#include <cstdint>
#include <map>
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
  bool replied = false;
  std::vector<const Event*> answers;
};

struct PointRec {
  std::string id;
  std::string text;
  bool closed = false;
  std::string outcome;
  json tally;  // null until the point.closed event
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

  std::string status() const;  // "scheduled", "live" or "ended"
  int answered() const;
  int adopted() const;
  const QuestionRec* question(const std::string& id) const;
};

// The session as its stored events replay through Session::apply, with what the
// minutes keep besides (answers, notes). The model points into `in`, which must
// outlive it.
Model build_model(const MinutesInput& in);

}  // namespace yst::minutes
