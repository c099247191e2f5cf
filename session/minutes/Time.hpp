#pragma once
// Times as the minutes show them. Readers of the minutes are in China, so the human
// formats show Beijing time; the machine formats keep the wire's UTC (format_time_ms)
// so they compare directly with the events.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace yst::minutes {

// "2026-11-26 21:30:00" in Beijing time.
std::string cst_datetime(int64_t unix_ms);
// "2026-11-26" in Beijing time.
std::string cst_date(int64_t unix_ms);
// "2026年11月26日" and "21:30" in Beijing time, as a document's sentences say them.
std::string cst_date_cn(int64_t unix_ms);
std::string cst_clock(int64_t unix_ms);
// Seconds precision, as W3CDTF in docProps/core.xml expects.
std::string utc_w3cdtf(int64_t unix_ms);

// scheduled_at is stored as the client gave it. Only a timestamp with a zone names an
// instant; anything else is shown as written rather than guessed at.
std::string display_time_as_given(const std::string& s);
// "45 分钟", "2 小时 5 分钟".
std::string duration_cn(int64_t ms);
// "3 分 05 秒", "1 小时 2 分 05 秒": a speaking time, to the second.
std::string seconds_cn(int64_t ms);
// "0:01:23": the offset of a moment from the timecode origin, as an editor shows it.
std::string timecode(int64_t offset_ms);
// "00:01:23.000", the WebVTT timestamp.
std::string vtt_timestamp(int64_t offset_ms);

}  // namespace yst::minutes
