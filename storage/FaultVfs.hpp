#pragma once
// Storage faults on demand, for the tests: when YST_TEST_STORAGE_FAULTS names a file, every
// SQLite database of the process is opened through a VFS over the default one whose
// writes fail while that file says so: "ENOSPC" as on a full disk (SQLITE_FULL), "EIO" as
// on a failing one (SQLITE_IOERR on writes and syncs); "SLOW_DB_SYNC": every fsync of a
// database file (not of its WAL) takes a second, as a stalled disk's might. Anything else, or no file: no
// fault. Reads always work. Without the variable nothing is installed and SQLite's own
// VFS runs untouched. (tests/reliability/storage_fault_test.cpp)
namespace yst {

// Idempotent; call before opening a database.
void install_fault_vfs_if_asked();

}  // namespace yst
