#pragma once
// The year's consultation plan (年度协商计划): items matching a topic to a form of
// consultation, and what the items' sessions make of their status.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "session/Types.hpp"

namespace yst {

struct PlanItem {
  std::string id;
  int year = 0;
  std::string topic;
  std::string form;          // one of the contract's forms
  std::string venue;
  std::string planned_date;  // YYYY-MM-DD or YYYY-MM, or empty
  std::string lead;          // the lead unit (牵头单位)
  std::vector<std::string> departments;
  std::string notes;
  bool cancelled = false;
  int64_t created_ms = 0;
};

// Reads the fields of POST /api/plan (`creating`: year, topic and form required) or of
// PATCH /api/plan/{id} (the fields present replace the item's; `status` cancelled or
// planned). The message to answer 400 with when the body is not acceptable.
std::optional<std::string> apply_plan_fields(const json& body, PlanItem& item, bool creating);

// planned; scheduled once a session links to it; held once a linked session has ended;
// cancelled when the admin said so.
std::string_view plan_status(const PlanItem& item, std::span<const Status> linked_sessions);

// The order of GET /api/plan: by planned_date (undated last), then as created.
bool plan_order(const PlanItem& a, const PlanItem& b);

json plan_item_json(const PlanItem& item, std::string_view status, const std::vector<std::string>& sessions,
                    const std::vector<std::string>& topics = {});

// A session as the calendar feed sees it.
struct CalendarSession {
  std::string id;
  std::string title;
  std::string venue;
  int64_t starts_ms = 0;
  std::string url;  // the audience page
};
// RFC 5545 iCalendar: a VEVENT per item with a full date (all day) and per scheduled
// session (an hour from its time), stable UIDs so a subscribed calendar updates in place.
std::string plan_ics(std::span<const PlanItem> items, std::span<const std::string_view> statuses,
                     std::span<const CalendarSession> sessions, int64_t now_ms, std::string_view host);

}  // namespace yst
