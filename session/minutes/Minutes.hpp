#pragma once
// The minutes (会议纪要), built from the stored events alone, so they can be rebuilt at
// any time and always agree with what people saw.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "session/Event.hpp"
#include "session/Types.hpp"

namespace yst {

struct MinutesInput {
  SessionInfo info;
  std::vector<Participant> participants;  // staff, in the order they were added
  std::vector<Event> events;              // every stored event of the session, by seq
  int peak_audience = 0;
  int64_t generated_ms = 0;               // when the export was made
};

enum class MinutesFormat { md, html, json, csv, docx };
std::optional<MinutesFormat> minutes_format_from_string(std::string_view s);
std::string_view to_string(MinutesFormat f);
std::string_view content_type(MinutesFormat f);
// `attachment; filename="..."; filename*=UTF-8''...` naming the title and the date.
std::string content_disposition(const MinutesInput& in, MinutesFormat f);

std::string render_minutes(const MinutesInput& in, MinutesFormat f);

}  // namespace yst
