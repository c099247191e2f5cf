#include "storage/FaultVfs.hpp"

#include <sqlite3.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>

namespace yst {
namespace {

sqlite3_vfs* g_real = nullptr;
sqlite3_vfs g_faulty;
std::string g_control;

enum class Fault { none, full, io, slow_db_sync };

// Read on every write: the test flips the fault while the server runs.
Fault current_fault() {
  std::ifstream in(g_control);
  std::string word;
  in >> word;
  if (word == "ENOSPC") return Fault::full;
  if (word == "EIO") return Fault::io;
  if (word == "SLOW_DB_SYNC") return Fault::slow_db_sync;  // the database file's fsync takes 1 s
  return Fault::none;
}

// SQLite allocates szOsFile bytes for a file: ours, then the real VFS's file right after.
struct FaultyFile {
  sqlite3_file base;
  sqlite3_file* real;
  bool main_db;  // the database file itself, not its WAL or journal
};
sqlite3_file* real_of(sqlite3_file* f) { return reinterpret_cast<FaultyFile*>(f)->real; }

int f_close(sqlite3_file* f) { return real_of(f)->pMethods->xClose(real_of(f)); }
int f_read(sqlite3_file* f, void* buf, int n, sqlite3_int64 off) {
  return real_of(f)->pMethods->xRead(real_of(f), buf, n, off);
}
int f_write(sqlite3_file* f, const void* buf, int n, sqlite3_int64 off) {
  switch (current_fault()) {
    case Fault::full: return SQLITE_FULL;
    case Fault::io: return SQLITE_IOERR_WRITE;
    case Fault::none:
    case Fault::slow_db_sync: break;
  }
  return real_of(f)->pMethods->xWrite(real_of(f), buf, n, off);
}
int f_truncate(sqlite3_file* f, sqlite3_int64 size) {
  if (current_fault() == Fault::io) return SQLITE_IOERR_TRUNCATE;
  return real_of(f)->pMethods->xTruncate(real_of(f), size);
}
int f_sync(sqlite3_file* f, int flags) {
  const Fault fault = current_fault();
  if (fault == Fault::io) return SQLITE_IOERR_FSYNC;
  if (fault == Fault::slow_db_sync && reinterpret_cast<FaultyFile*>(f)->main_db)
    std::this_thread::sleep_for(std::chrono::seconds(1));
  return real_of(f)->pMethods->xSync(real_of(f), flags);
}
int f_file_size(sqlite3_file* f, sqlite3_int64* size) { return real_of(f)->pMethods->xFileSize(real_of(f), size); }
int f_lock(sqlite3_file* f, int level) { return real_of(f)->pMethods->xLock(real_of(f), level); }
int f_unlock(sqlite3_file* f, int level) { return real_of(f)->pMethods->xUnlock(real_of(f), level); }
int f_check_reserved(sqlite3_file* f, int* out) { return real_of(f)->pMethods->xCheckReservedLock(real_of(f), out); }
int f_file_control(sqlite3_file* f, int op, void* arg) {
  return real_of(f)->pMethods->xFileControl(real_of(f), op, arg);
}
int f_sector_size(sqlite3_file* f) { return real_of(f)->pMethods->xSectorSize(real_of(f)); }
int f_device_characteristics(sqlite3_file* f) { return real_of(f)->pMethods->xDeviceCharacteristics(real_of(f)); }
int f_shm_map(sqlite3_file* f, int page, int size, int extend, void volatile** out) {
  return real_of(f)->pMethods->xShmMap(real_of(f), page, size, extend, out);
}
int f_shm_lock(sqlite3_file* f, int offset, int n, int flags) {
  return real_of(f)->pMethods->xShmLock(real_of(f), offset, n, flags);
}
void f_shm_barrier(sqlite3_file* f) { real_of(f)->pMethods->xShmBarrier(real_of(f)); }
int f_shm_unmap(sqlite3_file* f, int del) { return real_of(f)->pMethods->xShmUnmap(real_of(f), del); }
// No memory-mapped reads: every page goes through f_read (and writes through f_write).
int f_fetch(sqlite3_file*, sqlite3_int64, int, void** out) {
  *out = nullptr;
  return SQLITE_OK;
}
int f_unfetch(sqlite3_file*, sqlite3_int64, void*) { return SQLITE_OK; }

const sqlite3_io_methods kMethods = {
    3,          f_close,       f_read,         f_write,        f_truncate,   f_sync,
    f_file_size, f_lock,       f_unlock,       f_check_reserved, f_file_control, f_sector_size,
    f_device_characteristics, f_shm_map, f_shm_lock, f_shm_barrier, f_shm_unmap, f_fetch,
    f_unfetch,
};

int f_open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* file, int flags, int* out_flags) {
  auto* mine = reinterpret_cast<FaultyFile*>(file);
  mine->real = reinterpret_cast<sqlite3_file*>(mine + 1);
  mine->main_db = (flags & SQLITE_OPEN_MAIN_DB) != 0;
  mine->real->pMethods = nullptr;
  const int rc = g_real->xOpen(g_real, name, mine->real, flags, out_flags);
  // SQLite closes a file whose methods are set, even when the open failed.
  file->pMethods = mine->real->pMethods ? &kMethods : nullptr;
  return rc;
}

}  // namespace

void install_fault_vfs_if_asked() {
  static std::once_flag once;
  std::call_once(once, [] {
    const char* control = std::getenv("YST_TEST_STORAGE_FAULTS");
    if (!control || !*control) return;
    g_control = control;
    g_real = sqlite3_vfs_find(nullptr);
    g_faulty = *g_real;
    g_faulty.zName = "yst-faults";
    g_faulty.szOsFile = static_cast<int>(sizeof(FaultyFile)) + g_real->szOsFile;
    g_faulty.xOpen = f_open;
    sqlite3_vfs_register(&g_faulty, 1);
  });
}

}  // namespace yst
