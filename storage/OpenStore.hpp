#pragma once
// Which store a location names: a PostgreSQL URL (postgresql://, postgres://), else the
// path of a SQLite file.
#include <memory>
#include <string>

#include "storage/Store.hpp"

namespace yst {

bool is_postgresql_url(const std::string& location);
std::unique_ptr<Store> open_store(const std::string& location, Durability durability = Durability::power);

}  // namespace yst
