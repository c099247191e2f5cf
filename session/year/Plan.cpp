#include "session/year/Plan.hpp"

#include <cstdio>

#include "session/Text.hpp"
#include "session/Vocabulary.hpp"

namespace yst {

namespace {

constexpr size_t kMaxTopicChars = 200;
constexpr size_t kMaxVenueChars = 100;
constexpr size_t kMaxLeadChars = 100;
constexpr size_t kMaxNotesChars = 2000;
constexpr size_t kMaxDepartments = 30;
constexpr int kMinYear = 2000, kMaxYear = 2100;

bool valid_text(const json& v, size_t min_chars, size_t max_chars) {
  if (!v.is_string()) return false;
  const auto& s = v.get_ref<const std::string&>();
  const size_t n = utf8_length(s);
  return n >= min_chars && n <= max_chars && !has_forbidden_control(s);
}

bool valid_planned_date(const std::string& s) {
  if (s.size() == 7) return is_calendar_date(s + "-01");
  return is_calendar_date(s);
}

}  // namespace

std::optional<std::string> apply_plan_fields(const json& body, PlanItem& item, bool creating) {
  for (const auto& [key, value] : body.items()) {
    if (key == "year") {
      if (!value.is_number_integer() || value.get<int64_t>() < kMinYear || value.get<int64_t>() > kMaxYear)
        return "year must be an integer from " + std::to_string(kMinYear) + " to " + std::to_string(kMaxYear);
      item.year = value.get<int>();
    } else if (key == "topic") {
      if (!valid_text(value, 1, kMaxTopicChars)) return "topic must be 1-" + std::to_string(kMaxTopicChars) + " characters";
      item.topic = value.get<std::string>();
    } else if (key == "form") {
      if (!value.is_string() || !is_consultation_form(value.get<std::string>()))
        return "form must be one of plenary, standing_committee, thematic, counterpart, proposal, forum, micro, "
               "supervision";
      item.form = value.get<std::string>();
    } else if (key == "venue" || key == "lead" || key == "notes") {
      const size_t max = key == "venue" ? kMaxVenueChars : key == "lead" ? kMaxLeadChars : kMaxNotesChars;
      std::string& out = key == "venue" ? item.venue : key == "lead" ? item.lead : item.notes;
      if (value.is_null()) {
        out.clear();
        continue;
      }
      if (!valid_text(value, 0, max)) return key + " must be at most " + std::to_string(max) + " characters";
      out = value.get<std::string>();
    } else if (key == "planned_date") {
      if (value.is_null() || (value.is_string() && value.get_ref<const std::string&>().empty())) {
        item.planned_date.clear();
        continue;
      }
      if (!value.is_string() || !valid_planned_date(value.get<std::string>()))
        return "planned_date must be YYYY-MM-DD or YYYY-MM";
      item.planned_date = value.get<std::string>();
    } else if (key == "departments") {
      if (value.is_null()) {
        item.departments.clear();
        continue;
      }
      if (!value.is_array() || value.size() > kMaxDepartments)
        return "departments must be a list of at most " + std::to_string(kMaxDepartments) + " names";
      std::vector<std::string> names;
      for (const auto& d : value) {
        if (!valid_text(d, 1, kMaxLeadChars)) return "each department must be 1-" + std::to_string(kMaxLeadChars) + " characters";
        names.push_back(d.get<std::string>());
      }
      item.departments = std::move(names);
    } else if (key == "status" && !creating) {
      if (value == "cancelled") item.cancelled = true;
      else if (value == "planned") item.cancelled = false;
      else return "status may be set to cancelled (or back to planned); the rest follows the item's sessions";
    } else {
      return "unknown field: " + key;
    }
  }
  if (!item.planned_date.empty() && item.planned_date.substr(0, 4) != std::to_string(item.year))
    return "planned_date must fall in the plan's year " + std::to_string(item.year);
  if (creating) {
    if (item.year == 0) return "missing field: year";
    if (item.topic.empty()) return "missing field: topic";
    if (item.form.empty()) return "missing field: form";
  }
  return std::nullopt;
}

std::string_view plan_status(const PlanItem& item, std::span<const Status> linked_sessions) {
  if (item.cancelled) return "cancelled";
  bool any = false;
  for (Status s : linked_sessions) {
    if (s == Status::ended) return "held";
    any = true;
  }
  return any ? "scheduled" : "planned";
}

bool plan_order(const PlanItem& a, const PlanItem& b) {
  if (a.planned_date.empty() != b.planned_date.empty()) return !a.planned_date.empty();
  if (a.planned_date != b.planned_date) return a.planned_date < b.planned_date;
  if (a.created_ms != b.created_ms) return a.created_ms < b.created_ms;
  return a.id < b.id;
}

json plan_item_json(const PlanItem& item, std::string_view status, const std::vector<std::string>& sessions,
                    const std::vector<std::string>& topics) {
  return json{{"id", item.id},
              {"year", item.year},
              {"topic", item.topic},
              {"form", item.form},
              {"venue", to_json_nonempty(item.venue)},
              {"planned_date", to_json_nonempty(item.planned_date)},
              {"lead", to_json_nonempty(item.lead)},
              {"departments", item.departments},
              {"notes", to_json_nonempty(item.notes)},
              {"status", status},
              {"sessions", sessions},
              {"topics", topics}};
}

namespace {

// TEXT values: backslash, semicolon, comma and line breaks escaped (RFC 5545, 3.3.11).
std::string ics_text(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '\\' || c == ';' || c == ',') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c != '\r') {
      out += c;
    }
  }
  return out;
}

// Content lines fold at 75 octets, never inside a UTF-8 character (RFC 5545, 3.1).
void ics_line(std::string& out, const std::string& line) {
  size_t start = 0, width = 75;
  while (line.size() - start > width) {
    size_t cut = start + width;
    while (cut > start && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) --cut;
    out += line.substr(start, cut - start) + "\r\n ";
    start = cut;
    width = 74;  // the folded line's leading space counts
  }
  out += line.substr(start) + "\r\n";
}

std::string ics_utc(int64_t ms) {
  const std::string iso = format_time_ms(ms);  // 2026-11-26T13:30:00.000Z
  return iso.substr(0, 4) + iso.substr(5, 2) + iso.substr(8, 2) + "T" + iso.substr(11, 2) + iso.substr(14, 2) +
         iso.substr(17, 2) + "Z";
}

std::string next_day(const std::string& date) {
  const int64_t days = days_from_civil(std::stoi(date.substr(0, 4)), static_cast<unsigned>(std::stoi(date.substr(5, 2))),
                                       static_cast<unsigned>(std::stoi(date.substr(8, 2)))) + 1;
  const std::string iso = format_time_ms(days * 86400000);
  return iso.substr(0, 4) + iso.substr(5, 2) + iso.substr(8, 2);
}

}  // namespace

std::string plan_ics(std::span<const PlanItem> items, std::span<const std::string_view> statuses,
                     std::span<const CalendarSession> sessions, int64_t now_ms, std::string_view host) {
  std::string out;
  ics_line(out, "BEGIN:VCALENDAR");
  ics_line(out, "VERSION:2.0");
  ics_line(out, "PRODID:-//Yishiting//Consultation plan//ZH");
  ics_line(out, "CALSCALE:GREGORIAN");
  ics_line(out, "X-WR-CALNAME:" + ics_text("年度协商计划"));
  ics_line(out, "X-WR-TIMEZONE:Asia/Shanghai");
  const std::string stamp = ics_utc(now_ms);
  for (size_t i = 0; i < items.size(); ++i) {
    const PlanItem& item = items[i];
    if (item.planned_date.size() != 10) continue;  // a month is no day of a calendar
    const std::string date = item.planned_date.substr(0, 4) + item.planned_date.substr(5, 2) + item.planned_date.substr(8, 2);
    ics_line(out, "BEGIN:VEVENT");
    ics_line(out, "UID:plan-" + item.id + "@" + std::string(host));
    ics_line(out, "DTSTAMP:" + stamp);
    ics_line(out, "DTSTART;VALUE=DATE:" + date);
    ics_line(out, "DTEND;VALUE=DATE:" + next_day(item.planned_date));
    ics_line(out, "SUMMARY:" + ics_text(std::string(term("form", item.form).zh) + "：" + item.topic));
    if (!item.venue.empty()) ics_line(out, "LOCATION:" + ics_text(item.venue));
    std::string description = item.lead.empty() ? std::string() : "牵头单位：" + item.lead;
    if (!item.notes.empty()) description += (description.empty() ? "" : "\n") + item.notes;
    if (!description.empty()) ics_line(out, "DESCRIPTION:" + ics_text(description));
    const std::string_view status = i < statuses.size() ? statuses[i] : "planned";
    ics_line(out, std::string("STATUS:") + (status == "cancelled" ? "CANCELLED" : "CONFIRMED"));
    ics_line(out, "END:VEVENT");
  }
  for (const auto& s : sessions) {
    ics_line(out, "BEGIN:VEVENT");
    ics_line(out, "UID:session-" + s.id + "@" + std::string(host));
    ics_line(out, "DTSTAMP:" + stamp);
    ics_line(out, "DTSTART:" + ics_utc(s.starts_ms));
    ics_line(out, "DTEND:" + ics_utc(s.starts_ms + 3600000));
    ics_line(out, "SUMMARY:" + ics_text(s.title));
    if (!s.venue.empty()) ics_line(out, "LOCATION:" + ics_text(s.venue));
    if (!s.url.empty()) ics_line(out, "URL:" + s.url);
    ics_line(out, "END:VEVENT");
  }
  ics_line(out, "END:VCALENDAR");
  return out;
}

}  // namespace yst
