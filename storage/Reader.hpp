#pragma once
// Reads of storage that must not run on an I/O thread (the minutes, the hash chain): one
// thread with its own connection, opened once, running jobs in the order they came.
// A job replies through its own callback, from this thread, so that callback must hop to
// its connection's executor (HttpConnection's reply does).
//
// The queue needs no bound of its own: each HTTP connection has at most one request in
// flight, so it holds at most --max-connections jobs.
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "storage/SqliteStore.hpp"

namespace yst {

class Reader {
 public:
  using Job = std::function<void(Store&)>;

  // Opens the store at `location` (a SQLite path or a PostgreSQL URL); throws when it cannot.
  explicit Reader(const std::string& location);
  ~Reader();  // stop()
  Reader(const Reader&) = delete;
  Reader& operator=(const Reader&) = delete;

  // Runs `job` on the reader thread. A job that throws is logged and dropped: it must
  // catch what it wants to answer.
  void submit(Job job);
  // Lets the job under way finish, drops those not started (destroying them, with the
  // replies they hold, on the calling thread) and joins the thread. Call it before the
  // executors the replies would hop to go away.
  void stop();

 private:
  void run();

  std::unique_ptr<Store> db_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Job> queue_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace yst
