#include "session/Tally.hpp"

namespace yst {

int Tally::total(Choice choice) const {
  int n = 0;
  for (const auto& row : counts_) n += row[index(choice)];
  return n;
}

int Tally::counted(const Settings& settings, Choice choice) const {
  int n = 0;
  for (Role r : settings.counted_roles)
    if (r != Role::audience) n += count(r, choice);  // the audience only ever advises
  return n;
}

bool Tally::adopted(const Settings& settings) const {
  const long agree = counted(settings, Choice::agree), disagree = counted(settings, Choice::disagree);
  if (agree + disagree == 0) return false;
  // Cross-multiplied with a tolerance far below any real ratio step, so that a ratio
  // equal to the threshold (2 of 3 against 2/3) adopts despite rounding.
  return static_cast<double>(agree) >= settings.consensus_threshold * static_cast<double>(agree + disagree) - 1e-9;
}

namespace {
json choices(int agree, int disagree, int abstain) {
  return json{{"agree", agree}, {"disagree", disagree}, {"abstain", abstain}};
}
}  // namespace

json Tally::to_json(const Settings& settings) const {
  auto of_role = [&](Role r) {
    return choices(count(r, Choice::agree), count(r, Choice::disagree), count(r, Choice::abstain));
  };
  json by_role = json::object();
  for (Role r : kAllRoles)
    if (r != Role::clerk && r != Role::overlay) by_role[std::string(to_string(r))] = of_role(r);  // they never vote
  // Every vote at the top level; `counted` decides the outcome, `audience` is the public's
  // advisory vote (民意参考): pages show the two apart, never their sum as the result.
  return json{{"agree", total(Choice::agree)},
              {"disagree", total(Choice::disagree)},
              {"abstain", total(Choice::abstain)},
              {"by_role", std::move(by_role)},
              {"counted", choices(counted(settings, Choice::agree), counted(settings, Choice::disagree),
                                   counted(settings, Choice::abstain))},
              {"audience", of_role(Role::audience)}};
}

}  // namespace yst
