#pragma once
// The minutes (会议纪要), built from the stored events alone, so they can be rebuilt at
// any time and always agree with what people saw.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "session/Event.hpp"
#include "session/Session.hpp"
#include "session/year/Plan.hpp"
#include "session/Types.hpp"

namespace yst {

// Staff get every stored event; anyone else, once the session has ended, gets what the
// audience could see (public_edition makes it).
enum class MinutesEdition { full, audience };

struct MinutesInput {
  SessionInfo info;
  std::vector<Participant> participants;  // staff, in the order they were added
  std::vector<Event> events;              // every stored event of the session, by seq
  std::vector<Upvote> upvotes;            // each question's support, and who took part
  std::vector<Vote> votes;
  int peak_audience = 0;
  std::optional<PlanItem> plan_item;      // the item of the year's plan it was held for
  int64_t generated_ms = 0;               // when the export was made
  MinutesEdition edition = MinutesEdition::full;
  // Checked over the whole stored log before an edition left events out, so the public
  // can still compare the head with /verify.
  std::optional<ChainCheck> chain;
};

// The public minutes: only the events the audience could see, and nothing of a question
// that ended pending or rejected, even one that was public before its rejection; an
// answer to such a question keeps its text and loses the reference.
MinutesInput public_edition(MinutesInput in);

enum class MinutesFormat { md, html, json, csv, docx };
std::optional<MinutesFormat> minutes_format_from_string(std::string_view s);
std::string_view to_string(MinutesFormat f);
std::string_view content_type(MinutesFormat f);
// `attachment; filename="..."; filename*=UTF-8''...` naming the title and the date.
std::string content_disposition(const MinutesInput& in, MinutesFormat f);

std::string render_minutes(const MinutesInput& in, MinutesFormat f);

// The case report (协商案例): md, html or docx. Give it the whole stored session; for anyone
// but staff (`edition` audience) its process section holds the public questions only,
// while the clerk's background and lessons, written for it, stay.
enum class CaseFormat { md, html, docx };
std::optional<CaseFormat> case_format_from_string(std::string_view s);
std::string render_case(const MinutesInput& in, CaseFormat f);
std::string case_content_disposition(const MinutesInput& in, CaseFormat f);

// WebVTT (text/vtt) chapter marks for the replay: one cue per featured question, proposed
// point and floor grant, timed from the on-air mark (else the start), each running until
// the next. Give it the public edition for anyone but staff.
std::string render_chapters(const MinutesInput& in);

}  // namespace yst
