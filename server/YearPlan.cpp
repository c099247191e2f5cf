#include "server/YearPlan.hpp"

#include "storage/Writer.hpp"

namespace yst {

void YearPlan::load(std::vector<PlanItem> items) {
  std::lock_guard lock(mutex_);
  items_ = std::move(items);
}

std::vector<PlanItem> YearPlan::items() const {
  std::lock_guard lock(mutex_);
  return items_;
}

std::optional<PlanItem> YearPlan::item(const std::string& id) const {
  std::lock_guard lock(mutex_);
  for (const auto& i : items_)
    if (i.id == id) return i;
  return std::nullopt;
}

void YearPlan::create(Writer& writer, PlanItem item, Done done) {
  writer.submit([item](Store& store) { store.create_plan_item(item); },
                [this, item, done = std::move(done)](bool ok) {
                  if (!ok) return done(Error{ErrorCode::internal, "could not store the plan item"}, {});
                  {
                    std::lock_guard lock(mutex_);
                    items_.push_back(item);
                  }
                  done(std::nullopt, item);
                });
}

void YearPlan::edit(Writer& writer, const std::string& id, Edit edit, Done done) {
  auto current = item(id);
  if (!current) return done(Error{ErrorCode::not_found, "no plan item " + id}, {});
  PlanItem changed = *current;
  if (auto refused = edit(changed)) return done(*refused, {});
  writer.submit([changed](Store& store) { store.update_plan_item(changed); },
                [this, changed, done = std::move(done)](bool ok) {
                  if (!ok) return done(Error{ErrorCode::internal, "could not store the plan item"}, {});
                  {
                    std::lock_guard lock(mutex_);
                    for (auto& i : items_)
                      if (i.id == changed.id) i = changed;
                  }
                  done(std::nullopt, changed);
                });
}

}  // namespace yst
