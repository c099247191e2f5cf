#include "storage/Writer.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <future>

namespace yst {

Writer::Writer(Database& db, size_t max_batch) : db_(db), max_batch_(max_batch), thread_([this] { run(); }) {}

Writer::~Writer() { stop(); }

void Writer::submit(Work work, Done done) {
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(Job{std::move(work), std::move(done)});
  }
  wake_.notify_one();
}

void Writer::flush() {
  std::promise<void> committed;
  auto f = committed.get_future();
  submit([](Database&) {}, [&committed](bool) { committed.set_value(); });
  f.wait();
}

void Writer::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

namespace {
size_t batch_bucket(size_t n) {
  if (n <= 1) return 0;
  if (n <= 4) return 1;
  if (n <= 16) return 2;
  if (n <= 64) return 3;
  if (n <= 256) return 4;
  return 5;
}
size_t latency_bucket(double ms) {
  const double bounds[] = {1, 2, 5, 10, 25, 50, 100};
  for (size_t i = 0; i < 7; ++i)
    if (ms <= bounds[i]) return i;
  return 7;
}
}  // namespace

void Writer::run() {
  std::vector<Job> batch;
  std::vector<bool> ok;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything is written
      if (queue_.size() <= max_batch_) {
        batch.swap(queue_);
      } else {
        batch.assign(std::make_move_iterator(queue_.begin()), std::make_move_iterator(queue_.begin() + max_batch_));
        queue_.erase(queue_.begin(), queue_.begin() + max_batch_);
      }
    }
    auto t0 = std::chrono::steady_clock::now();
    ok.assign(batch.size(), false);
    bool committed = false;
    try {
      db_.begin();
      for (size_t i = 0; i < batch.size(); ++i) {
        // A savepoint per job: one bad job fails alone, the rest of the batch commits.
        db_.savepoint();
        try {
          batch[i].work(db_);
          db_.release_savepoint();
          ok[i] = true;
        } catch (const std::exception& e) {
          spdlog::error("storage job failed: {}", e.what());
          db_.rollback_to_savepoint();
        }
      }
      db_.commit();
      committed = true;
    } catch (const std::exception& e) {
      spdlog::error("storage commit failed: {}", e.what());
      try {
        db_.rollback();
      } catch (...) {
      }
    }
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    stats_.commits.fetch_add(1, std::memory_order_relaxed);
    stats_.jobs.fetch_add(batch.size(), std::memory_order_relaxed);
    stats_.batch_buckets[batch_bucket(batch.size())].fetch_add(1, std::memory_order_relaxed);
    stats_.latency_buckets[latency_bucket(ms)].fetch_add(1, std::memory_order_relaxed);
    stats_.latency_us_sum.fetch_add(static_cast<uint64_t>(ms * 1000), std::memory_order_relaxed);
    for (size_t i = 0; i < batch.size(); ++i) {
      bool good = committed && ok[i];
      if (!good) stats_.failed_jobs.fetch_add(1, std::memory_order_relaxed);
      if (batch[i].done) batch[i].done(good);
    }
    batch.clear();
  }
}

}  // namespace yst
