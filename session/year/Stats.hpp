#pragma once
// Participation statistics (the contract's "Participation statistics"): one row per
// session from its stored record, and their sums by form and by venue.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "session/minutes/Minutes.hpp"

namespace yst {

struct StatsRow {
  std::string id, title, form, venue;
  std::optional<int64_t> started_ms, ended_ms;
  int64_t peak_audience = 0, audience_active = 0, questions_asked = 0, questions_public = 0, questions_answered = 0,
          upvotes = 0, statements = 0, points_proposed = 0, points_adopted = 0, commitments_made = 0,
          commitments_done = 0, commitments_overdue = 0;
};

// A session's row. `form` and `venue` are the plan item's when it has one, else the
// session's; `today` (YYYY-MM-DD, the server's local date) decides what is overdue.
StatsRow stats_row(const MinutesInput& in, const std::string& form, const std::string& venue, const std::string& today);

// The numbers of the rows summed, with `sessions` and the three rates (0 when the divisor
// is 0).
json stats_totals(const std::vector<const StatsRow*>& rows);
json stats_row_json(const StatsRow& row);
// {sessions:[ROW], totals, by_form:{FORM:ROW'}, by_venue:{VENUE:ROW'}}; a session without
// a form or venue is summed under "none".
json stats_json(const std::vector<StatsRow>& rows);
// One row per session, the ROW's fields as columns, UTF-8 with a BOM, CRLF.
std::string stats_csv(const std::vector<StatsRow>& rows);

}  // namespace yst
