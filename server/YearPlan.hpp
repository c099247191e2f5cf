#pragma once
// The year's consultation plan as the server holds it: every item in memory (a district
// plans tens a year), each change stored through the writer before it is seen.
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "session/Types.hpp"
#include "session/year/Plan.hpp"

namespace yst {

class Writer;

class YearPlan {
 public:
  using Done = std::function<void(std::optional<Error>, PlanItem)>;
  using Edit = std::function<std::optional<Error>(PlanItem&)>;

  void load(std::vector<PlanItem> items);
  std::vector<PlanItem> items() const;
  std::optional<PlanItem> item(const std::string& id) const;

  // Both complete on the writer thread after the commit.
  void create(Writer& writer, PlanItem item, Done done);
  void edit(Writer& writer, const std::string& id, Edit edit, Done done);

 private:
  mutable std::mutex mutex_;  // guards items_; never held across I/O
  std::vector<PlanItem> items_;
};

}  // namespace yst
