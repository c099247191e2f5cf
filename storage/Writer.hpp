#pragma once
// The one writer to the store. Callers submit jobs from any thread; the writer thread takes
// everything queued and hands it to the store as one batch (group commit), and only once
// the batch is committed calls each job's completion, on the writer thread. So a
// completion that acks or broadcasts can never announce something that is not durable.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "storage/Store.hpp"

namespace yst {

class Writer {
 public:
  using Work = Store::Job;
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

  explicit Writer(Store& store, size_t max_batch = 4096);
  ~Writer();  // drains the queue, then stops
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  void submit(Work work, Done done);
  // What a room commits in one go: the Changes of its requests in order, and the peak
  // audience when it goes with them (the end of a session).
  // In a cluster `owner_epoch` is the node's fencing token: the job stores nothing once
  // another node has taken the session over, and `receipts` are the acks of the forwarded
  // requests among the changes, stored with them.
  void submit_changes(std::string session_id, std::shared_ptr<const std::vector<Changes>> changes,
                      std::optional<int> peak_audience, Done done, std::optional<int64_t> owner_epoch = std::nullopt,
                      std::vector<Receipt> receipts = {});
  void submit_peak_audience(std::string session_id, int peak_audience);
  // Blocks until every job submitted before the call is committed.
  void flush();
  void stop();

  const Stats& stats() const { return stats_; }
  // Empty while the store commits; otherwise why it cannot, for /healthz (any thread).
  // While it cannot, the writer tries a small write every second, so the health comes
  // back with the store even when no request comes to try it.
  std::string failure() const;

 private:
  void run();
  void record(size_t jobs, double ms);

  Store& store_;
  const size_t max_batch_;
  std::mutex mutex_;
  std::condition_variable wake_;
  // Two queues side by side: the store takes the work as one span.
  std::vector<Work> queued_work_;
  std::vector<Done> queued_done_;
  bool stopping_ = false;
  Stats stats_;
  mutable std::mutex failure_mutex_;
  std::string failure_;
  std::thread thread_;
};

}  // namespace yst
