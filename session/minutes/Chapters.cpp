// chapters.vtt: the chapter marks the media centre puts on the replay, one cue per
// featured question, proposed point and floor grant, each running until the next.
#include "session/EventData.hpp"
#include "session/minutes/Labels.hpp"
#include "session/minutes/Minutes.hpp"
#include "session/minutes/Model.hpp"
#include "session/minutes/Time.hpp"

namespace yst {

namespace {

// WebVTT cue text is markup: &, < and > are escaped, and a line break would end the cue.
std::string vtt_text(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '\r':
      case '\n': out += ' '; break;
      default: out += c;
    }
  }
  return out;
}

struct Chapter {
  int64_t seq;
  int64_t at_ms;
  std::string title;
};

}  // namespace

std::string render_chapters(const MinutesInput& in) {
  using namespace minutes;
  const Model m = build_model(in);
  std::string out = "WEBVTT\n";
  if (!m.timecode_origin_ms) return out;  // not started: nothing to mark
  const int64_t origin = *m.timecode_origin_ms;

  std::vector<Chapter> chapters;
  for (const Event* e : m.events) {
    const auto kind = event_kind_from_string(e->kind);
    const json& d = e->data;
    std::string title;
    if (kind == EventKind::question_featured) {
      const QuestionRec* q = m.question(str_field(d, "question"));
      if (!q) continue;
      title = "群众提问：" + q->text + (q->name.empty() ? std::string() : "（" + q->name + "）");
    } else if (kind == EventKind::point_proposed) {
      title = "共识点：" + str_field(d, "text");
    } else if (kind == EventKind::floor_granted) {
      const std::string name = str_field(d, "name");
      title = "发言：" + (name.empty() ? str_field(d, "participant") : name) + "（" + role_cn(str_field(d, "role")) + "）";
    } else {
      continue;
    }
    chapters.push_back(Chapter{e->seq, std::max(e->at_ms, origin), std::move(title)});
  }

  // The last chapter runs to the end of the session, else to the last event.
  int64_t end = m.ended_ms.value_or(m.events.empty() ? origin : m.events.back()->at_ms);
  for (size_t i = 0; i < chapters.size(); ++i) {
    const int64_t from = chapters[i].at_ms - origin;
    int64_t to = (i + 1 < chapters.size() ? chapters[i + 1].at_ms : end) - origin;
    if (to <= from) to = from + 1000;  // a cue must end after it starts; show it a second
    out += "\n" + std::to_string(chapters[i].seq) + "\n" + minutes::vtt_timestamp(from) + " --> " +
           minutes::vtt_timestamp(to) + "\n" + vtt_text(chapters[i].title) + "\n";
  }
  return out;
}

}  // namespace yst
