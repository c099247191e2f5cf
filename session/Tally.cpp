#include "session/Tally.hpp"

namespace yst {

int Tally::total(Choice choice) const {
  int n = 0;
  for (const auto& row : counts_) n += row[index(choice)];
  return n;
}

bool Tally::adopted(const Settings& settings) const {
  long agree = 0, disagree = 0;
  for (Role r : settings.counted_roles) {
    if (r == Role::audience) continue;
    agree += count(r, Choice::agree);
    disagree += count(r, Choice::disagree);
  }
  if (agree + disagree == 0) return false;
  // Cross-multiplied with a tolerance far below any real ratio step, so that a ratio
  // equal to the threshold (2 of 3 against 2/3) adopts despite rounding.
  return static_cast<double>(agree) >= settings.consensus_threshold * static_cast<double>(agree + disagree) - 1e-9;
}

json Tally::to_json() const {
  json by_role = json::object();
  for (Role r : kAllRoles) {
    if (r == Role::clerk) continue;  // clerks keep the minutes; they do not vote
    by_role[std::string(to_string(r))] = json{{"agree", count(r, Choice::agree)},
                                              {"disagree", count(r, Choice::disagree)},
                                              {"abstain", count(r, Choice::abstain)}};
  }
  return json{{"agree", total(Choice::agree)},
              {"disagree", total(Choice::disagree)},
              {"abstain", total(Choice::abstain)},
              {"by_role", by_role}};
}

}  // namespace yst
