#pragma once
// The roster (the district's members and the departments' representatives, named once)
// and each person's 履职档案, computed from the sessions they took part in.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "session/minutes/Minutes.hpp"

namespace yst {

struct Person {
  std::string id;
  std::string name;
  std::string kind;  // member, department, host, clerk
  std::string affiliation;
  std::string sector;  // a member's 界别
  int64_t created_ms = 0;
};

// POST /api/people (`creating`: name and kind required) or PATCH /api/people/{id}; the
// message to answer 400 with.
std::optional<std::string> apply_person_fields(const json& body, Person& p, bool creating);
json person_json(const Person& p);

// One session of a person's record (the contract's REC).
struct RecordRow {
  std::string session, title;
  std::optional<int64_t> started_ms;
  Role role = Role::member;
  bool attended = false;
  int64_t statements = 0, questions_answered = 0, points_proposed = 0, points_adopted = 0, votes = 0,
          floor_seconds = 0, commitments_made = 0, commitments_done = 0;
};

// The person's row of one session, in which they were `participant`; `attended` is whether
// they were connected while it was live.
RecordRow record_row(const MinutesInput& in, const Participant& participant, bool attended);
// {person, sessions:[REC], totals: REC'} (REC' sums the numbers, adds `sessions` and
// `attended`, a count).
json record_json(const Person& person, const std::vector<RecordRow>& rows);
// The roster's records, one row a person (their totals), UTF-8 with a BOM.
std::string records_csv(const std::vector<std::pair<Person, std::vector<RecordRow>>>& records);

}  // namespace yst
