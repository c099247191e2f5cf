#pragma once
// The old name of the SQLite store. server/main.cpp, server/HttpApi.cpp and
// tests/reliability/crash_test.cpp still say `Database` (they are being changed
// elsewhere at the same time); once they say SqliteStore or Store, delete this file.
#include "storage/SqliteStore.hpp"

namespace yst {
using Database = SqliteStore;
}  // namespace yst
