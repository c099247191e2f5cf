#pragma once
// Checkpoints of an SQLite WAL database, off the commit path.
//
// SQLite's automatic checkpoint runs inside the commit that fills the WAL past 1000
// pages: that commit copies the pages into the database file and fsyncs it, and with
// power durability every broadcast waits behind it (issue 19's latency tail). Here the
// writer's commits only report the WAL's size; a thread of its own, on a connection of
// its own, checkpoints once the WAL passes kPages, while the writer goes on appending. If
// that thread cannot keep up (or fails), the writer checkpoints itself once the WAL
// passes kPagesInline, as SQLite would have done, so the WAL stays bounded.
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

struct sqlite3;

namespace yst {

class Checkpointer {
 public:
  static constexpr int kPages = 1000;          // SQLite's own automatic threshold
  static constexpr int kPagesInline = 16000;   // about 64 MiB: the writer does it itself

  // `synchronous` is the writer's setting ("FULL" or "NORMAL"): a checkpoint fsyncs the
  // database file under either.
  Checkpointer(std::string path, std::string synchronous);
  ~Checkpointer();
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

  // Replaces `db`'s automatic checkpoints with this one's (sqlite3_wal_hook).
  void attach(sqlite3* db);

  // Checkpoints done by the thread, and by the writer when the thread fell behind.
  long done_in_background() const;
  long done_inline() const;

 private:
  static int on_commit(void* self, sqlite3* db, const char* schema, int wal_pages);
  void run();

  const std::string path_;
  const std::string synchronous_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool due_ = false;
  bool stop_ = false;
  long background_ = 0;
  long inline_ = 0;
  std::thread thread_;  // started on the first checkpoint that is due
};

}  // namespace yst
