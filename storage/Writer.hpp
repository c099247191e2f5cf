#pragma once
// The one writer to SQLite. Callers submit jobs from any thread; the writer thread takes
// everything queued, runs it in one transaction (group commit), commits, and only then
// calls each job's completion, on the writer thread. So a completion that acks or
// broadcasts can never announce something that is not durable.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "storage/Database.hpp"

namespace yst {

class Writer {
 public:
  using Work = std::function<void(Database&)>;
  using Done = std::function<void(bool ok)>;

  struct Stats {
    std::atomic<uint64_t> commits{0};
    std::atomic<uint64_t> jobs{0};
    std::atomic<uint64_t> failed_jobs{0};
    // Histograms: batch size buckets (<=1,2-4,5-16,17-64,65-256,>256) and commit
    // latency buckets in ms (<=1,<=2,<=5,<=10,<=25,<=50,<=100,>100).
    std::atomic<uint64_t> batch_buckets[6]{};
    std::atomic<uint64_t> latency_buckets[8]{};
    std::atomic<uint64_t> latency_us_sum{0};
  };

  explicit Writer(Database& db, size_t max_batch = 4096);
  ~Writer();  // drains the queue, then stops
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  void submit(Work work, Done done);
  // Blocks until every job submitted before the call is committed.
  void flush();
  void stop();

  const Stats& stats() const { return stats_; }

 private:
  struct Job {
    Work work;
    Done done;
  };
  void run();

  Database& db_;
  const size_t max_batch_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<Job> queue_;
  bool stopping_ = false;
  Stats stats_;
  std::thread thread_;
};

}  // namespace yst
