#pragma once
#include <array>

#include "session/Request.hpp"
#include "session/Types.hpp"

namespace yst {

// Votes on one point, by role and choice, kept incrementally: a vote adds one, a
// changed vote moves one, nothing is ever recounted.
class Tally {
 public:
  void add(Role role, Choice choice) { ++counts_[index(role)][index(choice)]; }
  void remove(Role role, Choice choice) { --counts_[index(role)][index(choice)]; }
  int count(Role role, Choice choice) const { return counts_[index(role)][index(choice)]; }
  int total(Choice choice) const;
  // The votes of the roles that decide (the settings' counted_roles).
  int counted(const Settings& settings, Choice choice) const;

  // The contract's rule: among the counted roles, adopted when agree + disagree > 0 and
  // agree / (agree + disagree) >= threshold. Audience votes never count.
  bool adopted(const Settings& settings) const;
  // The contract's TALLY: every vote, by role, the counted roles' sum and the audience's.
  json to_json(const Settings& settings) const;

 private:
  static int index(Role r) { return static_cast<int>(r); }
  static int index(Choice c) { return static_cast<int>(c); }
  std::array<std::array<int, 3>, kRoleCount> counts_{};
};

}  // namespace yst
