#include "storage/Writer.hpp"

#include <chrono>
#include <future>

#include <spdlog/spdlog.h>

namespace yst {

Writer::Writer(Store& store, size_t max_batch)
    : store_(store), max_batch_(max_batch), thread_([this] { run(); }) {}

Writer::~Writer() { stop(); }

void Writer::submit(Work work, Done done) {
  {
    std::lock_guard lock(mutex_);
    queued_work_.push_back(std::move(work));
    queued_done_.push_back(std::move(done));
  }
  wake_.notify_one();
}

void Writer::submit_changes(std::string session_id, std::shared_ptr<const std::vector<Changes>> changes,
                            std::optional<int> peak_audience, Done done, std::optional<int64_t> owner_epoch,
                            std::vector<Receipt> receipts) {
  submit(
      [session_id = std::move(session_id), changes = std::move(changes), peak_audience, owner_epoch,
       receipts = std::move(receipts)](Store& store) {
        if (owner_epoch) store.expect_owner(session_id, *owner_epoch);
        if (peak_audience) store.set_peak_audience(session_id, *peak_audience);
        for (const Changes& c : *changes) store.store(session_id, c);
        for (const Receipt& r : receipts) store.store_receipt(session_id, r);
      },
      std::move(done));
}

void Writer::submit_peak_audience(std::string session_id, int peak_audience) {
  submit([session_id = std::move(session_id), peak_audience](
             Store& store) { store.set_peak_audience(session_id, peak_audience); },
         nullptr);
}

void Writer::flush() {
  std::promise<void> committed;
  auto f = committed.get_future();
  submit(nullptr, [&committed](bool) { committed.set_value(); });
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

// Moves the first `n` elements of `from` to `to` (emptied first).
template <class T>
void take_front(std::vector<T>& from, std::vector<T>& to, size_t n) {
  if (from.size() <= n) {
    to.swap(from);
    from.clear();
    return;
  }
  to.assign(std::make_move_iterator(from.begin()), std::make_move_iterator(from.begin() + static_cast<ptrdiff_t>(n)));
  from.erase(from.begin(), from.begin() + static_cast<ptrdiff_t>(n));
}
}  // namespace

void Writer::record(size_t jobs, double ms) {
  stats_.commits.fetch_add(1, std::memory_order_relaxed);
  stats_.jobs.fetch_add(jobs, std::memory_order_relaxed);
  stats_.batch_buckets[batch_bucket(jobs)].fetch_add(1, std::memory_order_relaxed);
  stats_.latency_buckets[latency_bucket(ms)].fetch_add(1, std::memory_order_relaxed);
  stats_.latency_us_sum.fetch_add(static_cast<uint64_t>(ms * 1000), std::memory_order_relaxed);
}

std::string Writer::failure() const {
  std::lock_guard lock(failure_mutex_);
  return failure_;
}

void Writer::run() {
  std::vector<Work> work;
  std::vector<Done> done;
  bool failing = false;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      const auto ready = [&] { return stopping_ || !queued_work_.empty(); };
      if (!failing) wake_.wait(lock, ready);
      else if (!wake_.wait_for(lock, std::chrono::seconds(1), ready)) {
        // Nothing to write while the store fails: a probe finds out when it works again.
        work.push_back([](Store& s) { s.set_meta("storage_probe", "ok"); });
        done.push_back(nullptr);
      }
      if (work.empty()) {
        if (queued_work_.empty()) return;  // stopping, and everything is written
        take_front(queued_work_, work, max_batch_);
        take_front(queued_done_, done, max_batch_);
      }
    }
    auto t0 = std::chrono::steady_clock::now();
    const std::vector<bool> ok = store_.write_batch(work);
    record(work.size(), std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    if (failing != !store_.commit_failure().empty()) {
      failing = !failing;
      if (failing) spdlog::critical("storage: commits fail ({}); writes are refused until it works again",
                                    store_.commit_failure());
      else spdlog::warn("storage: commits work again");
      std::lock_guard lock(failure_mutex_);
      failure_ = store_.commit_failure();
    }
    for (size_t i = 0; i < done.size(); ++i) {
      if (!ok[i]) stats_.failed_jobs.fetch_add(1, std::memory_order_relaxed);
      if (done[i]) done[i](ok[i]);
    }
    work.clear();
    done.clear();
  }
}

}  // namespace yst
