#include <string>
#include <string_view>

#include "session/EventData.hpp"
#include "session/minutes/Escape.hpp"
#include "session/minutes/Renderers.hpp"

namespace yst::minutes {


// One row per event, RFC 4180, with the event data as JSON in `extra`.
std::string render_csv(const Model& m) {
  std::string out = "\xEF\xBB\xBF";  // spreadsheet programs read UTF-8 only with the BOM
  // timecode last, so that the columns before it stay where readers of earlier files
  // found them.
  out += "seq,at,kind,participant,role,name,text,question,point,extra,hash,timecode\r\n";
  for (const Event* e : m.events) {
    const json& d = e->data;
    std::string question = str_field(d, "question");
    if (question.empty()) question = str_field(d, "reply_to");
    const std::string fields[] = {std::to_string(e->seq),
                                  format_time_ms(e->at_ms),
                                  e->kind,
                                  e->by ? e->by->participant : std::string(),
                                  e->by ? std::string(to_string(e->by->role)) : std::string(),
                                  e->by ? e->by->name : std::string(),
                                  str_field(d, "text"),
                                  question,
                                  str_field(d, "point"),
                                  d.dump(-1, ' ', false, json::error_handler_t::replace),
                                  e->hash,
                                  m.timecode_of(e->at_ms).value_or("")};
    bool first = true;
    for (const auto& f : fields) {
      if (!first) out += ',';
      first = false;
      out += csv_field(f);
    }
    out += "\r\n";
  }
  return out;
}

}  // namespace yst::minutes
