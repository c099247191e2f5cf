#include "storage/OpenStore.hpp"

#include "storage/PgStore.hpp"
#include "storage/SqliteStore.hpp"

namespace yst {

bool is_postgresql_url(const std::string& location) {
  return location.rfind("postgresql://", 0) == 0 || location.rfind("postgres://", 0) == 0;
}

std::unique_ptr<Store> open_store(const std::string& location, Durability durability) {
  if (is_postgresql_url(location)) return std::make_unique<PgStore>(location, durability);
  return std::make_unique<SqliteStore>(location, durability);
}

}  // namespace yst
