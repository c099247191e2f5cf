#pragma once
// One document, three renderers: md, html and docx show the same blocks, so the three
// human formats cannot drift apart.
#include <optional>
#include <string>
#include <vector>

#include "session/Event.hpp"
#include "session/Types.hpp"
#include "session/minutes/Minutes.hpp"
#include "session/minutes/Model.hpp"

namespace yst::minutes {

struct Run {
  std::string text;
  bool bold = false;
};

enum class BlockType { title, subtitle, heading, para, item, quote, table };

struct Block {
  BlockType type = BlockType::para;
  int level = 2;         // heading: 2 for sections, 3 for subsections
  std::string cls;       // html class; consecutive items with the same class form one list
  std::string item_cls;  // html class of one list item
  std::vector<Run> runs;
  std::vector<std::vector<std::string>> rows;  // table: rows[0] is the header
  std::vector<int> widths;                     // table: relative column widths
  bool page_break_before = false;              // an attachment starts on a new page
};

// What a renderer needs to name the document: its title, its kind (会议纪要, 协商案例), the
// date it is of and when it was made.
struct DocumentInfo {
  std::string title;
  std::string kind;
  std::string subject;
  std::string identifier;
  int64_t date_ms = 0;
  int64_t generated_ms = 0;
};
DocumentInfo minutes_document_info(const MinutesInput& in, const Model& m, std::string kind);

// The programme's name, as the heads of its documents say it.
inline constexpr std::string_view kProgramme = "有事来协商·委员议事厅";

// The 纪要: the narrative (opening, attendance, main points, questions and answers,
// consensus, follow-up, sign-off), then the full record as its attachment.
std::vector<Block> build_document(const MinutesInput& in, const Model& m);
// The 协商案例's five sections.
std::vector<Block> build_case_document(const MinutesInput& in, const Model& m);

// "Name（role，affiliation）", or 系统 for an event without an actor.
std::string actor_label(const std::optional<Actor>& by, const Model& m);
// "赞成 8，反对 3，弃权 1".
std::string tally_words(const json& t);
// One line of the timeline: time, timecode, who, and what the event did.
std::vector<Run> describe(const Event& e, const Model& m);

}  // namespace yst::minutes
