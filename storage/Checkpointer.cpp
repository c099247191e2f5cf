#include "storage/Checkpointer.hpp"

#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include <chrono>

namespace yst {

Checkpointer::Checkpointer(std::string path, std::string synchronous)
    : path_(std::move(path)), synchronous_(std::move(synchronous)) {}

Checkpointer::~Checkpointer() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void Checkpointer::attach(sqlite3* db) { sqlite3_wal_hook(db, &Checkpointer::on_commit, this); }

long Checkpointer::done_in_background() const {
  std::lock_guard lock(mutex_);
  return background_;
}

long Checkpointer::done_inline() const {
  std::lock_guard lock(mutex_);
  return inline_;
}

int Checkpointer::on_commit(void* arg, sqlite3* db, const char* schema, int wal_pages) {
  auto* self = static_cast<Checkpointer*>(arg);
  if (wal_pages >= kPagesInline) {
    // Behind by far: bound the WAL here, at the cost of this commit's latency.
    if (sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr) == SQLITE_OK) {
      std::lock_guard lock(self->mutex_);
      ++self->inline_;
    }
    return SQLITE_OK;
  }
  if (wal_pages < kPages) return SQLITE_OK;
  {
    std::lock_guard lock(self->mutex_);
    if (self->due_) return SQLITE_OK;
    self->due_ = true;
    if (!self->thread_.joinable()) self->thread_ = std::thread([self] { self->run(); });
  }
  self->wake_.notify_one();
  return SQLITE_OK;
}

void Checkpointer::run() {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path_.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
    spdlog::warn("sqlite: the checkpoint thread could not open {}: {}; the writer checkpoints by itself",
                 path_, db ? sqlite3_errmsg(db) : "out of memory");
    sqlite3_close(db);
    return;  // the writer's inline checkpoints bound the WAL
  }
  sqlite3_exec(db, ("PRAGMA synchronous=" + synchronous_).c_str(), nullptr, nullptr, nullptr);
  sqlite3_wal_autocheckpoint(db, 0);  // this connection never commits anyway
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return due_ || stop_; });
    if (stop_) break;
    lock.unlock();
    // PASSIVE: never waits for the writer or a reader; what a reader still uses stays in
    // the WAL for the next round.
    int wal = 0, copied = 0;
    const int rc = sqlite3_wal_checkpoint_v2(db, nullptr, SQLITE_CHECKPOINT_PASSIVE, &wal, &copied);
    if (rc != SQLITE_OK && rc != SQLITE_BUSY)
      spdlog::warn("sqlite: checkpoint of {}: {}", path_, sqlite3_errmsg(db));
    lock.lock();
    if (rc == SQLITE_OK) ++background_;
    // Pages a reader still holds stay behind; the commits after will ask again, but not
    // more than ten times a second.
    if (rc != SQLITE_OK || copied < wal) wake_.wait_for(lock, std::chrono::milliseconds(100), [this] { return stop_; });
    due_ = false;
  }
  lock.unlock();
  sqlite3_close(db);
}

}  // namespace yst
