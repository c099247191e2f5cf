#pragma once
// Measurement helpers of the load tool: a lock-free latency histogram and readers of
// /proc for another process's CPU time and resident memory.
#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace ystbench {

// Log-linear histogram of durations in nanoseconds, recorded at microsecond resolution:
// exact below 256 µs, then 128 buckets per power of two (under 0.8 % error). Recording
// is one relaxed atomic increment, so every io thread can record without a lock; the
// figures are read once the recording threads are quiet.
class Histogram {
 public:
  Histogram();
  void record_ns(int64_t ns);
  uint64_t count() const { return count_.load(std::memory_order_relaxed); }
  double percentile_ms(double q) const;  // q in [0,1]; 0 when empty
  double max_ms() const { return static_cast<double>(max_ns_.load(std::memory_order_relaxed)) / 1e6; }
  double mean_ms() const;
  // {"p50":..,"p90":..,"p99":..,"p999":..,"max":..,"mean":..} in milliseconds.
  nlohmann::json summary() const;

 private:
  static constexpr int kLinear = 256;
  static constexpr int kSubBits = 7;
  static constexpr int kBuckets = kLinear + (64 - 8) * (1 << kSubBits);
  static size_t index_of(uint64_t us);
  static double value_of(size_t index);  // the bucket's middle, in µs

  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;
  std::atomic<uint64_t> count_{0};
  std::atomic<uint64_t> sum_ns_{0};
  std::atomic<int64_t> max_ns_{0};
};

int64_t now_ns();  // steady_clock, the clock every timestamp of the tool uses

// Raises `a` to `v` when v is larger: the latest of the timestamps several io threads record.
inline void store_max(std::atomic<int64_t>& a, int64_t v) {
  int64_t prev = a.load();
  while (v > prev && !a.compare_exchange_weak(prev, v)) {
  }
}

// utime + stime of a process, in seconds (nullopt when it cannot be read).
std::optional<double> process_cpu_seconds(pid_t pid);
// VmRSS of a process, in KiB.
std::optional<long> process_rss_kib(pid_t pid);
// CPU time this process has used, in seconds.
double self_cpu_seconds();

// CPU seconds of the whole machine (all CPUs summed) from /proc/stat: busy (user, nice,
// system, irq, softirq), and steal (taken by the hypervisor for other guests). The machine
// is shared, so every result says how much of it was busy with work other than the run.
struct MachineCpu {
  double busy_s = 0;
  double steal_s = 0;
};
std::optional<MachineCpu> machine_cpu();
std::string load_average();  // the first three fields of /proc/loadavg

}  // namespace ystbench
