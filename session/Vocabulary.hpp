#pragma once
// The one vocabulary of the domain: every event kind once, with its wire name, who may
// see it and its zh/en label, and one word for every status. The live state, the minutes
// and the pages all read these tables; the pages get them as web/assets/vocabulary.js,
// generated from here by `yishiting vocabulary` (a test fails when the file differs).
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "session/Types.hpp"

namespace yst {

enum class EventKind {
  session_started,
  session_ended,
  statement,
  question_asked,
  question_approved,
  question_rejected,
  question_featured,
  question_answered,
  question_unfeatured,
  question_withdrawn,
  question_merged,
  hand_raised,
  hand_lowered,
  floor_granted,
  floor_overrun,
  floor_released,
  broadcast_on_air,
  point_proposed,
  point_closed,
  note,
  minutes_submitted,
  minutes_approved,
  commitment_made,
  commitment_updated,
  case_text,
};

// Who sees an event of a kind: everyone; staff; staff and the question's asker; or, for
// a question that was made public, everyone, else staff and its asker.
enum class Visibility { everyone, staff, staff_and_asker, public_question };

struct Label {
  std::string_view zh;
  std::string_view en;
};

struct EventKindInfo {
  EventKind kind;
  std::string_view wire;
  Visibility visible;
  Label label;
};

std::span<const EventKindInfo> event_kinds();
const EventKindInfo& info(EventKind k);
inline std::string_view to_string(EventKind k) { return info(k).wire; }
// Stored events may come from another release: an unknown kind is kept, never applied.
std::optional<EventKind> event_kind_from_string(std::string_view wire);

enum class QuestionStatus { pending, approved, featured, answered, rejected, merged };
std::string_view to_string(QuestionStatus s);

// One word for each value a page or an export shows, by group ("role", "session_status",
// "question_status", "point_status", "outcome", "choice") and wire value.
struct Term {
  std::string_view key;
  Label label;
};
struct TermGroup {
  std::string_view name;
  std::span<const Term> terms;
};
std::span<const TermGroup> term_groups();
// The label of `key` in `group`; both words are `key` itself when the table lacks it.
Label term(std::string_view group, std::string_view key);

// One of the contract's forms of consultation (plenary, standing_committee, ..., supervision).
bool is_consultation_form(std::string_view form);

Label label(Role r);
Label label(Status s);
Label label(QuestionStatus s);

// The page a role's join link opens ("/host/", "/p/", "/clerk/", "/s/"); the session id
// follows, and staff add "#token=...".
std::string_view page_path(Role r);

// web/assets/vocabulary.js: the tables above as a JavaScript module.
std::string vocabulary_js();

}  // namespace yst
